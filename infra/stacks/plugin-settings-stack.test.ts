import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdktn';
import { describe, expect, it } from 'vitest';
import { GrafanaappProvider } from '../../.gen/providers/grafanaapp/provider';
import { PluginSettings } from '../../.gen/providers/grafanaapp/plugin-settings';
import type { DeploymentConfig, SecretSourceConfig } from '../config/types';
import { fixtureConfig } from '../testing/fixture-config';
import { fullSynth, testApp } from '../testing/test-app';
import { PluginSettingsStack } from './plugin-settings-stack';

function synthFor(source: SecretSourceConfig, bend: (c: DeploymentConfig, dir: string) => void = () => {}) {
  const { dir, cfg } = fixtureConfig();
  cfg.docker.enabled = false;
  cfg.secretSource = source;
  bend(cfg, dir);
  const app = testApp();
  const stack = new PluginSettingsStack(app, 'apibridge-plugin-settings', cfg, { outdir: app.outdir, baseDir: dir });
  return { stack, json: Testing.synth(stack), parsed: JSON.parse(Testing.synth(stack)) };
}

const bao: SecretSourceConfig = {
  kind: 'openbao-kv2',
  address: 'https://bao.example.test:8200',
  mount: 'secret',
  path: 'grafana/apibridge',
  field: 'apiKey',
  auth: { method: 'token', tokenEnv: 'BAO_TOKEN' },
};

describe('PluginSettingsStack', () => {
  it("writes our plugin's settings with jsonData from config and the key write-only", () => {
    const { json } = synthFor({ kind: 'ephemeral-variable', variableName: 'apibridge_api_key', version: 7 });
    expect(json).toHaveResourceWithProperties(PluginSettings, {
      plugin_id: 'platformkit-apibridge-app',
      enabled: true,
      pinned: true,
      json_data:
        '${jsonencode({"apiUrl" = "https://api.example.com/v1", "authHeader" = "Authorization", "authScheme" = "Bearer", "timeoutSeconds" = 30, "allowedPaths" = ["/items"], "healthPath" = "/profile"})}',
      secure_json_data_wo: { apiKey: '${var.apibridge_api_key}' },
      secure_json_data_wo_version: 7,
    });
    expect(json).toHaveProviderWithProperties(GrafanaappProvider, { url: 'http://127.0.0.1:3000', org_id: 1 });
  });

  it("declares the key's variable ephemeral and sensitive, so it stays out of plan and state", () => {
    const { parsed } = synthFor({ kind: 'ephemeral-variable', variableName: 'apibridge_api_key', version: 1 });
    expect(parsed.variable.apibridge_api_key).toMatchObject({
      type: 'string',
      ephemeral: true,
      sensitive: true,
      nullable: false,
    });
  });

  it("takes the rotation version from the store's metadata for OpenBao, or from config when pinned", () => {
    const fromStore = synthFor(bao);
    expect(fromStore.parsed.variable.apibridge_api_key_version).toMatchObject({ type: 'number' });
    expect(fromStore.json).toHaveResourceWithProperties(PluginSettings, {
      secure_json_data_wo_version: '${var.apibridge_api_key_version}',
    });
    const pinned = synthFor({ ...bao, version: 4 } as SecretSourceConfig);
    expect(pinned.parsed.variable.apibridge_api_key_version).toBeUndefined();
    expect(pinned.json).toHaveResourceWithProperties(PluginSettings, { secure_json_data_wo_version: 4 });
  });

  it('never puts a Grafana credential or a connection string into the configuration', () => {
    const { parsed } = synthFor(
      bao,
      (c) => (c.backend = { kind: 'pg', connStrEnv: 'KIT_PG_CONN_STR', schemaName: 'apibridge_state' })
    );
    expect(parsed.provider.grafanaapp[0].auth).toBeUndefined();
    expect(parsed.terraform.backend.pg).toEqual({ schema_name: 'apibridge_state' });
  });

  it('keeps the local state path relative, so synth output is the same on every machine', () => {
    const { parsed } = synthFor(bao);
    expect(parsed.terraform.backend.local.path).not.toMatch(/^\//);
    expect(parsed.terraform.backend.local.path).toMatch(/\.state\/apibridge-plugin-settings\.tfstate$/);
  });

  it('is valid Terraform for every secret source (terraform init + validate against the mirror)', () => {
    for (const source of [bao, { kind: 'ephemeral-variable', variableName: 'k', version: 1 } as SecretSourceConfig]) {
      const { stack } = synthFor(source);
      expect(fullSynth(stack)).toBeValidTerraform();
    }
  });

  it('the validity check itself catches a broken stack', () => {
    const { stack } = synthFor(bao);
    (stack as PluginSettingsStack).settings.addOverride('no_such_attribute', 1);
    expect(fullSynth(stack)).not.toBeValidTerraform();
  });

  it('feeds each secure field of secureFields from its own source, with one rotation version per field', () => {
    const { json, parsed, stack } = synthFor(bao, (c, dir) => {
      writeFileSync(join(dir, 'billing-ca.pem'), '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n');
      delete c.secretSource;
      c.plugin.jsonData = {
        connections: [
          { name: 'billing', apiUrl: 'https://billing.example.com/v1', caCertificateFile: 'billing-ca.pem' },
          { name: 'crm', apiUrl: 'https://crm.example.com' },
          { name: 'ledger', apiUrl: 'https://ledger.example.com' },
        ],
      };
      c.secureFields = {
        'billing.apiKey': bao,
        'crm.apiKey': { ...bao, path: 'grafana/crm', version: 5 } as SecretSourceConfig,
        'ledger.apiKey': { kind: 'ephemeral-variable', variableName: 'ledger_key', version: 2 },
      };
    });
    expect(json).toHaveResourceWithProperties(PluginSettings, {
      secure_json_data_wo: {
        'billing.apiKey': '${var.apibridge_billing_apikey}',
        'crm.apiKey': '${var.apibridge_crm_apikey}',
        'ledger.apiKey': '${var.ledger_key}',
      },
      secure_json_data_wo_versions: {
        'billing.apiKey': '${var.apibridge_billing_apikey_version}',
        'crm.apiKey': 5,
        'ledger.apiKey': 2,
      },
    });
    const resource = Object.values(parsed.resource.grafanaapp_plugin_settings)[0] as Record<string, unknown>;
    expect(resource.secure_json_data_wo_version).toBeUndefined();
    expect(resource.json_data).toMatch(
      /"connections" = \[\{"name" = "billing", "apiUrl" = "https:\/\/billing\.example\.com\/v1", "caCertificate" = file\(".*billing-ca\.pem"\)/
    );
    for (const v of ['apibridge_billing_apikey', 'apibridge_crm_apikey', 'ledger_key'])
      expect(parsed.variable[v]).toMatchObject({ type: 'string', ephemeral: true, sensitive: true });
    expect(parsed.variable.apibridge_billing_apikey_version).toMatchObject({ type: 'number' });
    expect(parsed.variable.apibridge_crm_apikey_version).toBeUndefined();
    expect(parsed.variable.apibridge_api_key).toBeUndefined();
    expect(fullSynth(stack)).toBeValidTerraform();
  });
});
