import { Testing, TerraformStack } from 'cdktn';
import { describe, expect, it } from 'vitest';
import { PluginSettings } from '../../.gen/providers/grafanaapp/plugin-settings';
import { GrafanaappProvider } from '../../.gen/providers/grafanaapp/provider';
import { fullSynth, testApp } from '../testing/test-app';
import { combinedVersion, GrafanaAppPluginSettings } from './grafana-app-plugin-settings';
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
      // Both versions come from their stores: Terraform adds them at plan time.
      secure_json_data_wo_version: '${sum([var.inventory_token_version, var.db_password_version])}',
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

  it('adds plain versions itself; a rotation of any one source raises the sum', () => {
    expect(combinedVersion([4])).toBe(4);
    expect(combinedVersion([3, 1_700_000_000])).toBe(1_700_000_003);
    for (const [before, after] of [
      [
        [3, 1_700_000_000],
        [4, 1_700_000_000],
      ],
      [
        [3, 1_700_000_000],
        [3, 1_700_000_360],
      ],
    ])
      expect(combinedVersion(after)).toBeGreaterThan(combinedVersion(before));
    const s = stack();
    new GrafanaAppPluginSettings(s, 'app', {
      pluginId: 'acme-inventory-app',
      secureJsonData: {
        a: new EnvironmentSecret(s, 'a', { envName: 'A_TOKEN', version: 2 }),
        b: new OpenBaoKv2Secret(s, 'b', { mount: 'secret', path: 'p', field: 'f', version: 5 }),
      },
    });
    expect(Testing.synth(s)).toHaveResourceWithProperties(PluginSettings, { secure_json_data_wo_version: 7 });
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
