import { describe, expect, it } from 'vitest';
import type { DeploymentConfig, SecretSourceConfig } from '../config/types';
import { fixtureConfig } from '../testing/fixture-config';
import { credentialEnvNames } from './child-env';
import { withoutOtherKeys } from './fleet-run';
import { fleetTargets } from '../config/fleet';
import { parseKitArgs } from './kit-args';
import { PLACEHOLDER_KEY } from './secret-readers/reader';
import { describeKeys, secretsFor } from './secret-env';

// No store listens here: a test that reads it would fail, so a passing placeholder run shows it was not read.
const bao = (path: string, version?: number): SecretSourceConfig => ({
  kind: 'openbao-kv2',
  address: 'http://127.0.0.1:9',
  mount: 'secret',
  path,
  field: 'apiKey',
  auth: { method: 'token', tokenEnv: `BAO_TOKEN_${path.split('/').pop()!.toUpperCase()}` },
  ...(version === undefined ? {} : { version }),
});

function twoConnections(fields: Record<string, SecretSourceConfig>): DeploymentConfig {
  const { cfg } = fixtureConfig();
  cfg.plugin.jsonData = {
    connections: [
      { name: 'billing', apiUrl: 'https://billing.example.com' },
      { name: 'crm', apiUrl: 'https://crm.example.com' },
    ],
  };
  delete cfg.secretSource;
  cfg.secureFields = fields;
  return cfg;
}

const parent = { GRAFANA_AUTH_TOKEN: 'glsa_x', KIT_GRAFANA_AUTH: 'admin:pw' };
const run = (cfg: DeploymentConfig, argv: string[], env: Record<string, string> = {}) =>
  secretsFor(
    parseKitArgs(argv),
    cfg,
    ['apibridge-plugin-settings'],
    { ...parent, ...env, [cfg.grafana.authEnv]: 'admin:pw' },
    '.',
    () => {}
  );

describe('secretsFor with secureFields', () => {
  it("reads every field's source and records each field's version, never a key", async () => {
    const cfg = twoConnections({
      'billing.apiKey': { kind: 'ephemeral-variable', variableName: 'billing_key', version: 3 },
      'crm.apiKey': { kind: 'ephemeral-variable', variableName: 'crm_key', version: 8 },
    });
    const got = await run(cfg, ['deploy'], { TF_VAR_billing_key: 'canary-b', TF_VAR_crm_key: 'canary-c' });
    expect(got.keys).toEqual({
      placeholder: false,
      fields: [
        { field: 'billing.apiKey', version: '3', from: 'TF_VAR_billing_key (set by the caller)' },
        { field: 'crm.apiKey', version: '8', from: 'TF_VAR_crm_key (set by the caller)' },
      ],
    });
    expect(describeKeys(got.keys!.fields)).toBe(
      'keys billing.apiKey version 3 from TF_VAR_billing_key (set by the caller), crm.apiKey version 8 from TF_VAR_crm_key (set by the caller)'
    );
    await expect(run(cfg, ['deploy'], { TF_VAR_billing_key: 'canary-b' })).rejects.toThrow(/TF_VAR_crm_key is not set/);
  });

  it("gives a placeholder plan each field's pinned version and a placeholder key, without touching any store", async () => {
    const cfg = twoConnections({ 'billing.apiKey': bao('grafana/billing', 4), 'crm.apiKey': bao('grafana/crm', 9) });
    const got = await run(cfg, ['plan', 'apibridge-plugin-settings', '--placeholder-key', '--out', 'p.tfplan']);
    expect(got.env).toMatchObject({
      TF_VAR_apibridge_billing_apikey: PLACEHOLDER_KEY,
      TF_VAR_apibridge_crm_apikey: PLACEHOLDER_KEY,
    });
    expect(got.keys?.fields.map((f) => `${f.field}=${f.version}`)).toEqual(['billing.apiKey=4', 'crm.apiKey=9']);
    expect(got.keys?.placeholder).toBe(true);
  });

  it('names the field whose version a placeholder plan lacks', async () => {
    const cfg = twoConnections({ 'billing.apiKey': bao('grafana/billing', 4), 'crm.apiKey': bao('grafana/crm') });
    await expect(
      run(cfg, ['plan', 'apibridge-plugin-settings', '--placeholder-key', '--out', 'p.tfplan'])
    ).rejects.toThrow(/Fix: set secureFields\["crm\.apiKey"\]\.version to the version the apply will deploy/);
  });

  it('destroys without reading any store, versions pinned or not', async () => {
    const cfg = twoConnections({ 'billing.apiKey': bao('grafana/billing'), 'crm.apiKey': bao('grafana/crm') });
    const got = await run(cfg, ['destroy']);
    expect(got.env).toMatchObject({
      TF_VAR_apibridge_billing_apikey: PLACEHOLDER_KEY,
      TF_VAR_apibridge_billing_apikey_version: '1',
      TF_VAR_apibridge_crm_apikey: PLACEHOLDER_KEY,
    });
  });

  it('refuses two fields that would fill one variable (the library readSecrets refuses the clash)', async () => {
    const cfg = twoConnections({
      'billing.apiKey': { kind: 'ephemeral-variable', variableName: 'shared', version: 1 },
      'crm.apiKey': { kind: 'ephemeral-variable', variableName: 'shared', version: 1 },
    });
    await expect(run(cfg, ['destroy'])).rejects.toThrow(/TF_VAR_shared would be set by two secret readers/);
  });

  it("keeps every field's store login from the child, and each fleet target's ephemeral keys from the others", () => {
    const cfg = twoConnections({ 'billing.apiKey': bao('grafana/billing'), 'crm.apiKey': bao('grafana/crm') });
    expect(credentialEnvNames(cfg)).toEqual(expect.arrayContaining(['BAO_TOKEN_BILLING', 'BAO_TOKEN_CRM']));

    cfg.docker.enabled = false;
    cfg.fleet = {
      targets: [
        {
          name: 'eu',
          secureFields: {
            'billing.apiKey': bao('grafana/billing'),
            'crm.apiKey': { kind: 'ephemeral-variable', variableName: 'eu_crm', version: 1 },
          },
        },
        {
          name: 'us',
          secureFields: {
            'billing.apiKey': bao('grafana/billing'),
            'crm.apiKey': { kind: 'ephemeral-variable', variableName: 'us_crm', version: 1 },
          },
        },
      ],
    };
    const all = fleetTargets(cfg);
    const env = withoutOtherKeys({ TF_VAR_eu_crm: 'e', TF_VAR_us_crm: 'u', PATH: '/bin' }, all[0], all, cfg);
    expect(env).toEqual({ TF_VAR_eu_crm: 'e', PATH: '/bin' });
  });
});
