// The credentials a command's child processes need, and nothing more:
//   synth                  none
//   diff, plan, deploy,    the Grafana credential as GRAFANA_AUTH (our provider reads it), the pg
//   apply, destroy         backend's connection string as PG_CONN_STR, and for the plugin-settings
//                          stack every secure field's key and version as TF_VAR_* (ephemeral
//                          variables; one field for secretSource, each of secureFields' own):
//                            deploy, apply, diff, plan   read from the configured store
//                            diff/plan --placeholder-key  PLACEHOLDER_KEY, the store is not touched
//                            destroy                      PLACEHOLDER_KEY (a destroy sends no key)
// Debug settings that would write the key down are refused first.
import { ConfigError } from '../config/config-error';
import type { DeploymentConfig } from '../config/types';
import { pluginSettingsStackName } from '../stacks/build-stacks';
import type { KitArgs } from './kit-args';
import { secureFieldSources } from '../config/secure-fields';
import { kitSecretReader } from './kit-secret-reader';
import { readSecrets } from './secret-readers/read-secrets';
import { SecretSourceError } from './secret-readers/reader';
import { leakyDebugSettings } from './leaky-debug-settings';

type Env = Record<string, string | undefined>;

/** Which key one secure field gets: its version and origin, never the value. */
export interface FieldKey {
  /** secureJsonData key, e.g. "apiKey" or "billing.apiKey". */
  field: string;
  version: string;
  from: string;
}

export interface CommandSecrets {
  /** Added to the child's allowlisted environment. */
  env: Record<string, string>;
  /** Which keys the plugin-settings stack gets, one per secure field; undefined when it is not a target. */
  keys?: { fields: FieldKey[]; placeholder: boolean };
}

/**
 * For progress and record lines: "key version 3 from OpenBao ..." for the one field apiKey (the wording
 * pipelines already match), else "keys billing.apiKey version 3 from ..., crm.apiKey version 7 from ...".
 */
export function describeKeys(fields: FieldKey[]): string {
  if (fields.length === 1 && fields[0].field === 'apiKey')
    return `key version ${fields[0].version} from ${fields[0].from}`;
  return `keys ${fields.map((f) => `${f.field} version ${f.version} from ${f.from}`).join(', ')}`;
}

/** For a table cell: "3", or "billing.apiKey=3 crm.apiKey=7". */
export function keyVersions(fields: FieldKey[]): string {
  if (fields.length === 1 && fields[0].field === 'apiKey') return fields[0].version;
  return fields.map((f) => `${f.field}=${f.version}`).join(' ');
}

export async function secretsFor(
  args: KitArgs,
  cfg: DeploymentConfig,
  targets: string[],
  parent: Env,
  baseDir: string,
  progress: (line: string) => void
): Promise<CommandSecrets> {
  if (args.command === 'synth') return { env: {} };
  const leaky = leakyDebugSettings(parent);
  if (leaky.length > 0) throw new ConfigError(leaky);

  const env: Record<string, string> = {};
  let keys: CommandSecrets['keys'];
  if (targets.includes(pluginSettingsStackName(cfg))) {
    const auth = parent[cfg.grafana.authEnv];
    if (!auth)
      throw new SecretSourceError(
        `${cfg.grafana.authEnv} is not set: export a Grafana service-account token or user:password there (grafana.authEnv)`
      );
    env.GRAFANA_AUTH = auth;
    const fields = secureFieldSources(cfg);
    const readers = fields.map((f) => kitSecretReader(f.source, f));
    const ctx = { env: parent, baseDir, progress };
    const placeholder = args.command === 'destroy' || args.placeholderKey;
    // Every field's reader, one after the other; readSecrets refuses two that would set one variable.
    const read = await readSecrets(
      readers,
      ctx,
      placeholder ? (args.command === 'destroy' ? 'destroy' : 'plan') : undefined
    );
    Object.assign(env, read.env);
    keys = {
      fields: read.secrets.map((r, i) => ({ field: fields[i].field, version: r.version, from: r.from })),
      placeholder,
    };
  }
  if (cfg.backend.kind === 'pg') {
    const conn = parent[cfg.backend.connStrEnv];
    if (!conn)
      throw new SecretSourceError(
        `${cfg.backend.connStrEnv} is not set: export the PostgreSQL connection string for the pg backend there (backend.connStrEnv)`
      );
    env.PG_CONN_STR = conn;
  }
  return { env, keys };
}
