// Source: OpenBao or Vault KV version 2, with token or AppRole auth.
//
// The hashicorp/vault provider (whose `vault_kv_secret_v2` ephemeral resource
// would read the secret inside Terraform) could not be built here: the Go
// module proxy serves none of its v5 commits (infra/README.md, "Provider
// mirror"). So the secret is read at deploy time over OpenBao's HTTP API, in
// memory, and reaches Terraform as an ephemeral input variable; the KV
// metadata version becomes the rotation version. Neither path writes the key.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Construct } from "constructs";
import { checkFile, checkUrl, checkVersion, ENV_NAME, KV_SEGMENT } from "../../config/checks";
import { requestJson } from "./http-json";
import {
  ephemeralStringVariable,
  SecretSourceError,
  STORE_KEY_VARIABLE,
  STORE_VERSION_VARIABLE,
  versionVariable,
  type ResolveContext,
  type SecretSourceDefinition,
  type SecretSourceOutputs,
} from "./secret-source";

/** OpenBao / Vault KV version 2. */
export interface OpenBaoKvSourceConfig {
  kind: "openbao-kv2";
  /** e.g. https://bao.example.com:8200 */
  address: string;
  /** KV v2 mount, e.g. "secret". */
  mount: string;
  /** Secret path inside the mount, e.g. "grafana/apibridge". */
  path: string;
  /** Field of the secret that holds the key, e.g. "apiKey". */
  field: string;
  auth: OpenBaoTokenAuth | OpenBaoAppRoleAuth;
  /** PEM file trusted for the server's TLS certificate. */
  caCertFile?: string;
  /** Pin the rotation version; default: the secret's current KV version. */
  version?: number;
}
export interface OpenBaoTokenAuth {
  method: "token";
  /** Environment variable that holds the token (e.g. BAO_TOKEN). */
  tokenEnv: string;
}
export interface OpenBaoAppRoleAuth {
  method: "approle";
  /** AppRole auth mount, default "approle". */
  mount?: string;
  roleIdEnv: string;
  secretIdEnv: string;
}

/** The Terraform side: an ephemeral input variable and the rotation version. */
export class OpenBaoKv2Secret extends Construct implements SecretSourceOutputs {
  readonly apiKey: string;
  readonly version: number;
  constructor(scope: Construct, id: string, cfg: OpenBaoKvSourceConfig) {
    super(scope, id);
    const key = ephemeralStringVariable(this, STORE_KEY_VARIABLE, `API key read from OpenBao KV v2 ${cfg.mount}/${cfg.path} (field ${cfg.field}) by the kit's runner at deploy time, passed as this ephemeral variable`);
    this.apiKey = key.stringValue;
    this.version = cfg.version ?? versionVariable(this, STORE_VERSION_VARIABLE).numberValue;
  }
}

export const openBaoKv2Source: SecretSourceDefinition<OpenBaoKvSourceConfig> = {
  kind: "openbao-kv2",
  validate(s, { add, path }) {
    checkUrl(s.address, "secretSource.address", false, add);
    if (!KV_SEGMENT.test(s.mount ?? "")) add("secretSource.mount", `"${s.mount}" is not a KV mount`, 'give the mount without slashes at either end, e.g. "secret"');
    if (!KV_SEGMENT.test(s.path ?? "")) add("secretSource.path", `"${s.path}" is not a secret path`, 'give the path inside the mount without "data/" and without slashes at either end, e.g. "grafana/apibridge"');
    if (!s.field) add("secretSource.field", "is empty", 'name the field of the secret that holds the key, e.g. "apiKey"');
    if (s.auth?.method === "token") {
      if (!ENV_NAME.test(s.auth.tokenEnv ?? "")) add("secretSource.auth.tokenEnv", `"${s.auth.tokenEnv}" is not an environment variable name`, 'name the variable that holds the token, e.g. "BAO_TOKEN"');
    } else if (s.auth?.method === "approle") {
      if (!ENV_NAME.test(s.auth.roleIdEnv ?? "")) add("secretSource.auth.roleIdEnv", `"${s.auth.roleIdEnv}" is not an environment variable name`, 'e.g. "BAO_ROLE_ID"');
      if (!ENV_NAME.test(s.auth.secretIdEnv ?? "")) add("secretSource.auth.secretIdEnv", `"${s.auth.secretIdEnv}" is not an environment variable name`, 'e.g. "BAO_SECRET_ID"');
    } else {
      add("secretSource.auth.method", `"${(s.auth as { method?: string })?.method}" is not an auth method`, 'choose "token" or "approle"');
    }
    checkFile(s.caCertFile, "secretSource.caCertFile", path, add);
    checkVersion(s.version, "secretSource.version", false, add);
  },
  build: (scope, cfg) => new OpenBaoKv2Secret(scope, "api-key", cfg),
  async resolve(cfg, ctx) {
    const ca = cfg.caCertFile ? readFileSync(resolve(ctx.baseDir, cfg.caCertFile), "utf8") : undefined;
    const base = cfg.address.replace(/\/+$/, "");
    const token = await login(cfg, ctx, base, ca);
    const url = `${base}/v1/${cfg.mount}/data/${cfg.path}`;
    const res = await call(url, { headers: { "X-Vault-Token": token }, ca }, cfg.address);
    if (res.status === 403) throw new SecretSourceError(`OpenBao at ${cfg.address} refused to read ${cfg.mount}/${cfg.path} (403): give the token or AppRole a policy with "read" on ${cfg.mount}/data/${cfg.path}`);
    if (res.status === 404) throw new SecretSourceError(`OpenBao at ${cfg.address} has no secret ${cfg.mount}/${cfg.path} (404): check secretSource.mount and secretSource.path (KV version 2, path without "data/")`);
    if (res.status !== 200) throw new SecretSourceError(`OpenBao at ${cfg.address} answered ${res.status} reading ${cfg.mount}/${cfg.path}`);
    const data = (res.body as { data?: { data?: Record<string, unknown>; metadata?: { version?: number } } })?.data;
    const value = data?.data?.[cfg.field];
    if (typeof value !== "string" || value === "") {
      const fields = Object.keys(data?.data ?? {}).join(", ") || "none";
      throw new SecretSourceError(`secret ${cfg.mount}/${cfg.path} has no non-empty string field "${cfg.field}" (its fields: ${fields}): fix secretSource.field or write the key there`);
    }
    const version = cfg.version ?? data?.metadata?.version;
    if (!Number.isInteger(version)) throw new SecretSourceError(`OpenBao returned no version for ${cfg.mount}/${cfg.path}: is the mount KV version 2?`);
    return { [`TF_VAR_${STORE_KEY_VARIABLE}`]: value, [`TF_VAR_${STORE_VERSION_VARIABLE}`]: String(version) };
  },
};

async function call(url: string, opts: Parameters<typeof requestJson>[1], address: string) {
  try {
    return await requestJson(url, opts);
  } catch (e) {
    throw new SecretSourceError(`cannot reach OpenBao at ${address}: ${(e as Error).message}. Check secretSource.address (or KIT_OPENBAO_ADDR) and secretSource.caCertFile`);
  }
}

async function login(cfg: OpenBaoKvSourceConfig, ctx: ResolveContext, base: string, ca: string | undefined): Promise<string> {
  const auth = cfg.auth;
  if (auth.method === "token") {
    const token = ctx.env[auth.tokenEnv];
    if (!token) throw new SecretSourceError(`${auth.tokenEnv} is not set: export the OpenBao token there (secretSource.auth.tokenEnv)`);
    return token;
  }
  const roleId = ctx.env[auth.roleIdEnv];
  const secretId = ctx.env[auth.secretIdEnv];
  if (!roleId || !secretId) throw new SecretSourceError(`${auth.roleIdEnv} and ${auth.secretIdEnv} must both be set for AppRole login (secretSource.auth)`);
  const res = await call(`${base}/v1/auth/${auth.mount ?? "approle"}/login`, { method: "POST", body: { role_id: roleId, secret_id: secretId }, ca }, cfg.address);
  const token = (res.body as { auth?: { client_token?: string } })?.auth?.client_token;
  if (res.status !== 200 || !token) {
    throw new SecretSourceError(`OpenBao AppRole login at auth/${auth.mount ?? "approle"} failed (${res.status}): check the role id and secret id in ${auth.roleIdEnv} / ${auth.secretIdEnv}`);
  }
  return token;
}
