// The environment the kit's runner hands to cdktn (and through it to
// terraform and every provider process): an allowlist, not a copy of the
// kit's own environment. Whatever the kit needed only to reach the secret
// store (store tokens, AppRole ids, JWTs and the CI's ID-token request
// credentials, SOPS/age identities) never leaves the runner, nor does any
// variable the pipeline set for other steps (GITHUB_TOKEN, cloud keys, ...).
// The credentials a child does need are added by name by the caller:
// GRAFANA_AUTH for our provider, PG_CONN_STR for the pg backend, and the
// keys as TF_VAR_* for terraform, one pair per secure field (see secret-env.ts;
// TERRAFORM_OWN below lets every TF_VAR_* through, the per-field names too).
import { fleetTargets } from '../config/fleet';
import { secureFieldSources } from '../config/secure-fields';
import type { DeploymentConfig } from '../config/types';

type Env = Record<string, string | undefined>;

/** Passed through as they are: the process basics, proxies and CA bundles (registry mode behind a proxy), Docker's client settings. */
const PASS = new Set([
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TMPDIR',
  'TERM',
  'COLORTERM',
  'NO_COLOR',
  'FORCE_COLOR',
  'CI',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'NODE_EXTRA_CA_CERTS',
  'NODE_OPTIONS',
  'CHECKPOINT_DISABLE',
  'DISABLE_VERSION_CHECK',
  'XDG_CONFIG_HOME',
  'XDG_DATA_HOME',
  'XDG_CACHE_HOME',
  'DOCKER_HOST',
  'DOCKER_CERT_PATH',
  'DOCKER_TLS_VERIFY',
  'DOCKER_CONFIG',
  // Windows equivalents of HOME, TMPDIR and PATH lookup.
  'SYSTEMROOT',
  'APPDATA',
  'LOCALAPPDATA',
  'USERPROFILE',
  'PATHEXT',
  'TEMP',
  'TMP',
]);

/**
 * Passed by prefix: locale, Terraform's own settings (TF_CLI_CONFIG_FILE, TF_LOG*, TF_VAR_* of the
 * ephemeral-variable source, TF_TOKEN_* for a private registry), cdktn's (CDKTF_LOG_*), the kit's
 * configuration (KIT_CONFIG, KIT_* overrides) and our provider's non-secret settings (GRAFANA_URL,
 * GRAFANA_CA_CERT, GRAFANA_RETRY_TIMEOUT, ...).
 */
const PASS_PREFIXES = ['LC_', 'TF_', 'CDKTF_', 'KIT_', 'GRAFANA_'];

/** Never passed, whatever prefix they match: credentials by their look. GRAFANA_AUTH and PG_CONN_STR are set by the kit when needed. */
// A KIT_*_FILE override names a file on this machine (Grafana's admin password file, its secret key file): a path the
// child needs to validate the config, not the secret in the file.
const KIT_FILE_PATH = /^KIT_[A-Z0-9_]*_FILE$/;
const NEVER = /(TOKEN|PASSWORD|PASSWD|SECRET_ID|ROLE_ID|CONN_STR|PRIVATE|CREDENTIAL|_JWT)|^GRAFANA_AUTH$|^PG_CONN_STR$/;
/** Terraform's own inputs: its registry credentials (to install providers) and the TF_VAR_* the caller gave it. */
const TERRAFORM_OWN = /^TF_(TOKEN|VAR)_/;

/** Every environment variable the config names as holding a credential: the deployment's, and each fleet target's (every secure field's store login). */
export function credentialEnvNames(cfg: DeploymentConfig): string[] {
  const names = new Set<string>();
  for (const c of [cfg, ...(cfg.fleet ? fleetTargets(cfg).map((t) => t.cfg) : [])]) {
    names.add(c.grafana.authEnv);
    if (c.backend.kind === 'pg') names.add(c.backend.connStrEnv);
    for (const { source: s } of secureFieldSources(c)) {
      if (s.kind !== 'openbao-kv2') continue;
      if (s.auth.method === 'token') names.add(s.auth.tokenEnv);
      if (s.auth.method === 'approle') [s.auth.roleIdEnv, s.auth.secretIdEnv].forEach((n) => names.add(n));
      if (s.auth.method === 'jwt' && s.auth.tokenEnv) names.add(s.auth.tokenEnv);
    }
  }
  return [...names];
}

/** The allowlisted part of `parent`, minus every credential the config names. */
export function childEnv(parent: Env, cfg: DeploymentConfig): Record<string, string> {
  const named = new Set(credentialEnvNames(cfg));
  // The pg backend's own settings (PG_SKIP_SCHEMA_CREATION, PG_SCHEMA_NAME) and libpq's TLS ones (PGSSLMODE, PGSSLROOTCERT, ...).
  const prefixes = cfg.backend.kind === 'pg' ? [...PASS_PREFIXES, 'PG'] : PASS_PREFIXES;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parent)) {
    if (v === undefined || named.has(k)) continue;
    const allowed = PASS.has(k) || prefixes.some((p) => k.startsWith(p));
    if (allowed && (TERRAFORM_OWN.test(k) || KIT_FILE_PATH.test(k) || !NEVER.test(k))) out[k] = v;
  }
  out.CHECKPOINT_DISABLE = '1';
  return out;
}
