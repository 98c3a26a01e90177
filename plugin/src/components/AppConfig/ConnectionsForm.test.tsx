import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';

import { HEALTH_API, RESOURCES_API, SETTINGS_API } from '../../constants';
import { AppJsonData } from '../../settings';
import { BackendSrvDouble } from '../../test/backendSrvDouble';
import { appPluginWith } from '../../test/pluginMeta';
import AppConfig, { testIds } from './AppConfig';

const CANARY = `canary-key-${Date.now()}-${Math.random().toString(36).slice(2)}`;
const LIST = {
  connections: [
    { name: 'billing', auth: 'apiKey', apiUrl: 'https://billing.example.test' },
    { name: 'crm', auth: 'apiKey', apiUrl: 'https://crm.example.test' },
  ],
} as unknown as AppJsonData;

let backend: BackendSrvDouble;
beforeEach(() => {
  backend = new BackendSrvDouble()
    .on('POST', SETTINGS_API, { status: 200, data: { message: 'Plugin settings updated' } })
    .on('GET', HEALTH_API, {
      status: 200,
      data: { status: 'OK', message: 'billing: authenticated; crm: authenticated' },
    })
    .on('GET', `${RESOURCES_API}/connections`, {
      status: 200,
      data: {
        connections: [
          { name: 'billing', auth: 'apiKey', health: { ok: true, message: 'authenticated' } },
          { name: 'crm', auth: 'apiKey', health: { ok: false, message: 'key refused (401)' } },
        ],
      },
    })
    .install();
});

const posted = () => backend.requestsTo('POST', SETTINGS_API).map((r) => r.data);
const section = (i: number) => within(screen.getByTestId(testIds.connection(i)));
const input = (id: string) => document.getElementById(id) as HTMLInputElement;

function renderConfig(jsonData: AppJsonData, secure: Record<string, boolean>) {
  const user = userEvent.setup();
  const view = render(<AppConfig plugin={appPluginWith(jsonData, secure)} query={{}} />);
  return { user, ...view };
}

function expectNowhere(value: string, container: HTMLElement) {
  expect(container.innerHTML).not.toContain(value);
  for (const el of Array.from(document.querySelectorAll('input, textarea'))) {
    expect((el as HTMLInputElement).value).not.toContain(value);
  }
}

describe('ConnectionsForm', () => {
  it("shows each stored connection, its key only as configured, and each one's health verdict", async () => {
    renderConfig(LIST, { 'billing.apiKey': true, 'crm.apiKey': true });
    expect(input('apibridge-c0-name')).toHaveValue('billing');
    expect(input('apibridge-c0-apiKey')).toHaveValue('configured');
    expect(input('apibridge-c1-apiKey')).toHaveValue('configured');
    expect(await screen.findByTestId(testIds.verdict('billing'))).toHaveTextContent('authenticated');
    expect(screen.getByTestId(testIds.verdict('crm'))).toHaveTextContent('key refused (401)');
  });

  it('rotates one key: sends only that secure field', async () => {
    const { user, container } = renderConfig(LIST, { 'billing.apiKey': true, 'crm.apiKey': true });
    await user.click(section(1).getByRole('button', { name: 'Reset' }));
    await user.type(input('apibridge-c1-apiKey'), CANARY);
    await user.click(screen.getByTestId(testIds.save));
    await screen.findByTestId(testIds.health);
    expect(posted()).toHaveLength(1);
    expect(posted()[0]).toMatchObject({ jsonData: LIST });
    expect((posted()[0] as { secureJsonData: object }).secureJsonData).toEqual({ 'crm.apiKey': CANARY });
    expect(input('apibridge-c1-apiKey')).toHaveValue('configured');
    expectNowhere(CANARY, container);
  });

  it('a rename asks for the key again and clears the old name; a removal clears its key', async () => {
    const { user } = renderConfig(LIST, { 'billing.apiKey': true, 'crm.apiKey': true });
    await user.clear(input('apibridge-c1-name'));
    await user.type(input('apibridge-c1-name'), 'invoices');
    expect(input('apibridge-c1-apiKey')).toHaveValue('');
    await user.click(screen.getByTestId(testIds.save));
    expect(await screen.findByText('invoices.apiKey: is required. Fix: type the key the API gave you')).toBeVisible();
    expect(posted()).toHaveLength(0);

    await user.type(input('apibridge-c1-apiKey'), CANARY);
    await user.click(screen.getByTestId(testIds.removeConnection(0)));
    await user.click(screen.getByTestId(testIds.save));
    await screen.findByTestId(testIds.health);
    expect(posted()[0]).toMatchObject({
      jsonData: { connections: [{ name: 'invoices', apiUrl: 'https://crm.example.test' }] },
      secureJsonData: { 'invoices.apiKey': CANARY, 'crm.apiKey': '', 'billing.apiKey': '' },
    });
  });

  it("shows a connection's reason beside its own field and sends nothing", async () => {
    const { user } = renderConfig(LIST, { 'billing.apiKey': true, 'crm.apiKey': true });
    await user.clear(input('apibridge-c1-name'));
    await user.type(input('apibridge-c1-name'), 'billing');
    await user.click(screen.getByTestId(testIds.save));
    expect(
      await section(1).findByText(
        'name: "billing" is already the name of connections[0]. Fix: give every connection its own name'
      )
    ).toBeVisible();
    expect(posted()).toHaveLength(0);
  });

  it('keeps the old form until a connection is added, then carries its settings over as "default" and asks for its key', async () => {
    const { user, container } = renderConfig({ apiUrl: 'https://api.example.test' }, { apiKey: true });
    expect(document.getElementById('apibridge-apiKey')).toHaveValue('configured');
    await user.click(screen.getByTestId(testIds.addConnection));
    expect(screen.getByTestId(testIds.switchNotice)).toHaveTextContent('Type it again below');
    expect(input('apibridge-c0-name')).toHaveValue('default');
    expect(input('apibridge-c0-apiUrl')).toHaveValue('https://api.example.test');
    expect(input('apibridge-c0-apiKey')).toHaveValue('');

    await user.type(input('apibridge-c0-apiKey'), CANARY);
    await user.type(input('apibridge-c1-name'), 'billing');
    await user.type(input('apibridge-c1-apiUrl'), 'https://billing.example.test');
    await user.type(input('apibridge-c1-apiKey'), `${CANARY}-2`);
    await user.click(screen.getByTestId(testIds.save));
    await screen.findByTestId(testIds.health);
    expect(posted()[0]).toMatchObject({
      jsonData: {
        connections: [
          { name: 'default', apiUrl: 'https://api.example.test' },
          { name: 'billing', apiUrl: 'https://billing.example.test' },
        ],
      },
      secureJsonData: { 'default.apiKey': CANARY, 'billing.apiKey': `${CANARY}-2`, apiKey: '' },
    });
    expect((posted()[0] as { jsonData: object }).jsonData).not.toHaveProperty('apiUrl');
    expect(screen.queryByTestId(testIds.switchNotice)).toBeNull();
    expectNowhere(CANARY, container);
  });

  it('sends the oauth2 block and the client secret for an OAuth2 connection, and no header settings', async () => {
    const { user } = renderConfig(LIST, { 'billing.apiKey': true, 'crm.apiKey': true });
    await user.click(section(1).getByLabelText('OAuth2'));
    await user.type(input('apibridge-c1-oauth2-tokenUrl'), 'https://auth.example.test/token');
    await user.type(input('apibridge-c1-oauth2-clientId'), 'kit');
    await user.type(input('apibridge-c1-oauth2-scopes'), 'read write');
    await user.type(input('apibridge-c1-clientSecret'), CANARY);
    await user.click(screen.getByTestId(testIds.save));
    await screen.findByTestId(testIds.health);
    const crm = (posted()[0] as { jsonData: { connections: object[] } }).jsonData.connections[1];
    expect(crm).toMatchObject({
      name: 'crm',
      auth: 'oauth2',
      oauth2: { tokenUrl: 'https://auth.example.test/token', clientId: 'kit', scopes: ['read', 'write'] },
    });
    expect(crm).not.toHaveProperty('authHeader');
    expect(posted()[0]).toMatchObject({ secureJsonData: { 'crm.clientSecret': CANARY, 'crm.apiKey': '' } });
  });
});
