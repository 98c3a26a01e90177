// Checks a DeploymentConfig before anything is synthesized. Every check names
// the field and the fix; all problems are reported together. Files that hold
// Grafana's own secrets are read only to refuse known defaults: their content
// never appears in a message.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { isIP } from 'node:net';
import { withoutUserinfo } from '../bin/secret-readers/redact';
import { ENV_NAME, PG_SCHEMA, type Add } from './checks';
import { checkFleet } from './fleet-validate';
import { checkGrafanaTarget } from './grafana-target';
import { checkPluginJsonData } from './plugin-json-data';
import { ConfigError, type ConfigProblem } from './config-error';
import { GRAFANA_DEFAULT_ADMIN_PASSWORD, GRAFANA_DEFAULT_SECRET_KEY } from './grafana-defaults';
import { checkSecureFields } from './secure-fields';
import type { DeploymentConfig } from './types';

const NAME = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;
const PLUGIN_ID = /^[a-z0-9]+(-[a-z0-9]+)*-app$/;
const DIGEST_PINNED = /^[a-z0-9]+([._/-][a-z0-9]+)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?@sha256:[a-f0-9]{64}$/;
// Fields that would hold a secret value: the config names where secrets live, never the values.
const SECRET_LOOKING_KEYS = /^(apikey|api_key|token|password|secret|secretkey|secret_key|securejsondata)$/i;

export interface ValidateOptions {
  /** Directory relative paths are resolved against (the repository root). */
  baseDir: string;
}

export function validateConfig(cfg: DeploymentConfig, opts: ValidateOptions): DeploymentConfig {
  const problems: ConfigProblem[] = [];
  const add = (field: string, problem: string, fix: string) => problems.push({ field, problem, fix });
  const path = (p: string) => (isAbsolute(p) ? p : resolve(opts.baseDir, p));

  findSecretValues(cfg, '', add);

  if (!NAME.test(cfg.name ?? '')) {
    add(
      'name',
      `"${cfg.name}" is not a valid deployment name`,
      'use 2-32 lower-case letters, digits and dashes, starting with a letter'
    );
  }
  if (!PLUGIN_ID.test(cfg.pluginId ?? '')) {
    add(
      'pluginId',
      `"${cfg.pluginId}" is not an app plugin id`,
      'use the id from plugin/src/plugin.json, e.g. "platformkit-apibridge-app"'
    );
  }

  // Backend
  const b = cfg.backend;
  if (b?.kind === 'local') {
    if (!b.stateDir || isAbsolute(b.stateDir)) {
      add(
        'backend.stateDir',
        `"${b.stateDir}" is not a relative directory`,
        'give a path relative to the repository root (e.g. ".state") so synth output is the same on every machine'
      );
    }
  } else if (b?.kind === 'pg') {
    if (!ENV_NAME.test(b.connStrEnv ?? '')) {
      add(
        'backend.connStrEnv',
        `is not an environment variable name (its value is not repeated here: it may be the secret itself)`,
        'name the variable that holds the PostgreSQL connection string, e.g. "KIT_PG_CONN_STR" (the string may hold a password, so it is never written into config)'
      );
    }
    if (!PG_SCHEMA.test(b.schemaName ?? '')) {
      add(
        'backend.schemaName',
        `"${b.schemaName}" is not a PostgreSQL schema name`,
        'use lower-case letters, digits and underscores, e.g. "apibridge_state"'
      );
    }
  } else {
    add('backend.kind', `"${(b as { kind?: string })?.kind}" is not a backend`, 'choose "local" or "pg"');
  }

  // Grafana that the settings stack configures
  checkGrafanaTarget(cfg.grafana, 'grafana', { add, path });

  // Plugin settings
  if (typeof cfg.plugin?.enabled !== 'boolean' || typeof cfg.plugin?.pinned !== 'boolean') {
    add(
      'plugin.enabled',
      'enabled and pinned must be true or false',
      'set plugin.enabled and plugin.pinned to booleans'
    );
  }
  checkPluginJsonData(cfg.plugin?.jsonData, { add, path });

  checkSecureFields(cfg, cfg.plugin?.jsonData, { add, path });

  if (cfg.docker?.enabled) checkDocker(cfg, path, add);
  if (cfg.fleet !== undefined) checkFleet(cfg, { add, path });

  if (problems.length > 0) throw new ConfigError(problems);
  return cfg;
}

function findSecretValues(value: unknown, at: string, add: Add) {
  if (value === null || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const field = at ? `${at}.${k}` : k;
    // secureFields' keys name secure fields ("apiKey", "billing.apiKey"); its values are sources, checked below.
    if (SECRET_LOOKING_KEYS.test(k) && !/(^|\.)secureFields$/.test(at)) {
      add(
        field,
        'looks like a secret value written into the configuration',
        'remove it: the configuration names where secrets live (secretSource, secureFields, *File, *Env fields), never their values'
      );
    }
    findSecretValues(v, field, add);
  }
}

function checkDocker(cfg: DeploymentConfig, path: (p: string) => string, add: Add) {
  const d = cfg.docker;
  if (!DIGEST_PINNED.test(d.image ?? '')) {
    add(
      'docker.image',
      `"${d.image}" is not pinned by digest`,
      'give repository@sha256:<64 hex digits>, e.g. "grafana/grafana:13.2.3@sha256:…" (find it with `docker buildx imagetools inspect`)'
    );
  }
  for (const k of ['containerName', 'networkName', 'dataVolumeName'] as const) {
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(d[k] ?? ''))
      add(`docker.${k}`, `"${d[k]}" is not a Docker object name`, "use letters, digits, '_', '.' and '-'");
  }
  if (isIP(d.bindAddress ?? '') === 0) {
    add(
      'docker.bindAddress',
      `"${d.bindAddress}" is not an IP address`,
      'use "127.0.0.1" (the default) or the one host address Grafana must listen on'
    );
  }
  if (!Number.isInteger(d.hostPort) || d.hostPort < 1 || d.hostPort > 65535) {
    add('docker.hostPort', `${d.hostPort} is not a TCP port`, 'use a whole number from 1 to 65535');
  }
  const uid = (d.user ?? '').split(':')[0];
  if (!/^\d+(:\d+)?$/.test(d.user ?? '') || uid === '0') {
    add(
      'docker.user',
      `"${d.user}" is not a non-root uid[:gid]`,
      'use Grafana\'s own user, "472:0", or another numeric uid other than 0'
    );
  }
  const dist = path(d.pluginDistDir ?? '');
  if (!d.pluginDistDir || !existsSync(resolve(dist, 'plugin.json'))) {
    add(
      'docker.pluginDistDir',
      `"${d.pluginDistDir}" has no plugin.json`,
      'build the plugin first (`cd plugin && go tool mage -v build:linux` and the frontend build) or point at its dist directory'
    );
  }
  checkSecretFile(
    d.secretKeyFile,
    'docker.secretKeyFile',
    GRAFANA_DEFAULT_SECRET_KEY,
    "Grafana's default secret_key",
    'write a random key: `head -c 32 /dev/urandom | base64 > <file> && chmod 640 <file>` (group 0 lets the container user 472:0 read it)',
    path,
    add
  );
  checkSecretFile(
    d.adminPasswordFile,
    'docker.adminPasswordFile',
    GRAFANA_DEFAULT_ADMIN_PASSWORD,
    "Grafana's default admin password",
    'write a random password: `head -c 24 /dev/urandom | base64 > <file> && chmod 640 <file>`',
    path,
    add
  );
  if (!/^[a-zA-Z0-9._@-]+$/.test(d.adminUser ?? ''))
    add('docker.adminUser', `"${d.adminUser}" is not a login name`, 'use e.g. "admin"');
  if (
    d.dockerHost !== undefined &&
    (!/^(unix|tcp|ssh|npipe):\/\/\S+$/.test(d.dockerHost) || /^[a-z]+:\/\/[^/@]*:[^/@]*@/.test(d.dockerHost))
  ) {
    add(
      'docker.dockerHost',
      `"${withoutUserinfo(d.dockerHost)}" is not a Docker daemon address`,
      'use unix:///var/run/docker.sock, tcp://host:2376 or ssh://user@host, with no password in it (or leave it out to use DOCKER_HOST)'
    );
  }
}

function checkSecretFile(
  p: string | undefined,
  field: string,
  forbidden: string,
  what: string,
  fix: string,
  path: (p: string) => string,
  add: Add
) {
  if (!p || !existsSync(path(p)) || !statSync(path(p)).isFile()) {
    add(field, `file "${p}" does not exist`, `${fix}; give its path on the Docker host`);
    return;
  }
  const content = readFileSync(path(p), 'utf8').trim();
  if (content.length === 0) add(field, `file "${p}" is empty`, fix);
  else if (content === forbidden) add(field, `file "${p}" holds ${what}`, `${fix}; the kit refuses to deploy with it`);
  if ((statSync(path(p)).mode & 0o004) !== 0) {
    add(field, `file "${p}" is readable by every user`, `chmod o-r ${p}`);
  }
}
