// The secret sources the config can choose, by kind. Adding a source means
// adding one file beside this one and one line here.
import type { SecretSourceConfig } from "../../config/types";
import { ephemeralVariableSource } from "./ephemeral-variable";
import { openBaoKv2Source } from "./openbao-kv2";
import type { SecretSourceDefinition } from "./secret-source";
import { sopsAgeSource } from "./sops-age";

const SOURCES = [ephemeralVariableSource, openBaoKv2Source, sopsAgeSource] as SecretSourceDefinition<SecretSourceConfig>[];

export function secretSourceFor(cfg: SecretSourceConfig): SecretSourceDefinition<SecretSourceConfig> {
  const found = SOURCES.find((s) => s.kind === cfg.kind);
  if (!found) throw new Error(`no secret source of kind "${cfg.kind}"`);
  return found;
}
