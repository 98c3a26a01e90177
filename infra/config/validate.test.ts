import { join } from 'node:path';
import { chmodSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixtureConfig, writeSecret } from '../testing/fixture-config';
import { ConfigError } from './config-error';
import { GRAFANA_DEFAULT_SECRET_KEY } from './grafana-defaults';
import type { DeploymentConfig } from './types';
import { validateConfig } from './validate';

/** Validates a fixture changed by `bend`; returns the ConfigError's message. */
function problemsOf(bend: (cfg: DeploymentConfig, dir: string) => void): string {
  const { dir, cfg } = fixtureConfig();
  bend(cfg, dir);
  try {
    validateConfig(cfg, { baseDir: dir });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError, but the config was accepted');
}

function worldReadable(path: string, content: string) {
  writeFileSync(path, content);
  chmodSync(path, 0o644);
}

describe('validateConfig', () => {
  it('accepts the fixture and returns it unchanged', () => {
    const { dir, cfg } = fixtureConfig();
    expect(validateConfig(structuredClone(cfg), { baseDir: dir })).toEqual(cfg);
  });

  const cases: [string, (cfg: DeploymentConfig, dir: string) => void, RegExp][] = [
    [
      'image pinned by tag only',
      (c) => (c.docker.image = 'grafana/grafana:13.2.3'),
      /docker\.image: "grafana\/grafana:13\.2\.3" is not pinned by digest\. Fix: give repository@sha256:<64 hex digits>/,
    ],
    [
      'a short digest',
      (c) => (c.docker.image = 'grafana/grafana@sha256:abc123'),
      /docker\.image: .* is not pinned by digest/,
    ],
    [
      "Grafana's default secret_key",
      (c, d) => writeSecret(join(d, 'secret_key'), GRAFANA_DEFAULT_SECRET_KEY),
      /docker\.secretKeyFile: file "secret_key" holds Grafana's default secret_key\. Fix: write a random key: .*the kit refuses to deploy with it/,
    ],
    [
      'an empty secret_key file',
      (c, d) => writeSecret(join(d, 'secret_key'), ''),
      /docker\.secretKeyFile: file "secret_key" is empty/,
    ],
    [
      'a missing secret_key file',
      (c) => (c.docker.secretKeyFile = 'nope/secret_key'),
      /docker\.secretKeyFile: file "nope\/secret_key" does not exist/,
    ],
    [
      'a world-readable secret_key file',
      (c, d) => worldReadable(join(d, 'secret_key'), 'x-random-key'),
      /docker\.secretKeyFile: file "secret_key" is readable by every user\. Fix: chmod o-r secret_key/,
    ],
    [
      'the default admin password',
      (c, d) => writeSecret(join(d, 'admin_password'), 'admin'),
      /docker\.adminPasswordFile: file "admin_password" holds Grafana's default admin password/,
    ],
    [
      'running as root',
      (c) => (c.docker.user = '0:0'),
      /docker\.user: "0:0" is not a non-root uid\[:gid\]\. Fix: use Grafana's own user, "472:0"/,
    ],
    ['a user name instead of a uid', (c) => (c.docker.user = 'root'), /docker\.user: "root" is not a non-root uid/],
    [
      'a bind address that is not an IP',
      (c) => (c.docker.bindAddress = 'everywhere'),
      /docker\.bindAddress: "everywhere" is not an IP address\. Fix: use "127\.0\.0\.1"/,
    ],
    [
      'a port out of range',
      (c) => (c.docker.hostPort = 70000),
      /docker\.hostPort: 70000 is not a TCP port\. Fix: use a whole number from 1 to 65535/,
    ],
    [
      'a plugin dist without plugin.json',
      (c) => (c.docker.pluginDistDir = '.'),
      /docker\.pluginDistDir: "\." has no plugin\.json\. Fix: build the plugin first/,
    ],
    // plugin.jsonData is checked with the plugin's settings contract (plugin-json-data.test.ts has the rules).
    [
      'plain http to a remote API',
      (c) => (c.plugin.jsonData.apiUrl = 'http://api.example.test'),
      /plugin\.jsonData\.apiUrl: "http:\/\/api\.example\.test" uses plain http to a host that is not a loopback address\. Fix: use https:\/\//,
    ],
    [
      'an auth header the plugin refuses',
      (c) => (c.plugin.jsonData.authHeader = 'Cookie'),
      /plugin\.jsonData\.authHeader: "Cookie" cannot carry the API key\. Fix: use a name such as Authorization or X-Api-Key/,
    ],
    [
      'plain http to a loopback address the plugin does not read as one',
      (c) => (c.plugin.jsonData = { apiUrl: 'http://127.1:8080', allowInsecureLoopback: true }),
      /plugin\.jsonData\.apiUrl: "http:\/\/127\.1:8080" uses plain http to a host that is not a loopback address\. Fix: use https:\/\//,
    ],
    [
      'the API key written into jsonData',
      (c) => ((c.plugin.jsonData as unknown as Record<string, string>).apiKey = 'sk-live'),
      /plugin\.jsonData\.apiKey: looks like a secret value written into the configuration\. Fix: remove it/,
    ],
    [
      'an unknown secret source',
      (c) => ((c as unknown as { secretSource: { kind: string } }).secretSource = { kind: 'env-file' }),
      /secretSource\.kind: "env-file" is not a secret source\. Fix: choose "ephemeral-variable", "openbao-kv2" or "sops-age"/,
    ],
    [
      'a variable name with dashes',
      (c) => (c.secretSource = { kind: 'ephemeral-variable', variableName: 'api-key', version: 1 }),
      /secretSource\.variableName: "api-key" is not a Terraform variable name/,
    ],
    [
      'rotation version 0',
      (c) => (c.secretSource = { kind: 'ephemeral-variable', variableName: 'k', version: 0 }),
      /secretSource\.version: 0 is not a version\. Fix: use a whole number >= 1 and raise it/,
    ],
    [
      'OpenBao path with data/ and a bad auth method',
      (c) =>
        (c.secretSource = {
          kind: 'openbao-kv2',
          address: 'https://bao.example.test:8200',
          mount: 'secret',
          path: '/data/x/',
          field: 'apiKey',
          auth: { method: 'userpass' } as never,
        }),
      /secretSource\.path: "\/data\/x\/" is not a secret path[\s\S]*secretSource\.auth\.method: "userpass" is not an auth method\. Fix: choose "token", "approle" or "jwt"/,
    ],
    [
      'OpenBao token env var in lower case',
      (c) =>
        (c.secretSource = {
          kind: 'openbao-kv2',
          address: 'https://bao.example.test:8200',
          mount: 'secret',
          path: 'x',
          field: 'apiKey',
          auth: { method: 'token', tokenEnv: 'bao_token' },
        }),
      /secretSource\.auth\.tokenEnv: is not an environment variable name \(its value is not repeated here: it may be the secret itself\)\. Fix: name the variable that holds it, e.g\. "BAO_TOKEN"/,
    ],
    [
      'a JWT login without a role, and an audience with spaces',
      (c) =>
        (c.secretSource = {
          kind: 'openbao-kv2',
          mount: 'secret',
          path: 'x',
          field: 'apiKey',
          auth: { method: 'jwt', role: '', audience: 'a b' },
        }),
      /secretSource\.auth\.role: "" is not a role name[\s\S]*secretSource\.auth\.audience: "a b" is not an audience/,
    ],
    [
      'an OpenBao namespace with dots',
      (c) =>
        (c.secretSource = {
          kind: 'openbao-kv2',
          namespace: '../admin',
          mount: 'secret',
          path: 'x',
          field: 'apiKey',
          auth: { method: 'jwt', role: 'r' },
        }),
      /secretSource\.namespace: "\.\.\/admin" is not a namespace path/,
    ],
    [
      'an OpenBao address with a password',
      (c) =>
        (c.secretSource = {
          kind: 'openbao-kv2',
          address: 'https://ops:pw-in-url@bao.example.test',
          mount: 'secret',
          path: 'x',
          field: 'apiKey',
          auth: { method: 'jwt', role: 'r' },
        }),
      /secretSource\.address: contains credentials/,
    ],
    [
      'a missing SOPS file',
      (c) => (c.secretSource = { kind: 'sops-age', file: 'secrets/none.yaml', key: 'k' }),
      /secretSource\.file: "secrets\/none\.yaml" is not an existing \.yaml, \.yml or \.json SOPS file/,
    ],
    [
      'a Docker host with credentials or no scheme',
      (c) => (c.docker.dockerHost = 'tcp://user:pw@docker.example.test:2376'),
      /docker\.dockerHost: "tcp:\/\/\*\*\*@docker\.example\.test:2376" is not a Docker daemon address\. Fix: use unix:\/\/\/var\/run\/docker\.sock/,
    ],
    [
      "a Grafana credential written where its variable's name belongs",
      (c) => (c.grafana.authEnv = 'admin:s3cret-pw'),
      /grafana\.authEnv: is not an environment variable name \(its value is not repeated here: it may be the secret itself\)/,
    ],
    [
      'a Docker host without a scheme',
      (c) => (c.docker.dockerHost = 'docker.example.test:2376'),
      /docker\.dockerHost: "docker\.example\.test:2376" is not a Docker daemon address/,
    ],
    [
      'an absolute local state dir',
      (c) => (c.backend = { kind: 'local', stateDir: '/var/state' }),
      /backend\.stateDir: "\/var\/state" is not a relative directory\. Fix: give a path relative to the repository root/,
    ],
    [
      'a pg backend whose connection string is a URL, not a variable',
      (c) => (c.backend = { kind: 'pg', connStrEnv: 'postgres://u:p@db/x', schemaName: 's' }),
      /backend\.connStrEnv: is not an environment variable name \(its value is not repeated here: it may be the secret itself\)/,
    ],
    [
      'Grafana URL with credentials',
      (c) => (c.grafana.url = 'https://admin:admin@grafana.example.test'),
      /grafana\.url: contains credentials/,
    ],
    ['org id 0', (c) => (c.grafana.orgId = 0), /grafana\.orgId: 0 is not an organization id/],
    [
      'a deployment name with capitals',
      (c) => (c.name = 'ApiBridge'),
      /name: "ApiBridge" is not a valid deployment name/,
    ],
  ];

  it.each(cases)('refuses %s, naming the field and the fix', (_name, bend, message) => {
    expect(problemsOf(bend)).toMatch(message);
  });

  it('accepts plain http to a loopback API only with allowInsecureLoopback', () => {
    const { dir, cfg } = fixtureConfig();
    cfg.plugin.jsonData = { apiUrl: 'http://127.0.0.1:8080/v1', allowInsecureLoopback: true };
    expect(() => validateConfig(cfg, { baseDir: dir })).not.toThrow();
  });

  it('accepts the Docker daemon addresses Docker itself takes', () => {
    for (const host of [
      'unix:///var/run/docker.sock',
      'tcp://docker.example.test:2376',
      'ssh://deploy@docker.example.test',
    ]) {
      const { dir, cfg } = fixtureConfig();
      cfg.docker.dockerHost = host;
      expect(() => validateConfig(cfg, { baseDir: dir })).not.toThrow();
    }
  });

  it('reports every problem at once', () => {
    const msg = problemsOf((c) => {
      c.docker.user = '0';
      c.grafana.orgId = -1;
    });
    expect(msg).toMatch(/2 problems/);
  });

  it('skips Docker checks when the Docker stack is off', () => {
    const { dir, cfg } = fixtureConfig();
    cfg.docker.enabled = false;
    cfg.docker.image = 'grafana/grafana:latest';
    expect(() => validateConfig(cfg, { baseDir: dir })).not.toThrow();
  });

  it('never prints the content of a refused secret file', () => {
    const msg = problemsOf((c, d) => worldReadable(join(d, 'secret_key'), 'canary-b7f1e0-world-readable'));
    expect(msg).not.toContain('canary-b7f1e0');
  });

  it("never quotes a URL's user:password, whatever else is wrong with the URL (issue 9, item 8)", () => {
    const pw = 'hunter2-in-url';
    for (const url of [
      `ftp://admin:${pw}@grafana.example.test`,
      `http://admin:${pw}@grafana.example.test:3000`,
      `https://admin:${pw}@grafana.example.test:99999`,
      `https://admin:${pw}@grafana.example.test/x?y=1`,
      `admin:${pw}@nowhere`,
    ]) {
      const message = problemsOf((c) => (c.grafana.url = url));
      expect(message).toMatch(/grafana\.url: /);
      expect(message, url).not.toContain(pw);
    }
  });
});
