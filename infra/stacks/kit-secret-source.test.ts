import { TerraformStack } from 'cdktn';
import { describe, expect, it } from 'vitest';
import type { SecretSourceConfig } from '../config/secret-source';
import { testApp } from '../testing/test-app';
import { kitSecretBinding, kitSecretSource } from './kit-secret-source';

const sources: SecretSourceConfig[] = [
  { kind: 'ephemeral-variable', variableName: 'apibridge_api_key', version: 3 },
  {
    kind: 'openbao-kv2',
    mount: 'secret',
    path: 'grafana/apibridge',
    field: 'apiKey',
    auth: { method: 'token', tokenEnv: 'BAO_TOKEN' },
  },
  {
    kind: 'openbao-kv2',
    mount: 'secret',
    path: 'grafana/apibridge',
    field: 'apiKey',
    version: 4,
    auth: { method: 'token', tokenEnv: 'BAO_TOKEN' },
  },
  { kind: 'sops-age', file: 'secrets/apibridge.sops.yaml', key: 'apibridge_api_key' },
];

describe('the kit as a consumer of the secret source constructs', () => {
  it.each(sources.map((s) => [`${s.kind}${'version' in s && s.version ? ' pinned' : ''}`, s] as const))(
    "%s: the runner's binding is the one the stack's construct declares, with the kit's variable names",
    (_, cfg) => {
      const built = kitSecretSource(new TerraformStack(testApp(), 'apibridge-plugin-settings'), cfg);
      expect(kitSecretBinding(cfg)).toEqual(built.binding);
      expect(built.binding.keyVariable).toBe('apibridge_api_key');
      if ('versionVariable' in built.binding && built.binding.versionVariable)
        expect(built.binding.versionVariable).toBe('apibridge_api_key_version');
    }
  );
});
