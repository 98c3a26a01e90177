import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';

import { RESOURCES_API } from '../../constants';
import { testIds as profileIds } from '../../pages/Profile/ProfilePage';
import { testIds as setupIds } from '../SetupNeeded/SetupNeeded';
import { BackendSrvDouble } from '../../test/backendSrvDouble';
import App from './App';
import { testIds } from './ConnectionsOverview';

const LIST = `${RESOURCES_API}/connections`;
let backend: BackendSrvDouble;

beforeEach(() => {
  backend = new BackendSrvDouble()
    .on('GET', LIST, {
      status: 200,
      data: {
        connections: [
          { name: 'billing', auth: 'apiKey', health: { ok: true, message: 'authenticated' } },
          { name: 'crm', auth: 'oauth2', health: { ok: false, message: 'token refused (401)' } },
        ],
      },
    })
    .on('GET', `${LIST}/billing/status`, { status: 200, data: { configured: true } })
    .on('GET', `${LIST}/billing/profile`, { status: 200, data: { name: 'Billing Bot' } })
    .on('GET', `${LIST}/crm/status`, { status: 200, data: { configured: true } })
    .on('GET', `${LIST}/crm/profile`, { status: 200, data: { name: 'CRM Bot' } })
    .install();
});

const renderApp = () => render(<App {...({} as Parameters<typeof App>[0])} />);

describe('App', () => {
  it("lists each connection with its health and shows the first one's profile", async () => {
    renderApp();
    expect(await screen.findByTestId(testIds.row('billing'))).toHaveTextContent('OK: authenticated');
    expect(screen.getByTestId(testIds.row('crm'))).toHaveTextContent('OAuth2');
    expect(screen.getByTestId(testIds.row('crm'))).toHaveTextContent('failing: token refused (401)');
    expect(await screen.findByTestId(profileIds.profile)).toHaveTextContent('Billing Bot');
  });

  it("shows the chosen connection's profile through its own route", async () => {
    const user = userEvent.setup();
    renderApp();
    await screen.findByTestId(profileIds.profile);
    await user.click(within(screen.getByTestId(testIds.overview)).getByLabelText('crm'));
    expect(await screen.findByText('CRM Bot')).toBeVisible();
    expect(backend.requestsTo('GET', `${LIST}/crm/profile`)).toHaveLength(1);
    expect(screen.queryByText('Billing Bot')).toBeNull();
  });

  it('says so when the caller may use no connection', async () => {
    backend.on('GET', LIST, { status: 200, data: { connections: [] } });
    renderApp();
    expect(await screen.findByTestId(testIds.none)).toHaveTextContent('No connection you may use');
  });

  it('falls back to the old routes, and their guidance, when the list cannot be had', async () => {
    backend
      .on('GET', LIST, { status: 404, data: { message: 'Plugin setting not found' } })
      .on('GET', `${RESOURCES_API}/status`, { status: 404, data: { message: 'Plugin setting not found' } });
    renderApp();
    expect(await screen.findByTestId(setupIds.setupNeeded)).toHaveTextContent('API Bridge is not set up yet');
  });
});
