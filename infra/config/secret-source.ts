// The kit's secretSource config (and each source of secureFields): which
// library secret source (and reader) feeds a secure field, and where its
// secret lives. Checked with the rest of the config before synth, each
// problem under secretSource.<field> or secureFields["<name>.<secret>"].<field>. The
// Terraform side is stacks/kit-secret-source.ts, the deploy-time side
// bin/kit-secret-reader.ts; both map this config onto the library's own
// props (infra/constructs/secret-sources/, infra/bin/secret-readers/).
import { existsSync } from 'node:fs';
import type { OpenBaoAuth } from '../bin/secret-readers/openbao-kv2';
import { NAMESPACE } from '../bin/secret-readers/openbao-client';
import { checkFile, checkUrl, checkVersion, ENV_NAME, KV_SEGMENT, TF_VAR_NAME, type Checks } from './checks';

/** A pipeline passes the key as TF_VAR_<variableName>. */
interface EphemeralVariableSourceConfig {
  kind: 'ephemeral-variable';
  /** Terraform variable name; the pipeline sets TF_VAR_<variableName>. */
  variableName: string;
  /** Bump to push a rotated key (write-only attributes are only sent when this changes). */
  version: number;
}

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
  auth: OpenBaoAuth;
  /** PEM file trusted for the server's TLS certificate; default: BAO_CACERT, then VAULT_CACERT. */
  caCertFile?: string;
  /** Read exactly this KV version (?version=N), which is also the rotation version; default: the current version. */
  version?: number;
}

/** A SOPS file encrypted for age recipients, kept in git. */
interface SopsAgeSourceConfig {
  kind: 'sops-age';
  /** Path of the encrypted file (YAML or JSON), relative to the repository root. */
  file: string;
  /** Top-level key of the file that holds the API key. */
  key: string;
  /** Pin the rotation version; default: the file's sops.lastmodified as Unix seconds. */
  version?: number;
}

/** Where the plugin's API key comes from. Every source is ephemeral: the key
 * reaches Terraform only as an ephemeral value, never in plan or state. */
export type SecretSourceConfig = EphemeralVariableSourceConfig | OpenBaoKvSourceConfig | SopsAgeSourceConfig;

const VALIDATORS: {
  [K in SecretSourceConfig['kind']]: (s: Extract<SecretSourceConfig, { kind: K }>, c: Checks, at: string) => void;
} = {
  'ephemeral-variable': checkEphemeralVariable,
  'openbao-kv2': checkOpenBaoKv2,
  'sops-age': checkSopsAge,
};

const SECRET_SOURCE_KINDS = Object.keys(VALIDATORS);

/** Reports every bad field of a source, as <at>.<field>: secretSource.path, secureFields["billing.apiKey"].path. */
export function checkSecretSource(s: SecretSourceConfig | undefined, checks: Checks, at = 'secretSource'): void {
  const kind = (s as { kind?: string } | undefined)?.kind;
  if (!s || !SECRET_SOURCE_KINDS.includes(kind as string)) {
    const kinds = SECRET_SOURCE_KINDS.map((k) => `"${k}"`);
    checks.add(
      `${at}.kind`,
      `"${kind}" is not a secret source`,
      `choose ${kinds.slice(0, -1).join(', ')} or ${kinds[kinds.length - 1]}`
    );
    return;
  }
  (VALIDATORS[s.kind] as (s: SecretSourceConfig, c: Checks, at: string) => void)(s, checks, at);
}

function checkEphemeralVariable(s: EphemeralVariableSourceConfig, { add }: Checks, at: string) {
  if (!TF_VAR_NAME.test(s.variableName ?? '')) {
    add(
      `${at}.variableName`,
      `"${s.variableName}" is not a Terraform variable name`,
      'use lower-case letters, digits and underscores, e.g. "apibridge_api_key" (the pipeline then sets TF_VAR_apibridge_api_key)'
    );
  }
  checkVersion(s.version, `${at}.version`, true, add);
}

function checkOpenBaoKv2(s: OpenBaoKvSourceConfig, { add, path }: Checks, at: string) {
  if (s.address !== undefined) checkUrl(s.address, `${at}.address`, false, add);
  if (s.namespace !== undefined && !NAMESPACE.test(s.namespace))
    add(
      `${at}.namespace`,
      `"${s.namespace}" is not a namespace path`,
      'use names of letters, digits, "-" and "_" separated by "/", e.g. "team-a/prod"'
    );
  if (!KV_SEGMENT.test(s.mount ?? ''))
    add(`${at}.mount`, `"${s.mount}" is not a KV mount`, 'give the mount without slashes at either end, e.g. "secret"');
  if (!KV_SEGMENT.test(s.path ?? ''))
    add(
      `${at}.path`,
      `"${s.path}" is not a secret path`,
      'give the path inside the mount without "data/" and without slashes at either end, e.g. "grafana/apibridge"'
    );
  if (!s.field) add(`${at}.field`, 'is empty', 'name the field of the secret that holds the key, e.g. "apiKey"');
  const auth = s.auth;
  const envName = (field: string, v: string | undefined, example: string) => {
    // The value is not repeated: a credential written where its variable's name belongs must not reach a log.
    if (!ENV_NAME.test(v ?? ''))
      add(
        `${at}.auth.${field}`,
        'is not an environment variable name (its value is not repeated here: it may be the secret itself)',
        `name the variable that holds it, e.g. "${example}"`
      );
  };
  if (auth?.method === 'token') envName('tokenEnv', auth.tokenEnv, 'BAO_TOKEN');
  else if (auth?.method === 'approle') {
    envName('roleIdEnv', auth.roleIdEnv, 'BAO_ROLE_ID');
    envName('secretIdEnv', auth.secretIdEnv, 'BAO_SECRET_ID');
    if (auth.mount !== undefined && !KV_SEGMENT.test(auth.mount))
      add(`${at}.auth.mount`, `"${auth.mount}" is not an auth mount`, 'e.g. "approle"');
  } else if (auth?.method === 'jwt') {
    if (!/^[A-Za-z0-9._-]+$/.test(auth.role ?? ''))
      add(
        `${at}.auth.role`,
        `"${auth.role}" is not a role name`,
        'name the JWT role OpenBao checks the ID token against, e.g. "apibridge-deploy"'
      );
    if (auth.mount !== undefined && !KV_SEGMENT.test(auth.mount))
      add(`${at}.auth.mount`, `"${auth.mount}" is not an auth mount`, 'e.g. "jwt"');
    if (auth.tokenEnv !== undefined) envName('tokenEnv', auth.tokenEnv, 'BAO_ID_TOKEN');
    if (
      auth.audience !== undefined &&
      (typeof auth.audience !== 'string' || auth.audience === '' || /\s/.test(auth.audience))
    ) {
      add(
        `${at}.auth.audience`,
        `"${auth.audience}" is not an audience`,
        'give one of the role\'s bound_audiences, e.g. "https://github.com/my-org"'
      );
    }
  } else {
    add(
      `${at}.auth.method`,
      `"${(auth as { method?: string })?.method}" is not an auth method`,
      'choose "token", "approle" or "jwt"'
    );
  }
  checkFile(s.caCertFile, `${at}.caCertFile`, path, add);
  checkVersion(s.version, `${at}.version`, false, add);
}

function checkSopsAge(s: SopsAgeSourceConfig, { add, path }: Checks, at: string) {
  if (!/\.(ya?ml|json)$/.test(s.file ?? '') || !existsSync(path(s.file))) {
    add(
      `${at}.file`,
      `"${s.file}" is not an existing .yaml, .yml or .json SOPS file`,
      'encrypt the key with `sops encrypt --age <recipient>` into such a file and give its path from the repository root'
    );
  }
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(s.key ?? ''))
    add(
      `${at}.key`,
      `"${s.key}" is not a top-level key`,
      'name the key of the file that holds the API key, e.g. "apibridge_api_key"'
    );
  checkVersion(s.version, `${at}.version`, false, add);
}
