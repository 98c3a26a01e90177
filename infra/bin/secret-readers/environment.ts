// Reader of EnvironmentSecret: copies the deploy process's variable into
// TF_VAR_<variable> for the Terraform child; the variable itself is not
// passed on (the runner's child environment is an allowlist).
import type { EnvironmentBinding } from '../../constructs/secret-sources/binding';
import { PLACEHOLDER_KEY, SecretSourceError, type SecretReader } from './reader';

export function environmentReader(binding: EnvironmentBinding): SecretReader<EnvironmentBinding> {
  const tfVar = `TF_VAR_${binding.keyVariable}`;
  return {
    binding,
    async read({ env }) {
      const value = env[binding.envName];
      if (!value)
        throw new SecretSourceError(
          `${binding.envName} is not set: the deploy job must export the secret there (EnvironmentSecret envName)`
        );
      return {
        env: { [tfVar]: value },
        version: String(binding.version),
        from: `the environment variable ${binding.envName}`,
      };
    },
    placeholder: () => ({
      env: { [tfVar]: PLACEHOLDER_KEY },
      version: String(binding.version),
      from: 'a placeholder (the environment was not read)',
    }),
  };
}
