// Checks a deployment's fleet (infra/config/fleet.ts): every target named
// once, each with a Grafana, key and state of its own. A problem names the
// target by its index, e.g. "fleet.targets[2].grafana.url: ... Fix: ...".
import { isAbsolute, normalize } from 'node:path';
import { PG_SCHEMA, type Add, type Checks } from './checks';
import { targetBackend } from './fleet';
import { checkGrafanaTarget } from './grafana-target';
import { checkPluginJsonData } from './plugin-json-data';
import { checkSecureFields } from './secure-fields';
import type { DeploymentConfig, FleetTargetConfig } from './types';

const TARGET_NAME = /^[a-z]([a-z0-9-]{0,22}[a-z0-9])?$/;
const TARGET_KEYS = ['name', 'grafana', 'secretSource', 'secureFields', 'plugin', 'state'];
const PLUGIN_KEYS = ['enabled', 'pinned', 'jsonData'];
/** More stacks than this is no longer one deployment's run. */
const MAX_TARGETS = 200;

export function checkFleet(cfg: DeploymentConfig, { add, path }: Checks): void {
  const fleet = cfg.fleet as unknown;
  const targets = (fleet as { targets?: unknown } | null)?.targets;
  if (typeof fleet !== 'object' || fleet === null || !Array.isArray(targets) || targets.length === 0) {
    add(
      'fleet.targets',
      'is not a list of targets',
      'give fleet: { targets: [{ name: "eu", grafana: { url: "https://grafana-eu.example.com", orgId: 1, authEnv: "GRAFANA_EU_AUTH" } }, ...] }, or leave fleet out for one Grafana'
    );
    return;
  }
  if (targets.length > MAX_TARGETS)
    add('fleet.targets', `has ${targets.length} targets`, `split the fleet into deployments of at most ${MAX_TARGETS}`);
  if (cfg.docker?.enabled)
    add(
      'docker.enabled',
      'is true in a fleet',
      "set it to false: a fleet configures Grafanas that run elsewhere; deploy the kit's Docker Grafana with a deployment of its own and list it here as a target"
    );

  const names = new Map<string, number>();
  const states = new Map<string, number>();
  (targets as FleetTargetConfig[]).forEach((t, i) => {
    const at = `fleet.targets[${i}]`;
    if (typeof t !== 'object' || t === null || Array.isArray(t)) {
      add(
        at,
        'is not a target',
        'give { name, grafana: { url, orgId, authEnv }, secretSource? or secureFields?, plugin?, state? }'
      );
      return;
    }
    for (const k of Object.keys(t).filter((k) => !TARGET_KEYS.includes(k)))
      add(
        `${at}.${k}`,
        'is not a field of a fleet target',
        `remove it or correct its spelling; the fields are ${TARGET_KEYS.join(', ')}`
      );

    if (typeof t.name !== 'string' || !TARGET_NAME.test(t.name)) {
      add(
        `${at}.name`,
        `"${t.name}" is not a target name`,
        'use 1-24 lower-case letters, digits and dashes, starting with a letter (it becomes part of the stack name)'
      );
    } else if (names.has(t.name)) {
      add(
        `${at}.name`,
        `"${t.name}" is also the name of fleet.targets[${names.get(t.name)}], so both would write the stack ${cfg.name}-${t.name}-plugin-settings`,
        'give each target a name of its own'
      );
    } else names.set(t.name, i);

    checkGrafanaTarget(t.grafana, `${at}.grafana`, { add, path }, true);
    checkTargetSecureFields(cfg, t, at, { add, path });
    checkTargetPlugin(cfg, t, at, { add, path });

    const location = checkTargetState(cfg, t, at, add, path);
    if (location !== undefined) {
      const other = states.get(location);
      if (other !== undefined)
        add(
          `${at}.state`,
          `keeps its state where fleet.targets[${other}] keeps its own (${location})`,
          'give each target its own state.stateDir (local backend) or state.schemaName (pg backend), or leave it out for the default'
        );
      else states.set(location, i);
    }
  });
}

/**
 * The target's own sources (secretSource or secureFields, replacing the deployment's whole), checked against
 * the target's jsonData (the deployment's with the target's over it), reported under the target's field.
 */
function checkTargetSecureFields(cfg: DeploymentConfig, t: FleetTargetConfig, at: string, checks: Checks) {
  const own = t.secretSource !== undefined || t.secureFields !== undefined;
  if (!own && t.plugin?.jsonData === undefined) return; // the deployment's, checked there
  const sources = own
    ? { secretSource: t.secretSource, secureFields: t.secureFields }
    : { secretSource: cfg.secretSource, secureFields: cfg.secureFields };
  checkSecureFields(sources, { ...cfg.plugin?.jsonData, ...t.plugin?.jsonData }, checks, `${at}.`);
}

function checkTargetPlugin(cfg: DeploymentConfig, t: FleetTargetConfig, at: string, { add, path }: Checks) {
  const p = t.plugin;
  if (p === undefined) return;
  if (typeof p !== 'object' || p === null) {
    add(`${at}.plugin`, 'is not an object', 'give { enabled?, pinned?, jsonData? } or leave it out');
    return;
  }
  for (const k of Object.keys(p).filter((k) => !PLUGIN_KEYS.includes(k)))
    add(
      `${at}.plugin.${k}`,
      'is not a plugin setting of a target',
      `remove it; the fields are ${PLUGIN_KEYS.join(', ')}`
    );
  for (const k of ['enabled', 'pinned'] as const)
    if (p[k] !== undefined && typeof p[k] !== 'boolean')
      add(`${at}.plugin.${k}`, 'is not true or false', 'set it to a boolean or leave it out');
  // The target's jsonData is the deployment's with the target's fields over it: checked whole, as the plugin will read it.
  if (p.jsonData !== undefined)
    checkPluginJsonData({ ...cfg.plugin?.jsonData, ...p.jsonData }, { add: under(at, add), path });
}

/** Checks the target's state fields; returns where its state lives, or undefined when that is not known. */
function checkTargetState(
  cfg: DeploymentConfig,
  t: FleetTargetConfig,
  at: string,
  add: Add,
  path: (p: string) => string
): string | undefined {
  const b = cfg.backend;
  const s = t.state;
  if (s !== undefined && (typeof s !== 'object' || s === null)) {
    add(
      `${at}.state`,
      'is not an object',
      'give { stateDir } (local backend) or { schemaName } (pg backend), or leave it out'
    );
    return undefined;
  }
  if (b?.kind === 'local') {
    if (s?.schemaName !== undefined)
      add(
        `${at}.state.schemaName`,
        'is for the pg backend; this deployment keeps state in local files',
        'use state.stateDir, or leave state out'
      );
    if (s?.stateDir !== undefined && (typeof s.stateDir !== 'string' || !s.stateDir || isAbsolute(s.stateDir)))
      add(
        `${at}.state.stateDir`,
        `"${s.stateDir}" is not a relative directory`,
        'give a path relative to the repository root (e.g. ".state/eu"), or leave it out for <backend.stateDir>/<target>'
      );
    if (typeof t.name !== 'string' || typeof b.stateDir !== 'string') return undefined;
    const dir = (targetBackend(b, t) as { stateDir: string }).stateDir;
    return typeof dir === 'string' ? `directory ${normalize(path(dir))}` : undefined;
  }
  if (b?.kind === 'pg') {
    if (s?.stateDir !== undefined)
      add(
        `${at}.state.stateDir`,
        'is for the local backend; this deployment keeps state in PostgreSQL',
        'use state.schemaName, or leave state out'
      );
    if (typeof t.name !== 'string') return undefined;
    const schema = (targetBackend(b, t) as { schemaName: string }).schemaName;
    if (!PG_SCHEMA.test(schema ?? '')) {
      add(
        `${at}.state.schemaName`,
        `"${schema}" is not a PostgreSQL schema name`,
        s?.schemaName === undefined
          ? 'the default <backend.schemaName>_<target> is too long or not a name: set state.schemaName to lower-case letters, digits and underscores'
          : 'use lower-case letters, digits and underscores, at most 63'
      );
      return undefined;
    }
    return `schema ${schema}`;
  }
  return undefined;
}

/** Reports a problem of a target's field under the target: "secretSource.path" becomes "fleet.targets[2].secretSource.path". */
function under(at: string, add: Add): Add {
  return (field, problem, fix) => add(`${at}.${field}`, problem, fix);
}
