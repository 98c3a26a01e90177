// The kit's secretSource config (config/secret-source.ts) as a library secret
// source construct, with the kit's fixed variable names: the tests, the docs
// and the committed pipelines use TF_VAR_apibridge_api_key (or the
// ephemeral-variable source's own variableName) and
// TF_VAR_apibridge_api_key_version. kitSecretBinding gives the runner the
// same binding without building a stack (bin/kit-secret-reader.ts pairs it
// with its reader); a test holds the two equal.
import type { Construct } from 'constructs';
import {
  ephemeralVariableBinding,
  openBaoKv2Binding,
  sopsAgeBinding,
  type SecretBinding,
  type SourceVariableNames,
} from '../constructs/secret-sources/binding';
import { EphemeralVariableSecret } from '../constructs/secret-sources/ephemeral-variable';
import { OpenBaoKv2Secret } from '../constructs/secret-sources/openbao-kv2';
import type { SecretSource } from '../constructs/secret-sources/secret-source';
import { SopsAgeSecret } from '../constructs/secret-sources/sops-age';
import type { SecretSourceConfig } from '../config/secret-source';

/** Variable names the store-backed sources feed through TF_VAR_*. */
const STORE_VARIABLES: SourceVariableNames = {
  keyVariable: 'apibridge_api_key',
  versionVariable: 'apibridge_api_key_version',
};

/** The construct id of the kit's one source (its variables' logical ids are overridden to the names above). */
const ID = 'api-key';

export function kitSecretSource(scope: Construct, cfg: SecretSourceConfig): SecretSource {
  switch (cfg.kind) {
    case 'ephemeral-variable':
      return new EphemeralVariableSecret(scope, ID, {
        variableName: cfg.variableName,
        version: cfg.version,
        description: `API key for the apibridge plugin, passed by the pipeline as TF_VAR_${cfg.variableName}`,
      });
    case 'openbao-kv2':
      return new OpenBaoKv2Secret(scope, ID, {
        variableName: STORE_VARIABLES.keyVariable,
        versionVariableName: STORE_VARIABLES.versionVariable,
        mount: cfg.mount,
        path: cfg.path,
        field: cfg.field,
        version: cfg.version,
      });
    case 'sops-age':
      return new SopsAgeSecret(scope, ID, {
        variableName: STORE_VARIABLES.keyVariable,
        versionVariableName: STORE_VARIABLES.versionVariable,
        file: cfg.file,
        key: cfg.key,
        version: cfg.version,
      });
  }
}

/** The binding kitSecretSource's construct has, computed from the config alone. */
export function kitSecretBinding(cfg: SecretSourceConfig): SecretBinding {
  switch (cfg.kind) {
    case 'ephemeral-variable':
      return ephemeralVariableBinding({ keyVariable: cfg.variableName }, cfg.version);
    case 'openbao-kv2':
      return openBaoKv2Binding(STORE_VARIABLES, cfg);
    case 'sops-age':
      return sopsAgeBinding(STORE_VARIABLES, cfg);
  }
}
