// OpenBao's (and Vault's) HTTP API for the openbao-kv2 reader, spoken the way
// their own CLIs read the environment:
//   address    the reader's address option, else BAO_ADDR, else VAULT_ADDR
//   CA         its caCertFile option, else BAO_CACERT, else VAULT_CACERT
//   namespace  its namespace option, else BAO_NAMESPACE, else VAULT_NAMESPACE
// Logins: a token from the environment (used as is, never revoked), AppRole,
// or JWT (a CI provider's ID token; see ci-id-token.ts). A token the kit
// obtained by login is revoked as soon as the read is done. Reads take the
// current KV v2 version or exactly a pinned one (?version=N).
// No message here quotes a credential, a URL's userinfo or the secret.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ciIdToken } from './ci-id-token';
import { requestJson, type JsonResponse, type RequestJsonOptions } from './http-json';
import type { OpenBaoKv2Binding } from '../../constructs/secret-sources/binding';
import type { OpenBaoKv2ReaderOptions } from './openbao-kv2';
import { named, SecretSourceError, type FieldNaming } from './reader';
import { redact, safeUrl } from './redact';

type Env = Record<string, string | undefined>;

/** Where the store is and how to talk to it, resolved from config and environment. */
export interface BaoEndpoint {
  /** scheme://host:port, no trailing slash, no userinfo. */
  base: string;
  ca?: string;
  namespace?: string;
  /** How the endpoint was chosen, for progress lines: "https://bao:8200 (BAO_ADDR), namespace team-a". */
  describe: string;
  /** How messages name the reader's settings. */
  naming?: FieldNaming;
}

export function endpointFrom(cfg: OpenBaoKv2ReaderOptions, env: Env, baseDir: string): BaoEndpoint {
  const f = (n: string) => (cfg.naming ?? { field: (x: string) => x }).field(n);
  const [address, addressFrom] = firstSet(
    [cfg.address, f('address')],
    [env.BAO_ADDR, 'BAO_ADDR'],
    [env.VAULT_ADDR, 'VAULT_ADDR']
  );
  if (!address)
    throw new SecretSourceError(`no OpenBao address: set ${named(cfg.naming, 'address')}, BAO_ADDR or VAULT_ADDR`);
  let u: URL;
  try {
    u = new URL(address);
  } catch {
    throw new SecretSourceError(`${addressFrom} is not a URL: give e.g. https://bao.example.com:8200`);
  }
  if (u.username || u.password)
    throw new SecretSourceError(
      `${addressFrom} contains user:password: remove it; the store's credentials come from its auth method`
    );
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && isLoopback(u.hostname))) {
    throw new SecretSourceError(
      `${addressFrom} (${safeUrl(address)}) is not https: use https:// (plain http only to 127.0.0.1, ::1 or localhost)`
    );
  }
  const [caFile, caFrom] = firstSet(
    [cfg.caCertFile, f('caCertFile')],
    [env.BAO_CACERT, 'BAO_CACERT'],
    [env.VAULT_CACERT, 'VAULT_CACERT']
  );
  let ca: string | undefined;
  if (caFile) {
    try {
      ca = readFileSync(resolve(baseDir, caFile), 'utf8');
    } catch (e) {
      throw new SecretSourceError(
        `${caFrom}: cannot read "${caFile}" (${(e as NodeJS.ErrnoException).code ?? 'error'}): give the path of the PEM file of the CA that signed OpenBao's certificate`
      );
    }
  }
  const [namespace, nsFrom] = firstSet(
    [cfg.namespace, f('namespace')],
    [env.BAO_NAMESPACE, 'BAO_NAMESPACE'],
    [env.VAULT_NAMESPACE, 'VAULT_NAMESPACE']
  );
  if (namespace !== undefined && !NAMESPACE.test(namespace)) {
    throw new SecretSourceError(
      `${nsFrom} "${namespace}" is not a namespace path: use names of letters, digits, "-" and "_" separated by "/", e.g. "team-a/prod"`
    );
  }
  const base = `${u.protocol}//${u.host}`;
  const describe = `${base} (${addressFrom})${namespace ? `, namespace ${namespace} (${nsFrom})` : ''}${caFile ? `, CA from ${caFrom}` : ''}`;
  return { base, ca, namespace, describe, naming: cfg.naming };
}

export const NAMESPACE = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*\/?$/;

/** A token to read with; `obtained` means the kit logged in for it and must revoke it. */
export interface BaoLogin {
  token: string;
  obtained: boolean;
}

export async function login(
  cfg: OpenBaoKv2ReaderOptions,
  ep: BaoEndpoint,
  env: Env,
  progress: (line: string) => void
): Promise<BaoLogin> {
  const auth = cfg.auth;
  const f = (n: string) => named(cfg.naming, n);
  if (auth.method === 'token') {
    const token = env[auth.tokenEnv];
    if (!token)
      throw new SecretSourceError(
        `${auth.tokenEnv} is not set: export the OpenBao token there (${f('auth.tokenEnv')})`
      );
    progress(
      `store login: OpenBao ${ep.describe}, the token in ${auth.tokenEnv} (the caller's: used as given, not revoked)`
    );
    return { token, obtained: false };
  }
  if (auth.method === 'approle') {
    const mount = auth.mount ?? 'approle';
    const roleId = env[auth.roleIdEnv];
    const secretId = env[auth.secretIdEnv];
    if (!roleId || !secretId)
      throw new SecretSourceError(
        `${auth.roleIdEnv} and ${auth.secretIdEnv} must both be set for AppRole login (${f('auth')})`
      );
    progress(`store login: OpenBao ${ep.describe}, AppRole at auth/${mount}`);
    const res = await call(ep, `auth/${mount}/login`, {
      method: 'POST',
      body: { role_id: roleId, secret_id: secretId },
    });
    return loggedIn(
      res,
      [roleId, secretId],
      `OpenBao AppRole login at auth/${mount} failed (${res.status}): check the role id and secret id in ${auth.roleIdEnv} / ${auth.secretIdEnv}`
    );
  }
  const mount = auth.mount ?? 'jwt';
  const { jwt, from } = await ciIdToken(auth, env, progress, cfg.naming);
  progress(`store login: OpenBao ${ep.describe}, JWT at auth/${mount} as role ${auth.role} (ID token from ${from})`);
  const res = await call(ep, `auth/${mount}/login`, { method: 'POST', body: { role: auth.role, jwt } });
  return loggedIn(
    res,
    [jwt],
    `OpenBao JWT login at auth/${mount} as role "${auth.role}" failed (${res.status}): the role's bound claims, audience or issuer do not match the ID token, or the role does not exist (check ${f('auth.role')} and \`bao read auth/${mount}/role/${auth.role}\`)`
  );
}

function loggedIn(res: JsonResponse, sent: string[], failure: string): BaoLogin {
  const token = (res.body as { auth?: { client_token?: string } })?.auth?.client_token;
  if (res.status !== 200 || !token) throw new SecretSourceError(withStoreSays(failure, res, sent));
  return { token, obtained: true };
}

export interface KvRead {
  value: string;
  version: number;
}

/** Reads one field of a KV v2 secret: the current version, or exactly `version`. */
export async function readField(
  cfg: OpenBaoKv2Binding,
  ep: BaoEndpoint,
  token: string,
  progress: (line: string) => void,
  naming: FieldNaming | undefined
): Promise<KvRead> {
  const f = (n: string) => named(naming, n);
  const where = `${cfg.mount}/${cfg.path}`;
  const pinned = cfg.version;
  progress(`store read: ${where} field ${cfg.field}${pinned ? `, pinned version ${pinned}` : ', current version'}`);
  const res = await call(ep, `${cfg.mount}/data/${cfg.path}${pinned ? `?version=${pinned}` : ''}`, {
    headers: { 'X-Vault-Token': token },
  });
  const data = (
    res.body as {
      data?: {
        data?: Record<string, unknown> | null;
        metadata?: { version?: number; deletion_time?: string; destroyed?: boolean };
      };
    }
  )?.data;
  if (res.status === 403)
    throw new SecretSourceError(
      `OpenBao at ${ep.base} refused to read ${where} (403): give the token or role a policy with "read" on ${cfg.mount}/data/${cfg.path}${ep.namespace ? ` in namespace ${ep.namespace}` : ''}`
    );
  if (res.status === 404 || data?.data === null) {
    const meta = data?.metadata;
    const gone = meta?.destroyed ? 'was destroyed' : meta?.deletion_time ? 'was deleted' : 'does not exist';
    const fix = `pin a version that exists in ${f('version')} (\`bao kv metadata get -mount=${cfg.mount} ${cfg.path}\` lists them)`;
    if (pinned) throw new SecretSourceError(`OpenBao has no version ${pinned} of ${where}: it ${gone}. Fix: ${fix}`);
    if (meta?.version)
      throw new SecretSourceError(
        `the current version ${meta.version} of ${where} ${gone}. Fix: undelete it (\`bao kv undelete -mount=${cfg.mount} -versions=${meta.version} ${cfg.path}\`), write a new version, or ${fix}`
      );
    throw new SecretSourceError(
      `OpenBao at ${ep.base} has no secret ${where} (404): check ${f('mount')} and ${f('path')} (KV version 2, path without "data/")${ep.namespace ? ` and the namespace ${ep.namespace}` : ''}`
    );
  }
  if (res.status !== 200)
    throw new SecretSourceError(
      withStoreSays(`OpenBao at ${ep.base} answered ${res.status} reading ${where}`, res, [token])
    );
  const value = data?.data?.[cfg.field];
  if (typeof value !== 'string' || value === '') {
    const fields = Object.keys(data?.data ?? {}).join(', ') || 'none';
    throw new SecretSourceError(
      `secret ${where} has no non-empty string field "${cfg.field}" (its fields: ${fields}): fix ${f('field')} or write the key there`
    );
  }
  const version = data?.metadata?.version;
  if (!Number.isInteger(version))
    throw new SecretSourceError(`OpenBao returned no version for ${where}: is the mount KV version 2?`);
  if (pinned && version !== pinned)
    throw new SecretSourceError(
      `OpenBao answered version ${version} of ${where} when version ${pinned} was asked for: is this a KV version 2 mount?`
    );
  return { value, version: version as number };
}

/** Revokes a token the kit obtained by login; a failure is reported, not fatal (the token still expires with its TTL). */
export async function revoke(ep: BaoEndpoint, token: string, progress: (line: string) => void): Promise<void> {
  try {
    const res = await requestJson(`${ep.base}/v1/auth/token/revoke-self`, {
      method: 'POST',
      headers: headers(ep, { 'X-Vault-Token': token }),
      ca: ep.ca,
    });
    progress(
      res.status === 204 || res.status === 200
        ? 'store token revoked'
        : `warning: OpenBao answered ${res.status} when revoking the kit's token; it expires with its TTL`
    );
  } catch (e) {
    progress(`warning: could not revoke the kit's OpenBao token (${(e as Error).message}); it expires with its TTL`);
  }
}

async function call(ep: BaoEndpoint, path: string, opts: Omit<RequestJsonOptions, 'ca'>): Promise<JsonResponse> {
  const f = (n: string) => named(ep.naming, n);
  try {
    return await requestJson(`${ep.base}/v1/${path}`, { ...opts, headers: headers(ep, opts.headers), ca: ep.ca });
  } catch (e) {
    throw new SecretSourceError(
      `cannot reach OpenBao at ${ep.base}: ${(e as Error).message}. Check the address (${f('address')}, BAO_ADDR or VAULT_ADDR) and the CA (${f('caCertFile')}, BAO_CACERT or VAULT_CACERT)`
    );
  }
}

function headers(ep: BaoEndpoint, extra: Record<string, string> = {}): Record<string, string> {
  return { ...(ep.namespace ? { 'X-Vault-Namespace': ep.namespace } : {}), ...extra };
}

/** Appends the store's own error text (bounded, with every credential we sent taken out). */
function withStoreSays(message: string, res: JsonResponse, sent: string[]): string {
  const errors = (res.body as { errors?: unknown })?.errors;
  const said = Array.isArray(errors) ? errors.filter((e) => typeof e === 'string').join('; ') : '';
  return said ? `${message}. OpenBao says: ${redact(said, sent).slice(0, 300)}` : message;
}

function firstSet(...candidates: [string | undefined, string][]): [string | undefined, string] {
  for (const [value, from] of candidates) if (value !== undefined && value !== '') return [value, from];
  return [undefined, ''];
}

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}
