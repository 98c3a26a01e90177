import { locationUtil, OrgRole } from '@grafana/data';
import { config } from '@grafana/runtime';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Subject } from 'rxjs';
import { beforeEach, describe, expect, it } from 'vitest';

import { testIds as setupIds } from '../../components/SetupNeeded/SetupNeeded';
import { CONFIG_PAGE_URL, RESOURCES_API } from '../../constants';
import { BackendSrvDouble, CannedResponse } from '../../test/backendSrvDouble';
import { ProfilePage, testIds } from './ProfilePage';

const STATUS = `${RESOURCES_API}/status`;
const PROFILE = `${RESOURCES_API}/profile`;
const PROFILE_BODY = { id: 'u-1', name: 'Ada Lovelace', email: 'ada@example.test', plan: 'pro' };

let backend: BackendSrvDouble;

function signInAs(orgRole: OrgRole) {
  config.bootData.user = { ...config.bootData.user, orgRole, isGrafanaAdmin: false };
}

/** What Grafana does at start-up when its root_url has a sub-path. */
function serveUnder(appSubUrl: string) {
  locationUtil.initialize({
    config: { appSubUrl } as Parameters<typeof locationUtil.initialize>[0]['config'],
    getTimeRangeForUrl: () => ({ from: 'now-1h', to: 'now' }),
    getVariablesUrlParams: () => ({}),
  });
}

beforeEach(() => {
  signInAs(OrgRole.Admin);
  backend = new BackendSrvDouble()
    .on('GET', STATUS, { status: 200, data: { configured: true } })
    .on('GET', PROFILE, { status: 200, data: PROFILE_BODY })
    .install();
});

describe('ProfilePage', () => {
  it('shows a loading state, then the profile the API returned', async () => {
    const pending = new Subject<CannedResponse>();
    backend.on('GET', PROFILE, pending);
    render(<ProfilePage />);
    expect(await screen.findByTestId(testIds.loading)).toBeInTheDocument();
    pending.next({ status: 200, data: PROFILE_BODY });
    const profile = await screen.findByTestId(testIds.profile);
    expect(within(profile).getByText('Ada Lovelace')).toBeInTheDocument();
    expect(within(profile).getByText('ada@example.test')).toBeInTheDocument();
    expect(within(profile).getByText('plan')).toBeInTheDocument();
  });

  it('shows the empty state for an empty profile', async () => {
    backend.on('GET', PROFILE, { status: 200, data: {} });
    render(<ProfilePage />);
    expect(await screen.findByTestId(testIds.empty)).toHaveTextContent('The API returned an empty profile');
  });

  it('does not call the profile route when the plugin says it is not configured', async () => {
    backend.on('GET', STATUS, { status: 200, data: { configured: false, reason: 'apiKey is not set' } });
    render(<ProfilePage />);
    const alert = await screen.findByTestId(setupIds.setupNeeded);
    expect(alert).toHaveTextContent('API Bridge is not configured');
    expect(alert).toHaveTextContent('apiKey is not set');
    expect(backend.requestsTo('GET', PROFILE)).toHaveLength(0);
  });

  describe.each([
    [
      'upstream_key_refused',
      401,
      'The API refused the key',
      'the API key was refused by the upstream (401): set a valid key',
    ],
    ['not_configured', 503, 'API Bridge is not configured', 'not configured: set apiUrl on the configuration page'],
  ])('error %s', (code, status, title, message) => {
    beforeEach(() => {
      backend.on('GET', PROFILE, { status, data: { error: code, message } });
    });

    it('links an Admin to the configuration page', async () => {
      render(<ProfilePage />);
      const alert = await screen.findByTestId(setupIds.setupNeeded);
      expect(alert).toHaveTextContent(title);
      expect(alert).toHaveTextContent(message);
      expect(within(alert).getByRole('link', { name: /Open the configuration page/ })).toHaveAttribute(
        'href',
        CONFIG_PAGE_URL
      );
    });

    it('keeps the link under the sub-path Grafana is served from', async () => {
      serveUnder('/grafana');
      try {
        render(<ProfilePage />);
        const alert = await screen.findByTestId(setupIds.setupNeeded);
        expect(within(alert).getByRole('link', { name: /Open the configuration page/ })).toHaveAttribute(
          'href',
          `/grafana${CONFIG_PAGE_URL}`
        );
      } finally {
        serveUnder('');
      }
    });

    it.each([OrgRole.Viewer, OrgRole.Editor])('tells a %s to ask an admin, with no link', async (role) => {
      signInAs(role);
      render(<ProfilePage />);
      const alert = await screen.findByTestId(setupIds.setupNeeded);
      expect(alert).toHaveTextContent(title);
      expect(alert).toHaveTextContent('Ask a Grafana administrator');
      expect(within(alert).queryByRole('link')).toBeNull();
    });
  });

  describe.each([
    // Grafana's checkAppEnabled answers before the plugin does (see src/grafanaErrors.ts).
    ['Plugin setting not found', 'API Bridge is not set up yet', 'set up API Bridge on its configuration page'],
    ['Plugin not found', 'API Bridge is not set up yet', 'set up API Bridge on its configuration page'],
    ['Plugin is not enabled', 'API Bridge is disabled', 'enable API Bridge'],
  ])('Grafana answers 404 "%s"', (grafanaMessage, title, viewerHint) => {
    beforeEach(() => {
      backend.on('GET', STATUS, { status: 404, data: { message: grafanaMessage } });
    });

    it('shows guidance, not an HTTP error, and links an Admin to the configuration page', async () => {
      render(<ProfilePage />);
      const alert = await screen.findByTestId(setupIds.setupNeeded);
      expect(alert).toHaveTextContent(title);
      expect(alert).toHaveTextContent(`"${grafanaMessage}" (HTTP 404)`);
      expect(alert).toHaveTextContent(/Saving the configuration page/);
      expect(within(alert).getByRole('link', { name: /Open the configuration page/ })).toHaveAttribute(
        'href',
        CONFIG_PAGE_URL
      );
      expect(screen.queryByTestId(testIds.error)).toBeNull();
      expect(backend.requestsTo('GET', PROFILE)).toHaveLength(0);
    });

    it.each([OrgRole.Viewer, OrgRole.Editor])('tells a %s whom to ask, with no link', async (role) => {
      signInAs(role);
      render(<ProfilePage />);
      const alert = await screen.findByTestId(setupIds.setupNeeded);
      expect(alert).toHaveTextContent(title);
      expect(alert).toHaveTextContent(`Ask a Grafana administrator of this organization to ${viewerHint}`);
      expect(within(alert).queryByRole('link')).toBeNull();
    });
  });

  it("does not take the backend's own 404 for a missing setup", async () => {
    backend.on('GET', PROFILE, { status: 404, data: { error: 'route_not_found', message: 'no route GET /profile' } });
    render(<ProfilePage />);
    expect(await screen.findByTestId(testIds.error)).toHaveTextContent('no route GET /profile (route_not_found)');
  });

  it("explains Grafana's plugin failure answer instead of showing it bare", async () => {
    backend.on('GET', STATUS, {
      status: 500,
      data: {
        message: 'An error occurred within the plugin',
        messageId: 'plugin.requestFailureError',
        statusCode: 500,
      },
    });
    render(<ProfilePage />);
    const alert = await screen.findByTestId(testIds.error);
    expect(alert).toHaveTextContent("Grafana got no answer from the plugin's backend");
    expect(alert).toHaveTextContent(/server log names the cause next to plugin\.requestFailureError/);
    expect(alert).toHaveTextContent('(plugin_failure)');
  });

  it("shows Grafana's access error id on a 403 from access control", async () => {
    signInAs(OrgRole.Viewer);
    backend.on('GET', STATUS, {
      status: 403,
      data: {
        title: 'Access denied',
        message: "You'll need additional permissions to perform this action. Permissions needed: plugins.app:access",
        accessErrorId: 'ACE0123456789',
      },
    });
    render(<ProfilePage />);
    const alert = await screen.findByTestId(testIds.error);
    expect(alert).toHaveTextContent('Permissions needed: plugins.app:access');
    expect(alert).toHaveTextContent('Grafana logged the denial as ACE0123456789');
    expect(alert).toHaveTextContent('(access_denied)');
  });

  it.each([
    ['upstream_unreachable', 502, 'cannot reach api.example.test: connection refused'],
    ['upstream_timeout', 504, 'the API did not answer within 30 s'],
    ['upstream_response_too_large', 502, 'the response is larger than maxResponseBytes (10485760)'],
    ['upstream_redirect_blocked', 502, 'the API redirected to another origin'],
    ['forbidden_role', 403, 'this route needs the Editor role'],
  ])('shows %s with the backend message and code', async (code, status, message) => {
    backend.on('GET', PROFILE, { status, data: { error: code, message } });
    render(<ProfilePage />);
    const alert = await screen.findByTestId(testIds.error);
    expect(alert).toHaveTextContent('Could not load the profile');
    expect(alert).toHaveTextContent(`${message} (${code})`);
  });

  it('shows an error without a JSON body by its HTTP status', async () => {
    backend.on('GET', STATUS, { status: 500, data: 'Internal Server Error' });
    render(<ProfilePage />);
    expect(await screen.findByTestId(testIds.error)).toHaveTextContent('(http_500)');
  });

  it('loads again on Refresh', async () => {
    const user = userEvent.setup();
    backend.on('GET', PROFILE, { status: 502, data: { error: 'upstream_unreachable', message: 'down' } });
    render(<ProfilePage />);
    await screen.findByTestId(testIds.error);
    backend.on('GET', PROFILE, { status: 200, data: PROFILE_BODY });
    await user.click(screen.getByRole('button', { name: /Refresh/ }));
    expect(await screen.findByTestId(testIds.profile)).toHaveTextContent('Ada Lovelace');
    expect(backend.requestsTo('GET', PROFILE)).toHaveLength(2);
  });
});
