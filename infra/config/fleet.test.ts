import { describe, expect, it } from 'vitest';
import { fixtureConfig } from '../testing/fixture-config';
import { ConfigError } from './config-error';
import { fleetTargets } from './fleet';
import type { DeploymentConfig } from './types';
import { validateConfig } from './validate';

/** The fixture as a fleet of three Grafanas: two orgs of one instance and another instance. */
function fleetFixture() {
  const f = fixtureConfig();
  f.cfg.docker.enabled = false;
  f.cfg.fleet = {
    targets: [
      { name: 'eu', grafana: { url: 'https://grafana-eu.example.test', authEnv: 'GRAFANA_EU_AUTH' } },
      {
        name: 'eu-org2',
        grafana: { url: 'https://grafana-eu.example.test', orgId: 2, authEnv: 'GRAFANA_EU_AUTH' },
        secretSource: { kind: 'ephemeral-variable', variableName: 'eu_org2_api_key', version: 3 },
      },
      {
        name: 'us',
        grafana: { url: 'https://grafana-us.example.test', authEnv: 'GRAFANA_US_AUTH' },
        plugin: { jsonData: { apiUrl: 'https://api-us.example.com/v1' } },
        state: { stateDir: '.state/america' },
      },
    ],
  };
  return f;
}

function problemsOf(bend: (cfg: DeploymentConfig) => void): string {
  const { dir, cfg } = fleetFixture();
  bend(cfg);
  try {
    validateConfig(cfg, { baseDir: dir });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError, but the config was accepted');
}

describe('fleet', () => {
  it("makes each target a deployment of its own: the deployment's fields with the target's over them", () => {
    const { dir, cfg } = fleetFixture();
    const targets = fleetTargets(validateConfig(cfg, { baseDir: dir }));
    expect(targets.map((t) => [t.name, t.cfg.name])).toEqual([
      ['eu', 'apibridge-eu'],
      ['eu-org2', 'apibridge-eu-org2'],
      ['us', 'apibridge-us'],
    ]);
    const [eu, euOrg2, us] = targets.map((t) => t.cfg);
    expect(eu.grafana).toEqual({ url: 'https://grafana-eu.example.test', orgId: 1, authEnv: 'GRAFANA_EU_AUTH' });
    expect(euOrg2.grafana.orgId).toBe(2);
    expect(eu.secretSource).toEqual(cfg.secretSource);
    expect(euOrg2.secretSource).toEqual({ kind: 'ephemeral-variable', variableName: 'eu_org2_api_key', version: 3 });
    expect(us.plugin.jsonData).toEqual({ ...cfg.plugin.jsonData, apiUrl: 'https://api-us.example.com/v1' });
    expect(targets.map((t) => t.cfg.backend)).toEqual([
      { kind: 'local', stateDir: '.state/eu' },
      { kind: 'local', stateDir: '.state/eu-org2' },
      { kind: 'local', stateDir: '.state/america' },
    ]);
    for (const t of targets) expect(t.cfg.fleet).toBeUndefined();
  });

  it('gives each target its own PostgreSQL schema with the pg backend', () => {
    const { dir, cfg } = fleetFixture();
    cfg.backend = { kind: 'pg', connStrEnv: 'KIT_PG_CONN_STR', schemaName: 'kit_state' };
    delete cfg.fleet!.targets[2].state;
    cfg.fleet!.targets[1].state = { schemaName: 'second_org' };
    expect(fleetTargets(validateConfig(cfg, { baseDir: dir })).map((t) => t.cfg.backend)).toEqual([
      { kind: 'pg', connStrEnv: 'KIT_PG_CONN_STR', schemaName: 'kit_state_eu' },
      { kind: 'pg', connStrEnv: 'KIT_PG_CONN_STR', schemaName: 'second_org' },
      { kind: 'pg', connStrEnv: 'KIT_PG_CONN_STR', schemaName: 'kit_state_us' },
    ]);
  });

  it('is a fleet of one, the deployment itself, without fleet', () => {
    const { cfg } = fixtureConfig();
    expect(fleetTargets(cfg)).toEqual([{ name: 'apibridge', cfg }]);
  });

  const cases: [string, (cfg: DeploymentConfig) => void, RegExp][] = [
    [
      "a target's Grafana URL that is not one",
      (c) => (c.fleet!.targets[2].grafana!.url = 'grafana-us'),
      /fleet\.targets\[2\]\.grafana\.url: "grafana-us" is not a URL\. Fix: give an absolute https:\/\/ URL/,
    ],
    [
      "a password in a target's Grafana URL",
      (c) => (c.fleet!.targets[0].grafana!.url = 'https://admin:s3cret-pw@grafana-eu.example.test'),
      /fleet\.targets\[0\]\.grafana\.url: contains credentials\. Fix: remove user:password/,
    ],
    [
      'org 0',
      (c) => (c.fleet!.targets[1].grafana!.orgId = 0),
      /fleet\.targets\[1\]\.grafana\.orgId: 0 is not an organization id\. Fix: use a whole number >= 1/,
    ],
    [
      'a credential where its variable name belongs',
      (c) => (c.fleet!.targets[2].grafana!.authEnv = 'glsa_abc'),
      /fleet\.targets\[2\]\.grafana\.authEnv: is not an environment variable name/,
    ],
    [
      'two targets of one name',
      (c) => (c.fleet!.targets[2].name = 'eu'),
      /fleet\.targets\[2\]\.name: "eu" is also the name of fleet\.targets\[0\], so both would write the stack apibridge-eu-plugin-settings\. Fix: give each target a name of its own/,
    ],
    [
      'two targets with one state directory',
      (c) => (c.fleet!.targets[2].state = { stateDir: '.state/eu/' }),
      /fleet\.targets\[2\]\.state: keeps its state where fleet\.targets\[0\] keeps its own \(directory .*\.state\/eu\)\. Fix: give each target its own state\.stateDir/,
    ],
    [
      'two targets with one PostgreSQL schema',
      (c) => {
        c.backend = { kind: 'pg', connStrEnv: 'KIT_PG_CONN_STR', schemaName: 'kit_state' };
        delete c.fleet!.targets[2].state;
        c.fleet!.targets[1].state = { schemaName: 'kit_state_us' };
      },
      /fleet\.targets\[2\]\.state: keeps its state where fleet\.targets\[1\] keeps its own \(schema kit_state_us\)/,
    ],
    [
      'a schema name with a local backend',
      (c) => (c.fleet!.targets[0].state = { schemaName: 'eu' }),
      /fleet\.targets\[0\]\.state\.schemaName: is for the pg backend/,
    ],
    [
      'an absolute state directory',
      (c) => (c.fleet!.targets[0].state = { stateDir: '/var/state' }),
      /fleet\.targets\[0\]\.state\.stateDir: "\/var\/state" is not a relative directory/,
    ],
    [
      'a default schema name that grows too long',
      (c) => {
        c.backend = { kind: 'pg', connStrEnv: 'KIT_PG_CONN_STR', schemaName: 's'.repeat(50) };
        delete c.fleet!.targets[2].state;
        c.fleet!.targets[0].name = 'a-long-target-name';
      },
      /fleet\.targets\[0\]\.state\.schemaName: "s{50}_a_long_target_name" is not a PostgreSQL schema name\. Fix: the default <backend\.schemaName>_<target> is too long/,
    ],
    [
      'a target name with capitals',
      (c) => (c.fleet!.targets[1].name = 'EU'),
      /fleet\.targets\[1\]\.name: "EU" is not a target name/,
    ],
    [
      'a misspelt field',
      (c) => ((c.fleet!.targets[1] as unknown as Record<string, unknown>).grafna = {}),
      /fleet\.targets\[1\]\.grafna: is not a field of a fleet target\. Fix: remove it or correct its spelling/,
    ],
    [
      "a target's secret source field",
      (c) => (c.fleet!.targets[1].secretSource = { kind: 'ephemeral-variable', variableName: 'Bad-Name', version: 1 }),
      /fleet\.targets\[1\]\.secretSource\.variableName: "Bad-Name" is not a Terraform variable name/,
    ],
    [
      'an unknown secret source',
      (c) => (c.fleet!.targets[0].secretSource = { kind: 'vault' } as unknown as DeploymentConfig['secretSource']),
      /fleet\.targets\[0\]\.secretSource\.kind: "vault" is not a secret source/,
    ],
    [
      "a target's jsonData the plugin refuses",
      (c) => (c.fleet!.targets[2].plugin = { jsonData: { apiUrl: 'http://api.example.com' } }),
      /fleet\.targets\[2\]\.plugin\.jsonData\.apiUrl: /,
    ],
    [
      "the kit's Docker Grafana in a fleet",
      (c) => (c.docker.enabled = true),
      /docker\.enabled: is true in a fleet\. Fix: set it to false/,
    ],
    ['no targets', (c) => (c.fleet!.targets = []), /fleet\.targets: is not a list of targets/],
  ];

  it.each(cases)('refuses %s, naming the target, the field and the fix', (_, bend, expected) => {
    expect(problemsOf(bend)).toMatch(expected);
  });

  it('lists every problem of every target at once, quoting no credential', () => {
    const message = problemsOf((c) => {
      c.fleet!.targets[0].grafana!.url = 'https://admin:s3cret-pw@grafana-eu.example.test';
      c.fleet!.targets[1].grafana!.orgId = -1;
      c.fleet!.targets[2].name = 'eu';
    });
    expect(message).toMatch(/\(3 problems\)/);
    expect(message).not.toContain('s3cret-pw');
  });
});
