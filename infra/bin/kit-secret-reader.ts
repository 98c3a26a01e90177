// The kit's secretSource config paired with its library reader: the binding
// of the construct the settings stack declares (stacks/kit-secret-source.ts),
// and the reader options (store address, CA, namespace, auth) from the same
// config. Messages name the kit's config fields (secretSource.<field>) and
// its KIT_* overrides.
import type { SecretSourceConfig } from '../config/secret-source';
import type { EphemeralVariableBinding, OpenBaoKv2Binding, SopsAgeBinding } from '../constructs/secret-sources/binding';
import { kitSecretBinding } from '../stacks/kit-secret-source';
import { ephemeralVariableReader } from './secret-readers/ephemeral-variable';
import { openBaoKv2Reader } from './secret-readers/openbao-kv2';
import type { FieldNaming, SecretReader } from './secret-readers/reader';
import { sopsAgeReader } from './secret-readers/sops-age';

const KIT_NAMING: FieldNaming = {
  field: (name) => `secretSource.${name}`,
  alsoFrom: { address: 'KIT_OPENBAO_ADDR', version: 'KIT_SECRET_VERSION' },
};

export function kitSecretReader(cfg: SecretSourceConfig): SecretReader {
  const binding = kitSecretBinding(cfg);
  switch (cfg.kind) {
    case 'ephemeral-variable':
      return ephemeralVariableReader(binding as EphemeralVariableBinding);
    case 'openbao-kv2':
      return openBaoKv2Reader(binding as OpenBaoKv2Binding, {
        address: cfg.address,
        namespace: cfg.namespace,
        caCertFile: cfg.caCertFile,
        auth: cfg.auth,
        naming: KIT_NAMING,
      });
    case 'sops-age':
      return sopsAgeReader(binding as SopsAgeBinding, { naming: KIT_NAMING });
  }
}
