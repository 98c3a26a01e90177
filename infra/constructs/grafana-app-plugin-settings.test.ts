import { Testing, TerraformStack } from 'cdktn';
import { describe, expect, it } from 'vitest';
import { GrafanaappProvider } from '../../.gen/providers/grafanaapp/provider';
import { fullSynth, testApp } from '../testing/test-app';
import { GrafanaAppPluginSettings } from './grafana-app-plugin-settings';
import { EnvironmentSecret } from './secret-sources/environment';
import { OpenBaoKv2Secret } from './secret-sources/openbao-kv2';
import { SopsAgeSecret } from './secret-sources/sops-age';

interface InventoryJsonData {
  baseUrl: string;
  pageSize: number;
}

function stack() {
  const s = new TerraformStack(testApp(), 'inventory');
  new GrafanaappProvider(s, 'grafanaapp', { url: 'http://127.0.0.1:3000' });
  return s;
}

describe('GrafanaAppPluginSettings', () => {
  it('configures another plugin id with typed jsonData and two secure fields from two stores, write-only', () => {
    const s = stack();
    const token = new OpenBaoKv2Secret(s, 'inventory-token', {
      mount: 'secret',
      path: 'grafana/inventory',
      field: 'token',
    });
    const password = new SopsAgeSecret(s, 'db-password', { file: 'secrets/inventory.sops.yaml', key: 'db_password' });
    new GrafanaAppPluginSettings<InventoryJsonData>(s, 'inventory', {
      pluginId: 'acme-inventory-app',
      orgId: 2,
      jsonData: { baseUrl: 'https://inventory.example.com', pageSize: 50 },
      secureJsonData: { apiToken: token, dbPassword: password },
    });
    const parsed = JSON.parse(Testing.synth(s));
    // The construct's id is the resource's address: grafanaapp_plugin_settings.inventory.
    expect(Object.keys(parsed.resource.grafanaapp_plugin_settings)).toEqual(['inventory']);
    expect(parsed.resource.grafanaapp_plugin_settings.inventory).toMatchObject({
      plugin_id: 'acme-inventory-app',
      org_id: 2,
      enabled: true,
      pinned: true,
      json_data: '${jsonencode({"baseUrl" = "https://inventory.example.com", "pageSize" = 50})}',
      secure_json_data_wo: { apiToken: '${var.inventory_token}', dbPassword: '${var.db_password}' },
      // Each field rotates with its own store's version.
      secure_json_data_wo_versions: {
        apiToken: '${var.inventory_token_version}',
        dbPassword: '${var.db_password_version}',
      },
    });
    for (const v of ['inventory_token', 'db_password'])
      expect(parsed.variable[v]).toMatchObject({ ephemeral: true, sensitive: true, type: 'string' });
    expect(token.binding).toEqual({
      kind: 'openbao-kv2',
      keyVariable: 'inventory_token',
      versionVariable: 'inventory_token_version',
      mount: 'secret',
      path: 'grafana/inventory',
      field: 'token',
    });
    expect(fullSynth(s)).toBeValidTerraform();
  });

  it('gives each of several fields its own version, and one field the single version', () => {
    const s = stack();
    const a = new EnvironmentSecret(s, 'a', { envName: 'A_TOKEN', version: 2 });
    new GrafanaAppPluginSettings(s, 'two', {
      pluginId: 'acme-inventory-app',
      secureJsonData: { a, b: new OpenBaoKv2Secret(s, 'b', { mount: 'secret', path: 'p', field: 'f', version: 5 }) },
    });
    new GrafanaAppPluginSettings(s, 'one', { pluginId: 'acme-other-app', secureJsonData: { apiKey: a } });
    const r = JSON.parse(Testing.synth(s)).resource.grafanaapp_plugin_settings;
    expect(r.two.secure_json_data_wo_versions).toEqual({ a: 2, b: 5 });
    expect(r.two.secure_json_data_wo_version).toBeUndefined();
    expect(r.one.secure_json_data_wo_version).toBe(2);
    expect(r.one.secure_json_data_wo_versions).toBeUndefined();
    expect(fullSynth(s)).toBeValidTerraform();
  });

  it('refuses a bad plugin id, org, jsonData and field name, all at once, naming the construct', () => {
    const s = stack();
    const src = new EnvironmentSecret(s, 'x', { envName: 'X', version: 1 });
    expect(
      () =>
        new GrafanaAppPluginSettings(s, 'bad', {
          pluginId: 'Inventory',
          orgId: 0,
          jsonData: [] as unknown as object,
          secureJsonData: { 'api key': src },
        })
    ).toThrow(
      /GrafanaAppPluginSettings inventory\/bad: bad props:\n {2}pluginId: "Inventory" is not an app plugin id\. Fix: .*\n {2}orgId: 0 is not an organization id\. Fix: .*\n {2}jsonData: is not an object\. Fix: .*\n {2}secureJsonData\.api key: is not a secure field name/
    );
  });

  it('writes no secure attributes when there is no secure field, and leaves jsonData alone when none is given', () => {
    const s = stack();
    new GrafanaAppPluginSettings(s, 'plain', { pluginId: 'acme-inventory-app', enabled: false });
    const r = JSON.parse(Testing.synth(s)).resource.grafanaapp_plugin_settings.plain;
    expect(r).toEqual({ plugin_id: 'acme-inventory-app', enabled: false, pinned: true });
  });
});
