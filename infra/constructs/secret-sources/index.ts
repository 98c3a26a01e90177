// The secret sources the config can choose, by kind. A source is one file
// beside this one (config type, validation, construct, deploy-time read);
// adding one means adding that file and its line in SOURCES.
import { ephemeralVariableSource } from './ephemeral-variable';
import { openBaoKv2Source } from './openbao-kv2';
import type { SecretSourceDefinition } from './secret-source';
import { sopsAgeSource } from './sops-age';

const SOURCES = [ephemeralVariableSource, openBaoKv2Source, sopsAgeSource] as const;

type ConfigOf<D> = D extends SecretSourceDefinition<infer C> ? C : never;
/** Where the plugin's API key comes from: the config of any source above. */
export type SecretSourceConfig = ConfigOf<(typeof SOURCES)[number]>;

export const SECRET_SOURCE_KINDS: readonly string[] = SOURCES.map((s) => s.kind);

export function findSecretSource(kind: string): SecretSourceDefinition<SecretSourceConfig> | undefined {
  return SOURCES.find((s) => s.kind === kind) as SecretSourceDefinition<SecretSourceConfig> | undefined;
}

export function secretSourceFor(cfg: SecretSourceConfig): SecretSourceDefinition<SecretSourceConfig> {
  const found = findSecretSource(cfg.kind);
  if (!found) throw new Error(`no secret source of kind "${cfg.kind}"`);
  return found;
}
