// Source: OpenBao or Vault KV version 2, with token, AppRole or JWT (CI ID
// token) auth.
//
// The hashicorp/vault provider (whose `vault_kv_secret_v2` ephemeral resource
// would read the secret inside Terraform) could not be built here: the Go
// module proxy serves none of its v5 commits (infra/README.md, "Provider
// mirror"). So the secret is read at deploy time over OpenBao's HTTP API, in
// memory (openbao-client.ts), and reaches Terraform as an ephemeral input
// variable; the KV version (current, or the pinned one) becomes the rotation
// version. Neither path writes the key.
import { Construct } from 'constructs';
import { checkFile, checkUrl, checkVersion, ENV_NAME, KV_SEGMENT } from '../../config/checks';
import { endpointFrom, login, NAMESPACE, readField, revoke } from './openbao-client';
import {
  ephemeralStringVariable,
  PLACEHOLDER_KEY,
  placeholderVersion,
  STORE_KEY_VARIABLE,
  STORE_VERSION_VARIABLE,
  versionVariable,
  type SecretSourceDefinition,
  type SecretSourceOutputs,
} from './secret-source';

/** OpenBao / Vault KV version 2. */
export interface OpenBaoKvSourceConfig {
  kind: 'openbao-kv2';
  /** e.g. https://bao.example.com:8200; default: BAO_ADDR, then VAULT_ADDR. */
  address?: string;
  /** OpenBao/Vault namespace, e.g. "team-a"; default: BAO_NAMESPACE, then VAULT_NAMESPACE. */
  namespace?: string;
  /** KV v2 mount, e.g. "secret". */
  mount: string;
  /** Secret path inside the mount, e.g. "grafana/apibridge". */
  path: string;
  /** Field of the secret that holds the key, e.g. "apiKey". */
  field: string;
  auth: OpenBaoTokenAuth | OpenBaoAppRoleAuth | OpenBaoJwtAuth;
  /** PEM file trusted for the server's TLS certificate; default: BAO_CACERT, then VAULT_CACERT. */
  caCertFile?: string;
  /** Read exactly this KV version (?version=N), which is also the rotation version; default: the current version. */
  version?: number;
}
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
  /** Variable holding the ID token (GitLab CI `id_tokens`); unset on GitHub Actions, where the kit requests it. */
  tokenEnv?: string;
  /** Audience to request from GitHub Actions; must be one of the role's bound_audiences. */
  audience?: string;
}

/** The Terraform side: an ephemeral input variable and the rotation version. */
class OpenBaoKv2Secret extends Construct implements SecretSourceOutputs {
  readonly apiKey: string;
  readonly version: number;
  constructor(scope: Construct, id: string, cfg: OpenBaoKvSourceConfig) {
    super(scope, id);
    const key = ephemeralStringVariable(
      this,
      STORE_KEY_VARIABLE,
      `API key read from OpenBao KV v2 ${cfg.mount}/${cfg.path} (field ${cfg.field}) by the kit's runner at deploy time, passed as this ephemeral variable`
    );
    this.apiKey = key.stringValue;
    this.version = cfg.version ?? versionVariable(this, STORE_VERSION_VARIABLE).numberValue;
  }
}

export const openBaoKv2Source: SecretSourceDefinition<OpenBaoKvSourceConfig> = {
  kind: 'openbao-kv2',
  validate(s, { add, path }) {
    if (s.address !== undefined) checkUrl(s.address, 'secretSource.address', false, add);
    if (s.namespace !== undefined && !NAMESPACE.test(s.namespace))
      add(
        'secretSource.namespace',
        `"${s.namespace}" is not a namespace path`,
        'use names of letters, digits, "-" and "_" separated by "/", e.g. "team-a/prod"'
      );
    if (!KV_SEGMENT.test(s.mount ?? ''))
      add(
        'secretSource.mount',
        `"${s.mount}" is not a KV mount`,
        'give the mount without slashes at either end, e.g. "secret"'
      );
    if (!KV_SEGMENT.test(s.path ?? ''))
      add(
        'secretSource.path',
        `"${s.path}" is not a secret path`,
        'give the path inside the mount without "data/" and without slashes at either end, e.g. "grafana/apibridge"'
      );
    if (!s.field)
      add('secretSource.field', 'is empty', 'name the field of the secret that holds the key, e.g. "apiKey"');
    const auth = s.auth;
    const envName = (field: string, v: string | undefined, example: string) => {
      // The value is not repeated: a credential written where its variable's name belongs must not reach a log.
      if (!ENV_NAME.test(v ?? ''))
        add(
          `secretSource.auth.${field}`,
          'is not an environment variable name (its value is not repeated here: it may be the secret itself)',
          `name the variable that holds it, e.g. "${example}"`
        );
    };
    if (auth?.method === 'token') envName('tokenEnv', auth.tokenEnv, 'BAO_TOKEN');
    else if (auth?.method === 'approle') {
      envName('roleIdEnv', auth.roleIdEnv, 'BAO_ROLE_ID');
      envName('secretIdEnv', auth.secretIdEnv, 'BAO_SECRET_ID');
      if (auth.mount !== undefined && !KV_SEGMENT.test(auth.mount))
        add('secretSource.auth.mount', `"${auth.mount}" is not an auth mount`, 'e.g. "approle"');
    } else if (auth?.method === 'jwt') {
      if (!/^[A-Za-z0-9._-]+$/.test(auth.role ?? ''))
        add(
          'secretSource.auth.role',
          `"${auth.role}" is not a role name`,
          'name the JWT role OpenBao checks the ID token against, e.g. "apibridge-deploy"'
        );
      if (auth.mount !== undefined && !KV_SEGMENT.test(auth.mount))
        add('secretSource.auth.mount', `"${auth.mount}" is not an auth mount`, 'e.g. "jwt"');
      if (auth.tokenEnv !== undefined) envName('tokenEnv', auth.tokenEnv, 'BAO_ID_TOKEN');
      if (
        auth.audience !== undefined &&
        (typeof auth.audience !== 'string' || auth.audience === '' || /\s/.test(auth.audience))
      ) {
        add(
          'secretSource.auth.audience',
          `"${auth.audience}" is not an audience`,
          'give one of the role\'s bound_audiences, e.g. "https://github.com/my-org"'
        );
      }
    } else {
      add(
        'secretSource.auth.method',
        `"${(auth as { method?: string })?.method}" is not an auth method`,
        'choose "token", "approle" or "jwt"'
      );
    }
    checkFile(s.caCertFile, 'secretSource.caCertFile', path, add);
    checkVersion(s.version, 'secretSource.version', false, add);
  },
  build: (scope, cfg) => new OpenBaoKv2Secret(scope, 'api-key', cfg),
  async resolve(cfg, ctx) {
    const progress = ctx.progress ?? (() => undefined);
    const ep = endpointFrom(cfg, ctx.env, ctx.baseDir);
    const session = await login(cfg, ep, ctx.env, progress);
    try {
      const { value, version } = await readField(cfg, ep, session.token, progress);
      return {
        env: { [`TF_VAR_${STORE_KEY_VARIABLE}`]: value, [`TF_VAR_${STORE_VERSION_VARIABLE}`]: String(version) },
        version: String(version),
        from: `OpenBao ${ep.base}${ep.namespace ? ` namespace ${ep.namespace}` : ''} ${cfg.mount}/${cfg.path}`,
      };
    } finally {
      if (session.obtained) await revoke(ep, session.token, progress);
    }
  },
  placeholder(cfg, _ctx, purpose) {
    const version = placeholderVersion(cfg.version, purpose, cfg.kind);
    // A pinned version is a constant in the configuration; otherwise the version variable needs a value.
    const env: Record<string, string> = { [`TF_VAR_${STORE_KEY_VARIABLE}`]: PLACEHOLDER_KEY };
    if (cfg.version === undefined) env[`TF_VAR_${STORE_VERSION_VARIABLE}`] = version;
    return { env, version, from: 'a placeholder (the store was not read)' };
  },
};
