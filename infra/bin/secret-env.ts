// The credentials a command's child processes need, and nothing more:
//   synth                  none
//   diff, plan, deploy,    the Grafana credential as GRAFANA_AUTH (our provider reads it), the pg
//   apply, destroy         backend's connection string as PG_CONN_STR, and for the plugin-settings
//                          stack the key and its version as TF_VAR_* (ephemeral variables):
//                            deploy, apply, diff, plan   read from the configured store
//                            diff/plan --placeholder-key  PLACEHOLDER_KEY, the store is not touched
//                            destroy                      PLACEHOLDER_KEY (a destroy sends no key)
// Debug settings that would write the key down are refused first.
import { ConfigError } from '../config/config-error';
import type { DeploymentConfig } from '../config/types';
import { pluginSettingsStackName } from '../stacks/build-stacks';
import type { KitArgs } from './kit-args';
import { kitSecretReader } from './kit-secret-reader';
import { SecretSourceError, type ResolvedSecret } from './secret-readers/reader';
import { leakyDebugSettings } from './leaky-debug-settings';

type Env = Record<string, string | undefined>;

export interface CommandSecrets {
  /** Added to the child's allowlisted environment. */
  env: Record<string, string>;
  /** Which key (version and origin, never the value) the plugin-settings stack gets; undefined when it is not a target. */
  key?: ResolvedSecret & { placeholder: boolean };
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
  let key: CommandSecrets['key'];
  if (targets.includes(pluginSettingsStackName(cfg))) {
    const auth = parent[cfg.grafana.authEnv];
    if (!auth)
      throw new SecretSourceError(
        `${cfg.grafana.authEnv} is not set: export a Grafana service-account token or user:password there (grafana.authEnv)`
      );
    env.GRAFANA_AUTH = auth;
    const reader = kitSecretReader(cfg.secretSource);
    const ctx = { env: parent, baseDir, progress };
    const placeholder = args.command === 'destroy' || args.placeholderKey;
    const resolved = placeholder
      ? reader.placeholder(ctx, args.command === 'destroy' ? 'destroy' : 'plan')
      : await reader.read(ctx);
    Object.assign(env, resolved.env);
    key = { ...resolved, placeholder };
  }
  if (cfg.backend.kind === 'pg') {
    const conn = parent[cfg.backend.connStrEnv];
    if (!conn)
      throw new SecretSourceError(
        `${cfg.backend.connStrEnv} is not set: export the PostgreSQL connection string for the pg backend there (backend.connStrEnv)`
      );
    env.PG_CONN_STR = conn;
  }
  return { env, key };
}
