import { AppPlugin } from '@grafana/data';
import { render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';

import pluginJson from './plugin.json';
import { plugin } from './module';
import { RESOURCES_API } from './constants';
import { BackendSrvDouble } from './test/backendSrvDouble';
import { appPluginWith } from './test/pluginMeta';

describe('module', () => {
  beforeEach(() => {
    new BackendSrvDouble()
      .on('GET', `${RESOURCES_API}/status`, { status: 200, data: { configured: false, reason: 'apiUrl is empty' } })
      .install();
  });

  it('registers the root page and one config page', () => {
    expect(plugin).toBeInstanceOf(AppPlugin);
    expect(plugin.root).toBeDefined();
    expect(plugin.configPages?.map((p) => p.id)).toEqual(['configuration']);
  });

  it('loads the config page lazily', async () => {
    const ConfigPage = plugin.configPages![0].body;
    render(<ConfigPage plugin={appPluginWith({})} query={{}} />);
    expect(await screen.findByLabelText(/^API URL/)).toBeInTheDocument();
  });

  it('loads the root page lazily', async () => {
    const Root = plugin.root!;
    const meta = appPluginWith({}).meta;
    render(<Root meta={meta} query={{}} path="/a/x" basename="/a/x" onNavChanged={() => {}} />);
    expect(await screen.findByText('API Bridge is not configured')).toBeInTheDocument();
  });
});

describe('plugin.json', () => {
  it('keeps the identity the backend and Grafana rely on', () => {
    expect(pluginJson).toMatchObject({
      id: 'platformkit-apibridge-app',
      type: 'app',
      backend: true,
      executable: 'gpx_apibridge',
    });
  });

  it('restricts the configuration page to Admins', () => {
    const config = pluginJson.includes.find((i) => i.name === 'Configuration');
    expect(config).toMatchObject({ role: 'Admin', path: '/plugins/platformkit-apibridge-app' });
  });
});
