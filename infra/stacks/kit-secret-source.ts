// The kit's source config for one secure field (config/secret-source.ts,
// placed by config/secure-fields.ts) as a library secret source construct,
// with the kit's variable names: the single secretSource keeps
// TF_VAR_apibridge_api_key (or the ephemeral-variable source's own
// variableName) and TF_VAR_apibridge_api_key_version, which the tests, the
// docs and the committed pipelines use; each field of secureFields gets
// names of its own (TF_VAR_apibridge_billing_apikey[_version]).
// kitSecretBinding gives the runner the same binding without building a
// stack (bin/kit-secret-reader.ts pairs it with its reader); a test holds
// the two equal.
import type { Construct } from 'constructs';
import {
  ephemeralVariableBinding,
  openBaoKv2Binding,
  sopsAgeBinding,
  type SecretBinding,
} from '../constructs/secret-sources/binding';
import { EphemeralVariableSecret } from '../constructs/secret-sources/ephemeral-variable';
import { OpenBaoKv2Secret } from '../constructs/secret-sources/openbao-kv2';
import type { SecretSource } from '../constructs/secret-sources/secret-source';
import { SopsAgeSecret } from '../constructs/secret-sources/sops-age';
import type { SecretSourceConfig } from '../config/secret-source';
import { secureFieldSources, type SecureFieldSource } from '../config/secure-fields';

/** Where a source sits: the given field, or the single secretSource's field apiKey. */
const placed = (cfg: SecretSourceConfig, field?: SecureFieldSource): SecureFieldSource =>
  field ?? secureFieldSources({ secretSource: cfg })[0];

export function kitSecretSource(scope: Construct, cfg: SecretSourceConfig, field?: SecureFieldSource): SecretSource {
  const { id, names, field: name } = placed(cfg, field);
  switch (cfg.kind) {
    case 'ephemeral-variable':
      return new EphemeralVariableSecret(scope, id, {
        variableName: cfg.variableName,
        version: cfg.version,
        description: `${name === 'apiKey' ? 'API key' : `Secure field ${name}`} for the apibridge plugin, passed by the pipeline as TF_VAR_${cfg.variableName}`,
      });
    case 'openbao-kv2':
      return new OpenBaoKv2Secret(scope, id, {
        variableName: names.keyVariable,
        versionVariableName: names.versionVariable,
        mount: cfg.mount,
        path: cfg.path,
        field: cfg.field,
        version: cfg.version,
      });
    case 'sops-age':
      return new SopsAgeSecret(scope, id, {
        variableName: names.keyVariable,
        versionVariableName: names.versionVariable,
        file: cfg.file,
        key: cfg.key,
        version: cfg.version,
      });
  }
}

/** The binding kitSecretSource's construct has, computed from the config alone. */
export function kitSecretBinding(cfg: SecretSourceConfig, field?: SecureFieldSource): SecretBinding {
  const { names } = placed(cfg, field);
  switch (cfg.kind) {
    case 'ephemeral-variable':
      return ephemeralVariableBinding({ keyVariable: cfg.variableName }, cfg.version);
    case 'openbao-kv2':
      return openBaoKv2Binding(names, cfg);
    case 'sops-age':
      return sopsAgeBinding(names, cfg);
  }
}
