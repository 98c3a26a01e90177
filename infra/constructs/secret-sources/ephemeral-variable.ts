// Source: a CI-injected environment variable. The pipeline sets
// TF_VAR_<variableName> from its own secret store; Terraform receives it as an
// ephemeral input variable.
import { Construct } from 'constructs';
import { checkVersion, TF_VAR_NAME } from '../../config/checks';
import {
  ephemeralStringVariable,
  PLACEHOLDER_KEY,
  SecretSourceError,
  type SecretSourceDefinition,
  type SecretSourceOutputs,
} from './secret-source';

/** A pipeline passes the key as TF_VAR_<variableName>. */
export interface EphemeralVariableSourceConfig {
  kind: 'ephemeral-variable';
  /** Terraform variable name; the pipeline sets TF_VAR_<variableName>. */
  variableName: string;
  /** Bump to push a rotated key (write-only attributes are only sent when this changes). */
  version: number;
}

/** The Terraform side: an ephemeral input variable and the rotation version. */
class EphemeralVariableSecret extends Construct implements SecretSourceOutputs {
  readonly apiKey: string;
  readonly version: number;
  constructor(scope: Construct, id: string, cfg: EphemeralVariableSourceConfig) {
    super(scope, id);
    const key = ephemeralStringVariable(
      this,
      cfg.variableName,
      'API key for the apibridge plugin, passed by the pipeline as TF_VAR_' + cfg.variableName
    );
    this.apiKey = key.stringValue;
    this.version = cfg.version;
  }
}

export const ephemeralVariableSource: SecretSourceDefinition<EphemeralVariableSourceConfig> = {
  kind: 'ephemeral-variable',
  validate(s, { add }) {
    if (!TF_VAR_NAME.test(s.variableName ?? '')) {
      add(
        'secretSource.variableName',
        `"${s.variableName}" is not a Terraform variable name`,
        'use lower-case letters, digits and underscores, e.g. "apibridge_api_key" (the pipeline then sets TF_VAR_apibridge_api_key)'
      );
    }
    checkVersion(s.version, 'secretSource.version', true, add);
  },
  build: (scope, cfg) => new EphemeralVariableSecret(scope, 'api-key', cfg),
  async resolve(cfg, { env }) {
    if (!env[`TF_VAR_${cfg.variableName}`]) {
      throw new SecretSourceError(
        `TF_VAR_${cfg.variableName} is not set: the pipeline must export it from its secret store (secretSource.kind is "ephemeral-variable")`
      );
    }
    return { env: {}, version: String(cfg.version), from: `TF_VAR_${cfg.variableName} (set by the caller)` };
  },
  placeholder: (cfg) => ({
    env: { [`TF_VAR_${cfg.variableName}`]: PLACEHOLDER_KEY },
    version: String(cfg.version),
    from: 'a placeholder (no key read)',
  }),
};
