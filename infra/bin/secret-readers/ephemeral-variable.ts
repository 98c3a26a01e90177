// Reader of EphemeralVariableSecret: the caller sets TF_VAR_<variable> itself;
// this only checks that it did, and reads nothing.
import type { EphemeralVariableBinding } from '../../constructs/secret-sources/binding';
import { PLACEHOLDER_KEY, SecretSourceError, type SecretReader } from './reader';

export function ephemeralVariableReader(binding: EphemeralVariableBinding): SecretReader<EphemeralVariableBinding> {
  const name = `TF_VAR_${binding.keyVariable}`;
  return {
    binding,
    async read({ env }) {
      if (!env[name])
        throw new SecretSourceError(
          `${name} is not set: the pipeline must export it from its secret store (the source is an ephemeral variable the caller fills)`
        );
      return { env: {}, version: String(binding.version), from: `${name} (set by the caller)` };
    },
    placeholder: () => ({
      env: { [name]: PLACEHOLDER_KEY },
      version: String(binding.version),
      from: 'a placeholder (no key read)',
    }),
  };
}
