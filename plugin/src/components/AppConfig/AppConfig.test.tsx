import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Subject } from 'rxjs';
import { beforeEach, describe, expect, it } from 'vitest';

import { HEALTH_API, SETTINGS_API } from '../../constants';
import { AppJsonData } from '../../settings';
import { BackendSrvDouble, CannedResponse } from '../../test/backendSrvDouble';
import { appPluginWith } from '../../test/pluginMeta';
import AppConfig, { testIds } from './AppConfig';
import { SAVE_SPACING_MS } from './useSaveSpacing';

// A unique value per run, so a match can only come from this test's typing.
const CANARY = `canary-key-${Date.now()}-${Math.random().toString(36).slice(2)}`;
const API_URL = 'https://api.example.test/v1';

let backend: BackendSrvDouble;

beforeEach(() => {
  backend = new BackendSrvDouble()
    .on('POST', SETTINGS_API, { status: 200, data: { message: 'Plugin settings updated' } })
    .on('GET', HEALTH_API, { status: 200, data: { status: 'OK', message: 'authenticated' } })
    .install();
});

function renderConfig(jsonData: AppJsonData = { apiUrl: API_URL }, keyConfigured = true, enabled = true) {
  const user = userEvent.setup();
  const plugin = appPluginWith(jsonData, keyConfigured ? { apiKey: true } : {}, enabled);
  const view = render(<AppConfig plugin={plugin} query={{}} />);
  return { user, ...view };
}

const apiKeyInput = () => document.getElementById('apibridge-apiKey') as HTMLInputElement;
const save = () => screen.getByTestId(testIds.save);
const postedBodies = () => backend.requestsTo('POST', SETTINGS_API).map((r) => r.data);

describe('AppConfig: the API key', () => {
  it('shows a stored key only as "configured", with a Reset button', () => {
    renderConfig();
    expect(apiKeyInput()).toHaveValue('configured');
    expect(apiKeyInput()).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Reset' })).toBeInTheDocument();
  });

  it('sends no secureJsonData when no new key was typed', async () => {
    const { user } = renderConfig();
    await user.clear(screen.getByLabelText(/^API URL/));
    await user.type(screen.getByLabelText(/^API URL/), 'https://other.example.test');
    await user.click(save());

    await screen.findByTestId(testIds.health);
    expect(postedBodies()).toHaveLength(1);
    expect(postedBodies()[0]).not.toHaveProperty('secureJsonData');
    expect(postedBodies()[0]).toMatchObject({ enabled: true, jsonData: { apiUrl: 'https://other.example.test' } });
  });

  it('sends the new key after Reset, then forgets it: it is never rendered again', async () => {
    const { user, container } = renderConfig();
    await user.click(screen.getByRole('button', { name: 'Reset' }));
    expect(apiKeyInput()).toBeEnabled();
    expect(apiKeyInput()).toHaveAttribute('type', 'password');
    // Not a place for the browser to autofill a saved (Grafana) password.
    expect(apiKeyInput()).toHaveAttribute('autocomplete', 'new-password');
    await user.type(apiKeyInput(), CANARY);
    await user.click(save());

    await screen.findByTestId(testIds.health);
    expect(postedBodies()).toEqual([expect.objectContaining({ secureJsonData: { apiKey: CANARY } })]);
    expect(apiKeyInput()).toHaveValue('configured');
    expect(container.innerHTML).not.toContain(CANARY);
    expect(document.body.textContent).not.toContain(CANARY);
    for (const input of Array.from(document.querySelectorAll('input, textarea'))) {
      expect((input as HTMLInputElement).value).not.toContain(CANARY);
    }
  });

  it('after Reset, Save without a new key is refused: it would have wiped the stored key', async () => {
    const { user } = renderConfig();
    await user.click(screen.getByRole('button', { name: 'Reset' }));
    await user.click(save());
    expect(await screen.findByText('apiKey: is required. Fix: type the key the API gave you')).toBeInTheDocument();
    expect(postedBodies()).toHaveLength(0);
  });

  it('refuses a key with a space at its end, without showing the key', async () => {
    const { user, container } = renderConfig({ apiUrl: API_URL }, false);
    await user.type(apiKeyInput(), `${CANARY} `);
    await user.click(save());
    expect(await screen.findByText(/^apiKey: the API key has spaces or line breaks at its ends/)).toBeInTheDocument();
    expect(postedBodies()).toHaveLength(0);
    expect(document.body.textContent).not.toContain(CANARY);
    expect(container.innerHTML).not.toContain(CANARY);
  });

  it('asks for a key when none is stored and none was typed, and sends nothing', async () => {
    const { user } = renderConfig({ apiUrl: API_URL }, false);
    await user.click(save());
    expect(await screen.findByText('apiKey: is required. Fix: type the key the API gave you')).toBeInTheDocument();
    expect(postedBodies()).toHaveLength(0);
  });
});

describe('AppConfig: validation next to each field', () => {
  it.each([
    [
      'API URL',
      'http://api.example.test',
      /^apiUrl: .* uses plain http to a host that is not a loopback address\. Fix: use https:\/\//,
    ],
    ['API URL', 'https://me:secret@api.example.test', /^apiUrl: must not contain a user name or password\. Fix: /],
    ['API URL', 'https://api.example.test/?x=1', /^apiUrl: .* has a query string\. Fix: /],
    ['API URL', 'https://api.example.test/#x', /^apiUrl: .* has a #fragment\. Fix: /],
    ['Auth header', 'Bad Header', /^authHeader: "Bad Header" is not a valid HTTP header name\. Fix: /],
    ['Auth scheme', 'two words', /^authScheme: "two words" is not a single word such as Bearer or Token\. Fix: /],
    ['CA certificate', 'hello', /^caCertificate: contains no PEM certificate\. Fix: /],
    [
      'Timeout (seconds)',
      '0',
      /^timeoutSeconds: is 0, not a whole number from 1 to 300\. Fix: set a whole number of seconds/,
    ],
    [
      'Maximum response size (bytes)',
      '-5',
      /^maxResponseBytes: is -5, not a whole number from 1 to 1073741824\. Fix: /,
    ],
    ['Allowed proxy paths', '/a/../b', /^allowedPaths\[0\]: "\/a\/\.\.\/b" is not a usable path prefix .*\. Fix: /],
    ['Health check path', '/me/%2e%2e', /^healthPath: "\/me\/%2e%2e" is not a usable path .*\. Fix: /],
  ])('%s = %j shows its reason and blocks Save', async (label, value, message) => {
    const { user } = renderConfig();
    const field = screen.getByLabelText(new RegExp(`^${label.replace(/[()]/g, '\\$&')}`));
    await user.clear(field);
    await user.type(field, value);
    await user.tab();
    expect(await screen.findByText(message)).toBeInTheDocument();
    // Announced with the field: the reason is its accessible description.
    expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(field).toHaveAccessibleDescription(message);
    await user.click(save());
    expect(postedBodies()).toHaveLength(0);
  });

  it('accepts loopback http only with "Allow loopback addresses" on', async () => {
    const { user } = renderConfig({ apiUrl: 'http://127.0.0.1:8443' });
    await user.click(save());
    expect(
      await screen.findByText(/uses plain http\. Fix: use https:\/\/, or turn on allowInsecureLoopback/)
    ).toBeInTheDocument();
    await user.click(screen.getByLabelText(/^Allow loopback addresses/));
    await user.click(save());
    await screen.findByTestId(testIds.health);
    expect(postedBodies()).toEqual([
      expect.objectContaining({ jsonData: expect.objectContaining({ allowInsecureLoopback: true }) }),
    ]);
  });

  it('says that "Allow loopback addresses" allows loopback calls at all, https included, and http to them', () => {
    renderConfig();
    // Grafana's Field renders the description inside the switch's label.
    expect(screen.getByLabelText(/^Allow loopback addresses/)).toHaveRole('switch');
    expect(
      screen.getByText(
        /lets the plugin call loopback addresses \(127\.0\.0\.0\/8, ::1, localhost\) at all, over https:\/\/ and over plain http:\/\//
      )
    ).toBeInTheDocument();
  });

  it("advises on an IP address the plugin calls only if the server's operator allows it, without blocking Save", async () => {
    const { user } = renderConfig();
    const apiUrl = screen.getByLabelText(/^API URL/);
    await user.clear(apiUrl);
    await user.type(apiUrl, 'https://127.0.0.1:8443');
    await user.tab();
    const advice = await screen.findByTestId(testIds.apiUrlAdvice);
    expect(advice).toHaveTextContent(
      /apiUrl: the plugin does not call 127\.0\.0\.1 unless the Grafana server's operator allows it/
    );
    expect(advice).toHaveTextContent(/or turn on allowInsecureLoopback for an API on this machine/);
    await user.click(screen.getByLabelText(/^Allow loopback addresses/));
    expect(screen.queryByTestId(testIds.apiUrlAdvice)).toBeNull();
    await user.click(screen.getByLabelText(/^Allow loopback addresses/));
    await user.click(save());
    await screen.findByTestId(testIds.health);
    expect(postedBodies()).toEqual([
      expect.objectContaining({ jsonData: expect.objectContaining({ apiUrl: 'https://127.0.0.1:8443' }) }),
    ]);
  });
});

describe('AppConfig: saving', () => {
  it('disables Save while the request is pending', async () => {
    const pending = new Subject<CannedResponse>();
    backend.on('POST', SETTINGS_API, pending);
    const { user } = renderConfig();
    await user.click(save());
    expect(save()).toBeDisabled();
    await user.click(save());
    expect(postedBodies()).toHaveLength(1);
    pending.next({ status: 200, data: {} });
    await screen.findByTestId(testIds.health);
    expect(save()).toBeEnabled();
  });

  it("waits a second after Grafana's answer before saving again, so the next save gets a new Updated", async () => {
    const postedAt: number[] = [];
    backend.on('POST', SETTINGS_API, () => {
      postedAt.push(Date.now());
      return { status: 200, data: { message: 'Plugin settings updated' } };
    });
    const { user } = renderConfig();
    await user.click(save());
    await screen.findByTestId(testIds.health);
    await user.click(save());
    await waitFor(() => expect(postedAt).toHaveLength(2), { timeout: 3000 });
    expect(postedAt[1] - postedAt[0]).toBeGreaterThanOrEqual(SAVE_SPACING_MS);
  });

  it('shows the health verdict after a successful save', async () => {
    const { user } = renderConfig();
    await user.click(save());
    const verdict = await screen.findByTestId(testIds.health);
    expect(verdict).toHaveTextContent('Settings saved: the API accepted the key');
    expect(verdict).toHaveTextContent('Health check: authenticated');
  });

  it.each([['key refused (401)'], ['cannot reach api.example.test: connection refused'], ['not configured: apiUrl']])(
    'shows a failed health check: %s',
    async (message) => {
      backend.on('GET', HEALTH_API, { status: 400, data: { status: 'ERROR', message } });
      const { user } = renderConfig();
      await user.click(save());
      const verdict = await screen.findByTestId(testIds.health);
      expect(verdict).toHaveTextContent('Settings saved, but the health check failed');
      expect(verdict).toHaveTextContent(`Health check: ${message}`);
    }
  );

  it('shows an error from the settings API and does not run the health check', async () => {
    backend.on('POST', SETTINGS_API, { status: 403, data: { message: 'Permission denied: plugins:write' } });
    const { user } = renderConfig();
    await user.click(save());
    const alert = await screen.findByTestId(testIds.saveError);
    expect(within(alert).getByText(/Permission denied: plugins:write \(HTTP 403\)/)).toBeInTheDocument();
    await waitFor(() => expect(save()).toBeEnabled());
    expect(backend.requestsTo('GET', HEALTH_API)).toHaveLength(0);
  });
});

describe('AppConfig: before the first save and while disabled', () => {
  it('says what Save will do before the first save, and calls nothing until then', async () => {
    const { user } = renderConfig({}, false, false);
    const guidance = screen.getByTestId(testIds.notSetUp);
    expect(guidance).toHaveTextContent('API Bridge is not set up in this organization yet');
    expect(guidance).toHaveTextContent('404 "Plugin setting not found"');
    expect(screen.queryByTestId(testIds.disabled)).toBeNull();
    // Grafana would answer health and resources with 404 now: the page asks neither.
    expect(backend.requests).toHaveLength(0);

    await user.type(screen.getByLabelText(/^API URL/), API_URL);
    await user.type(apiKeyInput(), CANARY);
    await user.click(save());
    expect(await screen.findByTestId(testIds.health)).toHaveTextContent('Settings saved: the API accepted the key');
    expect(postedBodies()).toEqual([expect.objectContaining({ enabled: true, secureJsonData: { apiKey: CANARY } })]);
    expect(screen.queryByTestId(testIds.notSetUp)).toBeNull();
  });

  it('says that Save re-enables a disabled app and keeps its settings', async () => {
    const { user } = renderConfig({ apiUrl: API_URL }, true, false);
    expect(screen.getByTestId(testIds.disabled)).toHaveTextContent('404 "Plugin is not enabled"');
    expect(screen.queryByTestId(testIds.notSetUp)).toBeNull();
    await user.click(save());
    await screen.findByTestId(testIds.health);
    expect(postedBodies()).toEqual([expect.objectContaining({ enabled: true })]);
    expect(postedBodies()[0]).not.toHaveProperty('secureJsonData');
    expect(screen.queryByTestId(testIds.disabled)).toBeNull();
  });

  it('shows no guidance for an enabled app', () => {
    renderConfig();
    expect(screen.queryByTestId(testIds.notSetUp)).toBeNull();
    expect(screen.queryByTestId(testIds.disabled)).toBeNull();
  });
});

describe("AppConfig: Grafana's own answers", () => {
  it.each([
    [404, { message: 'Plugin setting not found' }, /no settings in this organization yet/],
    [404, { message: 'Plugin is not enabled' }, /disabled in this organization/],
    [
      500,
      { message: 'An error occurred within the plugin', messageId: 'plugin.requestFailureError', statusCode: 500 },
      /Grafana got no answer from the plugin's backend .*plugin\.requestFailureError/,
    ],
  ])('explains a health check answered by Grafana with HTTP %i %j', async (status, data, message) => {
    backend.on('GET', HEALTH_API, { status, data });
    const { user } = renderConfig();
    await user.click(save());
    const verdict = await screen.findByTestId(testIds.health);
    expect(verdict).toHaveTextContent('Settings saved, but the health check failed');
    expect(verdict).toHaveTextContent(message);
  });

  it("shows Grafana's access error id when saving is denied", async () => {
    backend.on('POST', SETTINGS_API, {
      status: 403,
      data: {
        title: 'Access denied',
        message: "You'll need additional permissions to perform this action. Permissions needed: plugins:write",
        accessErrorId: 'ACE9876543210',
      },
    });
    const { user } = renderConfig();
    await user.click(save());
    const alert = await screen.findByTestId(testIds.saveError);
    expect(alert).toHaveTextContent('Permissions needed: plugins:write');
    expect(alert).toHaveTextContent('Grafana logged the denial as ACE9876543210');
    expect(alert).toHaveTextContent('(HTTP 403)');
    expect(backend.requestsTo('GET', HEALTH_API)).toHaveLength(0);
  });
});
