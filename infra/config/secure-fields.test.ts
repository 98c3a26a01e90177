import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureConfig } from '../testing/fixture-config';
import { ConfigError } from './config-error';
import { applyEnvOverrides } from './env-overrides';
import { fleetTargets } from './fleet';
import { secureFieldSources } from './secure-fields';
import type { DeploymentConfig, SecretSourceConfig } from './types';
import { validateConfig } from './validate';

const bao = (path: string): SecretSourceConfig => ({
  kind: 'openbao-kv2',
  mount: 'secret',
  path,
  field: 'apiKey',
  auth: { method: 'token', tokenEnv: 'BAO_TOKEN' },
});

const TWO_CONNECTIONS = {
  connections: [
    { name: 'billing', apiUrl: 'https://billing.example.com/v1', allowedPaths: ['/invoices'] },
    {
      name: 'crm',
      apiUrl: 'https://crm.example.com',
      auth: 'oauth2' as const,
      oauth2: { tokenUrl: 'https://crm.example.com/token', clientId: 'kit' },
    },
    { name: 'ledger', apiUrl: 'https://ledger.example.com', auth: 'mtls' as const },
  ],
};

const ALL_FIELDS: Record<string, SecretSourceConfig> = {
  'billing.apiKey': bao('grafana/billing'),
  'crm.clientSecret': { kind: 'sops-age', file: 'crm.sops.yaml', key: 'crm_secret' },
  'ledger.tlsClientCert': bao('grafana/ledger'),
  'ledger.tlsClientKey': { ...bao('grafana/ledger'), field: 'tlsKey' } as SecretSourceConfig,
};

/** The fixture with connections in jsonData and secureFields in place of secretSource, bent by `bend`. */
function connectionsConfig(bend: (cfg: DeploymentConfig) => void = () => {}) {
  const { dir, cfg } = fixtureConfig();
  writeFileSync(join(dir, 'crm.sops.yaml'), 'crm_secret: ENC[...]\n');
  cfg.plugin.jsonData = structuredClone(TWO_CONNECTIONS);
  delete cfg.secretSource;
  cfg.secureFields = structuredClone(ALL_FIELDS);
  bend(cfg);
  return { dir, cfg };
}

function problemsOf(bend: (cfg: DeploymentConfig) => void): string[] {
  const { dir, cfg } = connectionsConfig(bend);
  try {
    validateConfig(cfg, { baseDir: dir });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems.map((p) => `${p.field}: ${p.problem}. Fix: ${p.fix}`);
  }
  throw new Error('expected a ConfigError, but the config was accepted');
}

describe('secureFields', () => {
  it('accepts exactly the secure fields the connections need, each from its own source', () => {
    const { dir, cfg } = connectionsConfig();
    expect(validateConfig(structuredClone(cfg), { baseDir: dir })).toEqual(cfg);
  });

  it('gives each field variables named after it; the single secretSource keeps apibridge_api_key', () => {
    const { cfg } = connectionsConfig();
    expect(secureFieldSources(cfg).map((f) => [f.field, f.names.keyVariable, f.names.versionVariable, f.id])).toEqual([
      ['billing.apiKey', 'apibridge_billing_apikey', 'apibridge_billing_apikey_version', 'secure-billing-apikey'],
      [
        'crm.clientSecret',
        'apibridge_crm_clientsecret',
        'apibridge_crm_clientsecret_version',
        'secure-crm-clientsecret',
      ],
      [
        'ledger.tlsClientCert',
        'apibridge_ledger_tlsclientcert',
        'apibridge_ledger_tlsclientcert_version',
        'secure-ledger-tlsclientcert',
      ],
      [
        'ledger.tlsClientKey',
        'apibridge_ledger_tlsclientkey',
        'apibridge_ledger_tlsclientkey_version',
        'secure-ledger-tlsclientkey',
      ],
    ]);
    const single = secureFieldSources({ secretSource: bao('grafana/apibridge') });
    expect(single).toMatchObject([
      {
        field: 'apiKey',
        at: 'secretSource',
        names: { keyVariable: 'apibridge_api_key', versionVariable: 'apibridge_api_key_version' },
      },
    ]);
  });

  const cases: [string, (cfg: DeploymentConfig) => void, RegExp][] = [
    [
      'a field the connections need is missing',
      (c) => delete c.secureFields!['ledger.tlsClientKey'],
      /^secureFields\["ledger\.tlsClientKey"\]: is missing: connection ledger's auth needs it\. Fix: add a source for it/,
    ],
    [
      'a field no connection reads (a misspelt connection name)',
      (c) => (c.secureFields!['biling.apiKey'] = bao('grafana/billing')),
      /^secureFields\["biling\.apiKey"\]: is not a secure field the plugin reads with this plugin\.jsonData\. Fix: remove it or correct its name; the fields the connections need are "billing\.apiKey", "crm\.clientSecret", "ledger\.tlsClientCert", "ledger\.tlsClientKey"/,
    ],
    [
      "a field of another auth kind (crm's auth is oauth2)",
      (c) => {
        c.secureFields!['crm.apiKey'] = c.secureFields!['crm.clientSecret'];
        delete c.secureFields!['crm.clientSecret'];
      },
      /^secureFields\["crm\.apiKey"\]: is not a secure field the plugin reads/,
    ],
    [
      'both secretSource and secureFields',
      (c) => (c.secretSource = bao('grafana/apibridge')),
      /^secureFields: is set beside secretSource\. Fix: keep one/,
    ],
    [
      'neither secretSource nor secureFields',
      (c) => delete c.secureFields,
      /^secretSource: is missing, and so is secureFields\. Fix: give secureFields with a source for each of "billing\.apiKey", "crm\.clientSecret", "ledger\.tlsClientCert", "ledger\.tlsClientKey"/,
    ],
    [
      'the single secretSource with connections',
      (c) => {
        delete c.secureFields;
        c.secretSource = bao('grafana/apibridge');
      },
      /^secretSource: feeds the secure field apiKey, which the plugin does not read when plugin\.jsonData lists connections\. Fix: replace it with secureFields/,
    ],
    [
      'a bad source, named under its field',
      (c) => ((c.secureFields!['billing.apiKey'] as { path: string }).path = '/data/grafana/'),
      /^secureFields\["billing\.apiKey"\]\.path: "\/data\/grafana\/" is not a secret path/,
    ],
    [
      'a store login whose variable holds the credential itself',
      (c) =>
        ((c.secureFields!['ledger.tlsClientCert'] as { auth: object }).auth = {
          method: 'token',
          tokenEnv: 's.abc-def',
        }),
      /^secureFields\["ledger\.tlsClientCert"\]\.auth\.tokenEnv: is not an environment variable name \(its value is not repeated here/,
    ],
    [
      'two fields that would fill one Terraform variable',
      (c) => {
        c.secureFields!['billing.apiKey'] = { kind: 'ephemeral-variable', variableName: 'shared_key', version: 1 };
        c.secureFields!['crm.clientSecret'] = { kind: 'ephemeral-variable', variableName: 'shared_key', version: 2 };
      },
      /^secureFields\["crm\.clientSecret"\]: uses the Terraform variable shared_key, which secureFields\["billing\.apiKey"\] uses too\. Fix: give each ephemeral-variable source a variableName of its own/,
    ],
    [
      "an ephemeral variable named like another field's store variable",
      (c) =>
        (c.secureFields!['crm.clientSecret'] = {
          kind: 'ephemeral-variable',
          variableName: 'apibridge_billing_apikey',
          version: 1,
        }),
      /^secureFields\["crm\.clientSecret"\]: uses the Terraform variable apibridge_billing_apikey, which secureFields\["billing\.apiKey"\] uses too/,
    ],
    [
      'secureFields that is not an object',
      (c) => (c.secureFields = [] as unknown as DeploymentConfig['secureFields']),
      /^secureFields: is not an object of secure fields and their sources/,
    ],
  ];

  it.each(cases)('refuses %s, naming the field and the fix', (_, bend, expected) => {
    const problems = problemsOf(bend);
    expect(
      problems.some((p) => expected.test(p)),
      problems.join('\n')
    ).toBe(true);
  });

  it('feeds the single-connection field apiKey from secureFields too, and refuses any other field there', () => {
    const { dir, cfg } = fixtureConfig();
    delete cfg.secretSource;
    cfg.secureFields = { apiKey: bao('grafana/apibridge') };
    expect(() => validateConfig(cfg, { baseDir: dir })).not.toThrow();
    cfg.secureFields = { 'default.apiKey': bao('grafana/apibridge') };
    expect(() => validateConfig(cfg, { baseDir: dir })).toThrow(
      /secureFields\["apiKey"\]: is missing: the plugin reads its key from it[\s\S]*secureFields\["default\.apiKey"\]: is not a secure field/
    );
  });

  it("lets a fleet target replace the deployment's secureFields whole, checked against the target's connections", () => {
    const { dir, cfg } = connectionsConfig((c) => {
      c.docker.enabled = false;
      c.fleet = {
        targets: [
          { name: 'eu', grafana: { url: 'https://grafana-eu.example.com', authEnv: 'GRAFANA_EU_AUTH' } },
          {
            name: 'us',
            grafana: { url: 'https://grafana-us.example.com', authEnv: 'GRAFANA_US_AUTH' },
            plugin: { jsonData: { connections: [TWO_CONNECTIONS.connections[0]] } },
            secureFields: { 'billing.apiKey': bao('grafana/us/billing') },
          },
        ],
      };
    });
    validateConfig(cfg, { baseDir: dir });
    const [eu, us] = fleetTargets(cfg);
    expect(Object.keys(eu.cfg.secureFields!)).toEqual(Object.keys(ALL_FIELDS));
    expect(us.cfg.secureFields).toEqual({ 'billing.apiKey': bao('grafana/us/billing') });
    expect(us.cfg.secretSource).toBeUndefined();

    cfg.fleet!.targets[1].secureFields = { 'billing.apiKey': bao('grafana/us/billing'), 'crm.apiKey': bao('x') };
    cfg.fleet!.targets[0].secretSource = bao('grafana/eu');
    expect(() => validateConfig(cfg, { baseDir: dir })).toThrow(
      /fleet\.targets\[0\]\.secretSource: feeds the secure field apiKey, which the plugin does not read when plugin\.jsonData lists connections[\s\S]*fleet\.targets\[1\]\.secureFields\["crm\.apiKey"\]: is not a secure field/
    );
  });

  it("applies KIT_OPENBAO_ADDR to every field's store, and refuses the single source's version and file overrides", () => {
    const { cfg } = connectionsConfig();
    const moved = applyEnvOverrides(cfg, { KIT_OPENBAO_ADDR: 'https://bao.internal:8200' });
    expect((moved.secureFields!['billing.apiKey'] as { address?: string }).address).toBe('https://bao.internal:8200');
    expect((moved.secureFields!['ledger.tlsClientKey'] as { address?: string }).address).toBe(
      'https://bao.internal:8200'
    );
    expect(() => applyEnvOverrides(cfg, { KIT_SECRET_VERSION: '3', KIT_SOPS_FILE: 'x.yaml' })).toThrow(
      /KIT_SECRET_VERSION: applies to secretSource, and this deployment uses secureFields\. Fix: unset KIT_SECRET_VERSION and set the value in each secureFields entry[\s\S]*KIT_SOPS_FILE: applies to secretSource/
    );
  });
});
