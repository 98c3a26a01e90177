import { describe, expect, it } from 'vitest';

import { classifyErrorBody, GRAFANA_CODES } from './grafanaErrors';

describe('classifyErrorBody', () => {
  it.each([
    // checkAppEnabled in Grafana 11.x+ and 10.3-10.4, then with enabled=false.
    [404, { message: 'Plugin setting not found' }, GRAFANA_CODES.appNotSetUp, /no settings in this organization yet/],
    [404, { message: 'Plugin not found' }, GRAFANA_CODES.appNotSetUp, /"Plugin not found" \(HTTP 404\)/],
    [404, { message: 'Plugin is not enabled' }, GRAFANA_CODES.appDisabled, /disabled in this organization/],
    [
      500,
      { message: 'An error occurred within the plugin', messageId: 'plugin.requestFailureError', statusCode: 500 },
      GRAFANA_CODES.pluginFailure,
      /server log .* plugin.requestFailureError/,
    ],
    [
      403,
      { title: 'Access denied', message: "You'll need additional permissions.", accessErrorId: 'ACE1234567890' },
      GRAFANA_CODES.accessDenied,
      /additional permissions\. Grafana logged the denial as ACE1234567890/,
    ],
    [
      400,
      { message: 'bad request data', messageId: 'plugins.invalidBody' },
      'plugins.invalidBody',
      /^bad request data$/,
    ],
  ])('HTTP %i %j is %s', (status, body, code, message) => {
    const classified = classifyErrorBody(status, body);
    expect(classified.code).toBe(code);
    expect(classified.message).toMatch(message);
  });

  it('keeps the accessErrorId for the page to show', () => {
    expect(classifyErrorBody(403, { message: 'denied', accessErrorId: 'ACE42' }).accessErrorId).toBe('ACE42');
  });

  it("passes the backend's own code and message through, even on 404", () => {
    expect(classifyErrorBody(404, { error: 'route_not_found', message: 'no route GET /x' })).toEqual({
      code: 'route_not_found',
      message: 'no route GET /x',
    });
  });

  it('does not take a free-text "error" from Grafana for a code', () => {
    expect(
      classifyErrorBody(500, { message: 'Failed to get plugin settings', error: 'sql: database is locked' })
    ).toEqual({
      code: 'http_500',
      message: 'Failed to get plugin settings',
    });
  });

  it.each([
    [502, 'Bad Gateway', undefined],
    [502, '<html>proxy error</html>', undefined],
    [500, null, 'Internal Server Error'],
  ])('falls back to the HTTP status for HTTP %i %j', (status, body, statusText) => {
    const classified = classifyErrorBody(status, body, statusText);
    expect(classified.code).toBe(`http_${status}`);
    expect(classified.message).toBe(statusText ?? `request failed with HTTP ${status}`);
  });

  it('treats a 404 with another message as an ordinary error', () => {
    expect(classifyErrorBody(404, { message: 'Not found' }).code).toBe('http_404');
  });
});
