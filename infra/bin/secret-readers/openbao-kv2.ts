// Reader of OpenBaoKv2Secret: logs in (a token from an environment variable,
// AppRole, or JWT with the CI's ID token), reads <mount>/data/<path> field
// <field> over OpenBao's HTTP API into memory (openbao-client.ts), revokes
// the token it obtained, and returns the value and its KV version as the
// TF_VAR_* of the construct's variables. How to reach and log in to the
// store is this reader's business; what to read is the construct's binding.
import type { OpenBaoKv2Binding } from '../../constructs/secret-sources/binding';
import { endpointFrom, login, readField, revoke } from './openbao-client';
import { PLACEHOLDER_KEY, placeholderVersion, type FieldNaming, type SecretReader } from './reader';

interface OpenBaoTokenAuth {
  method: 'token';
  /** Environment variable that holds the token (e.g. BAO_TOKEN). */
  tokenEnv: string;
}
interface OpenBaoAppRoleAuth {
  method: 'approle';
  /** AppRole auth mount, default "approle". */
  mount?: string;
  roleIdEnv: string;
  secretIdEnv: string;
}
/** JWT login with the CI provider's ID token (ci-id-token.ts): no long-lived secret in the pipeline. */
export interface OpenBaoJwtAuth {
  method: 'jwt';
  /** JWT auth mount, default "jwt". */
  mount?: string;
  /** The OpenBao role whose bound claims the token must match. */
  role: string;
  /** Variable holding the ID token (GitLab CI `id_tokens`); unset on GitHub Actions, where the reader requests it. */
  tokenEnv?: string;
  /** Audience to request from GitHub Actions; must be one of the role's bound_audiences. */
  audience?: string;
}
export type OpenBaoAuth = OpenBaoTokenAuth | OpenBaoAppRoleAuth | OpenBaoJwtAuth;

/** How the reader reaches and logs in to OpenBao or Vault. Credentials are named by variable, never given. */
export interface OpenBaoKv2ReaderOptions {
  /** e.g. https://bao.example.com:8200; default: BAO_ADDR, then VAULT_ADDR. */
  address?: string;
  /** OpenBao/Vault namespace, e.g. "team-a"; default: BAO_NAMESPACE, then VAULT_NAMESPACE. */
  namespace?: string;
  /** PEM file trusted for the server's TLS certificate; default: BAO_CACERT, then VAULT_CACERT. */
  caCertFile?: string;
  auth: OpenBaoAuth;
  /** How messages name these settings (the kit's: "secretSource.<field>"). */
  naming?: FieldNaming;
}

export function openBaoKv2Reader(
  binding: OpenBaoKv2Binding,
  options: OpenBaoKv2ReaderOptions
): SecretReader<OpenBaoKv2Binding> {
  const vars = (value: string, version: string): Record<string, string> => ({
    [`TF_VAR_${binding.keyVariable}`]: value,
    // A pinned version is a constant in the configuration; otherwise the version variable needs a value.
    ...(binding.versionVariable ? { [`TF_VAR_${binding.versionVariable}`]: version } : {}),
  });
  return {
    binding,
    async read(ctx) {
      const progress = ctx.progress ?? (() => undefined);
      const ep = endpointFrom(options, ctx.env, ctx.baseDir);
      const session = await login(options, ep, ctx.env, progress);
      try {
        const { value, version } = await readField(binding, ep, session.token, progress, options.naming);
        return {
          env: vars(value, String(version)),
          version: String(version),
          from: `OpenBao ${ep.base}${ep.namespace ? ` namespace ${ep.namespace}` : ''} ${binding.mount}/${binding.path}`,
        };
      } finally {
        if (session.obtained) await revoke(ep, session.token, progress);
      }
    },
    placeholder(_ctx, purpose) {
      const version = placeholderVersion(binding.version, purpose, 'openbao-kv2', options.naming);
      return { env: vars(PLACEHOLDER_KEY, version), version, from: 'a placeholder (the store was not read)' };
    },
  };
}
