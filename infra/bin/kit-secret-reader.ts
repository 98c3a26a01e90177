// The kit's source config of one secure field paired with its library
// reader: the binding of the construct the settings stack declares
// (stacks/kit-secret-source.ts), and the reader options (store address, CA,
// namespace, auth) from the same config. Messages name the kit's config
// fields (secretSource.<field>, secureFields["billing.apiKey"].<field>) and
// its KIT_* overrides (config/env-overrides.ts: the version override is the
// single secretSource's only).
import type { SecretSourceConfig } from '../config/secret-source';
import type { SecureFieldSource } from '../config/secure-fields';
import type { EphemeralVariableBinding, OpenBaoKv2Binding, SopsAgeBinding } from '../constructs/secret-sources/binding';
import { kitSecretBinding } from '../stacks/kit-secret-source';
import { ephemeralVariableReader } from './secret-readers/ephemeral-variable';
import { openBaoKv2Reader } from './secret-readers/openbao-kv2';
import type { FieldNaming, SecretReader } from './secret-readers/reader';
import { sopsAgeReader } from './secret-readers/sops-age';

function kitNaming(field?: SecureFieldSource): FieldNaming {
  const at = field?.at ?? 'secretSource';
  return {
    field: (name) => `${at}.${name}`,
    alsoFrom:
      at === 'secretSource'
        ? { address: 'KIT_OPENBAO_ADDR', version: 'KIT_SECRET_VERSION' }
        : { address: 'KIT_OPENBAO_ADDR' },
  };
}

/** The reader of `cfg`: the single secretSource's, or (given `field`) that secure field's. */
export function kitSecretReader(cfg: SecretSourceConfig, field?: SecureFieldSource): SecretReader {
  const binding = kitSecretBinding(cfg, field);
  const naming = kitNaming(field);
  switch (cfg.kind) {
    case 'ephemeral-variable':
      return ephemeralVariableReader(binding as EphemeralVariableBinding);
    case 'openbao-kv2':
      return openBaoKv2Reader(binding as OpenBaoKv2Binding, {
        address: cfg.address,
        namespace: cfg.namespace,
        caCertFile: cfg.caCertFile,
        auth: cfg.auth,
        naming,
      });
    case 'sops-age':
      return sopsAgeReader(binding as SopsAgeBinding, { naming });
  }
}
