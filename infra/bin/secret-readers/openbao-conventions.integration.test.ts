// The openbao-kv2 source against a real OpenBao 2.7.2 dev server over TLS
// (the test CA the server generates) with a namespace: JWT login with a JWT
// signed in the test (jwt_validation_pubkeys, bound claims and audience, a
// policy that reads only the key's path), the GitHub Actions ID-token
// request, BAO_*/VAULT_* conventions, the CA, pinned versions (?version=N),
// and the token the kit obtained revoked when it is done. No message may
// carry the key, the JWT or the AppRole secret.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canary, findCanaries } from '../../testing/canary';
import { jwtSigner, type JwtSigner } from '../../testing/jwt';
import { startOpenBao, type OpenBao } from '../../testing/openbao';
import type { OpenBaoKvSourceConfig } from '../../config/secret-source';
import { kitSecretReader } from '../kit-secret-reader';

const NS = 'team-a';
const PATH = 'grafana/apibridge';
const AUDIENCE = 'https://github.com/example-org';
const MAIN = {
  sub: 'repo:example-org/infra:environment:production',
  repository: 'example-org/infra',
  ref: 'refs/heads/main',
  environment: 'production',
  aud: AUDIENCE,
};

describe('openbao-kv2 source: JWT login, namespace, CA, pinned versions (real OpenBao over TLS)', () => {
  let dir: string;
  let bao: OpenBao;
  let signer: JwtSigner;
  let idTokenServer: Server;
  let idTokenUrl: string;
  const key1 = canary('bao-v1');
  const key2 = canary('bao-v2');
  const requestToken = canary('gh-request-token');
  const messages: Record<string, string> = {};
  const jwts: string[] = [];

  const jwtCfg = (over: Partial<OpenBaoKvSourceConfig> = {}): OpenBaoKvSourceConfig => ({
    kind: 'openbao-kv2',
    mount: 'secret',
    path: PATH,
    field: 'apiKey',
    auth: { method: 'jwt', role: 'apibridge-deploy', tokenEnv: 'CI_ID_TOKEN' },
    ...over,
  });
  const baoEnv = () => ({ BAO_ADDR: bao.address, BAO_CACERT: bao.caFile as string, BAO_NAMESPACE: NS });
  const mainJwt = () => {
    const t = signer.token(MAIN);
    jwts.push(t);
    return t;
  };
  /** Runs resolve and keeps its progress lines and any error message for the final scan. */
  async function resolveWith(label: string, cfg: OpenBaoKvSourceConfig, env: Record<string, string | undefined>) {
    const lines: string[] = [];
    try {
      const r = await kitSecretReader(cfg).read({ env, baseDir: dir, progress: (l) => lines.push(l) });
      messages[label] = lines.join('\n');
      return { ...r, lines };
    } catch (e) {
      messages[label] = `${lines.join('\n')}\n${(e as Error).message}`;
      throw e;
    }
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kit-bao-conv-'));
    bao = await startOpenBao(dir, { tls: true });
    signer = jwtSigner();
    await bao.namespace(NS);
    await bao.put(PATH, { apiKey: key1 }, NS);
    await bao.put(PATH, { apiKey: key2 }, NS);
    await bao.put('grafana/other', { apiKey: canary('other') }, NS);
    await bao.enableJwt(signer.publicKeyPem, signer.issuer, NS);
    await bao.jwtRole(
      'apibridge-deploy',
      {
        audience: AUDIENCE,
        boundClaims: { repository: MAIN.repository, ref: MAIN.ref, environment: 'production' },
        readPath: PATH,
      },
      NS
    );
    await bao.jwtRole(
      'other-reader',
      { audience: AUDIENCE, boundClaims: { repository: MAIN.repository }, readPath: 'grafana/nothing-here' },
      NS
    );
    // A stand-in for GitHub Actions' ID token endpoint: answers only to the job's request token.
    idTokenServer = createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://x');
      if (req.headers.authorization !== `bearer ${requestToken}`)
        return void res.writeHead(401).end('{"message":"Bad credentials"}');
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ value: signer.token({ ...MAIN, aud: u.searchParams.get('audience') ?? 'none' }) }));
    });
    await new Promise<void>((r) => idTokenServer.listen(0, '127.0.0.1', r));
    idTokenUrl = `http://127.0.0.1:${(idTokenServer.address() as AddressInfo).port}/token?api-version=2.0`;
  });
  afterAll(async () => {
    idTokenServer?.close();
    await bao?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("logs in with the CI's ID token (JWT), reads the current version in the namespace over TLS, and revokes its token", async () => {
    const before = await bao.tokenCount(NS);
    const r = await resolveWith('jwt login', jwtCfg(), { ...baoEnv(), CI_ID_TOKEN: mainJwt() });
    expect(r.env).toEqual({ TF_VAR_apibridge_api_key: key2, TF_VAR_apibridge_api_key_version: '2' });
    expect(r.version).toBe('2');
    expect(r.from).toBe(`OpenBao ${bao.address} namespace ${NS} secret/${PATH}`);
    expect(r.lines).toEqual([
      `store login: OpenBao ${bao.address} (BAO_ADDR), namespace ${NS} (BAO_NAMESPACE), CA from BAO_CACERT, JWT at auth/jwt as role apibridge-deploy (ID token from CI_ID_TOKEN)`,
      `store read: secret/${PATH} field apiKey, current version`,
      'store token revoked',
    ]);
    expect(await bao.tokenCount(NS)).toBe(before);
  });

  it('requests the ID token from GitHub Actions itself when no variable holds one, with the configured audience', async () => {
    const cfg = jwtCfg({ auth: { method: 'jwt', role: 'apibridge-deploy', audience: AUDIENCE } });
    const r = await resolveWith('github id token', cfg, {
      ...baoEnv(),
      ACTIONS_ID_TOKEN_REQUEST_URL: idTokenUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
    });
    expect(r.env.TF_VAR_apibridge_api_key).toBe(key2);
    expect(r.lines[0]).toBe(`store login: requesting the job's ID token from GitHub Actions (audience ${AUDIENCE})`);
    const wrongAudience = {
      ...cfg,
      auth: { ...cfg.auth, audience: 'https://github.com/someone-else' },
    } as OpenBaoKvSourceConfig;
    await expect(
      resolveWith('github wrong audience', wrongAudience, {
        ...baoEnv(),
        ACTIONS_ID_TOKEN_REQUEST_URL: idTokenUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
      })
    ).rejects.toThrow(
      /OpenBao JWT login at auth\/jwt as role "apibridge-deploy" failed \(400\): the role's bound claims, audience or issuer do not match the ID token.*OpenBao says: .*aud/
    );
    await expect(
      resolveWith('github refused', cfg, {
        ...baoEnv(),
        ACTIONS_ID_TOKEN_REQUEST_URL: idTokenUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'not-the-request-token',
      })
    ).rejects.toThrow(/GitHub Actions did not issue an ID token \(401\): give the job `permissions: id-token: write`/);
    await expect(resolveWith('no id token', cfg, baoEnv())).rejects.toThrow(
      /no CI ID token for the JWT login: on GitHub Actions give the job `permissions: id-token: write`/
    );
  });

  it('refuses a token from another branch (bound claims), naming the role, and never quoting the JWT', async () => {
    const pr = signer.token({ ...MAIN, ref: 'refs/pull/7/merge', sub: 'repo:example-org/infra:pull_request' });
    jwts.push(pr);
    await expect(resolveWith('jwt wrong ref', jwtCfg(), { ...baoEnv(), CI_ID_TOKEN: pr })).rejects.toThrow(
      /OpenBao JWT login at auth\/jwt as role "apibridge-deploy" failed \(400\).*OpenBao says: .*claim/
    );
    const forged = jwtSigner(signer.issuer).token(MAIN); // right claims, wrong signing key
    jwts.push(forged);
    await expect(resolveWith('jwt forged', jwtCfg(), { ...baoEnv(), CI_ID_TOKEN: forged })).rejects.toThrow(
      /failed \(400\).*OpenBao says: .*signature/
    );
  });

  it("gets a token that reads only the key's path: a role bound to another path is refused the key (403)", async () => {
    const before = await bao.tokenCount(NS);
    const cfg = jwtCfg({ auth: { method: 'jwt', role: 'other-reader', tokenEnv: 'CI_ID_TOKEN' } });
    await expect(resolveWith('jwt other path', cfg, { ...baoEnv(), CI_ID_TOKEN: mainJwt() })).rejects.toThrow(
      new RegExp(
        `OpenBao at ${bao.address} refused to read secret/${PATH} \\(403\\): give the token or role a policy with "read" on secret/data/${PATH} in namespace ${NS}`
      )
    );
    expect(await bao.tokenCount(NS)).toBe(before); // revoked on failure too
  });

  it('reads exactly a pinned version (?version=N), and says plainly when it does not exist or was deleted', async () => {
    const r = await resolveWith('pinned 1', jwtCfg({ version: 1 }), { ...baoEnv(), CI_ID_TOKEN: mainJwt() });
    // Pinned: the version is a constant in the configuration, so there is no version variable to fill.
    expect(r.env).toEqual({ TF_VAR_apibridge_api_key: key1 });
    expect(r.version).toBe('1');
    expect(r.lines[1]).toBe(`store read: secret/${PATH} field apiKey, pinned version 1`);
    await expect(
      resolveWith('pinned 9', jwtCfg({ version: 9 }), { ...baoEnv(), CI_ID_TOKEN: mainJwt() })
    ).rejects.toThrow(
      /OpenBao has no version 9 of secret\/grafana\/apibridge: it does not exist\. Fix: pin a version that exists in secretSource\.version \(or KIT_SECRET_VERSION\)/
    );
    const v3 = await bao.put(PATH, { apiKey: canary('bao-v3') }, NS);
    await bao.api('POST', `secret/delete/${PATH}`, { versions: [v3] }, NS);
    await expect(
      resolveWith('pinned deleted', jwtCfg({ version: v3 }), { ...baoEnv(), CI_ID_TOKEN: mainJwt() })
    ).rejects.toThrow(new RegExp(`no version ${v3} of secret/grafana/apibridge: it was deleted`));
    await expect(resolveWith('current deleted', jwtCfg(), { ...baoEnv(), CI_ID_TOKEN: mainJwt() })).rejects.toThrow(
      new RegExp(`the current version ${v3} of secret/grafana/apibridge was deleted\\. Fix: undelete it`)
    );
  });

  it('takes VAULT_ADDR, VAULT_CACERT and VAULT_NAMESPACE when the BAO_* ones are unset, and prefers BAO_* over VAULT_*', async () => {
    const vault = {
      VAULT_ADDR: bao.address,
      VAULT_CACERT: bao.caFile as string,
      VAULT_NAMESPACE: NS,
      CI_ID_TOKEN: mainJwt(),
    };
    const r = await resolveWith('vault env', jwtCfg({ version: 2 }), vault);
    expect(r.env.TF_VAR_apibridge_api_key).toBe(key2);
    expect(r.lines[0]).toContain(`(VAULT_ADDR), namespace ${NS} (VAULT_NAMESPACE), CA from VAULT_CACERT`);
    const both = await resolveWith('bao over vault', jwtCfg({ version: 2 }), {
      ...vault,
      BAO_ADDR: bao.address,
      VAULT_ADDR: 'https://127.0.0.1:1',
      CI_ID_TOKEN: mainJwt(),
    });
    expect(both.lines[0]).toContain('(BAO_ADDR)');
  });

  it('refuses an unknown CA, a missing CA file, a wrong namespace and userinfo in the address, each with its fix', async () => {
    const env = { ...baoEnv(), CI_ID_TOKEN: mainJwt() };
    await expect(resolveWith('no CA', jwtCfg({ version: 2 }), { ...env, BAO_CACERT: undefined })).rejects.toThrow(
      new RegExp(
        `cannot reach OpenBao at ${bao.address}: .*(self-signed|certificate|issuer).*Check the address .* and the CA \\(secretSource\\.caCertFile, BAO_CACERT or VAULT_CACERT\\)`
      )
    );
    await expect(
      resolveWith('missing CA file', jwtCfg(), { ...env, BAO_CACERT: join(dir, 'nope.pem') })
    ).rejects.toThrow(/BAO_CACERT: cannot read ".*nope\.pem" \(ENOENT\): give the path of the PEM file/);
    writeFileSync(join(dir, 'not-a-ca.pem'), 'not a certificate');
    await expect(
      resolveWith('bad CA file', jwtCfg(), { ...env, BAO_CACERT: join(dir, 'not-a-ca.pem') })
    ).rejects.toThrow(/cannot reach OpenBao at/);
    await expect(resolveWith('wrong namespace', jwtCfg(), { ...env, BAO_NAMESPACE: 'team-b' })).rejects.toThrow(
      /OpenBao JWT login at auth\/jwt as role "apibridge-deploy" failed/
    );
    await expect(resolveWith('bad namespace', jwtCfg(), { ...env, BAO_NAMESPACE: '../x' })).rejects.toThrow(
      /BAO_NAMESPACE "\.\.\/x" is not a namespace path/
    );
    const withPassword = bao.address.replace('https://', 'https://ops:hunter2-password@');
    const e = await resolveWith('userinfo', jwtCfg(), { ...env, BAO_ADDR: withPassword }).catch(
      (x: Error) => x.message
    );
    expect(e).toBe("BAO_ADDR contains user:password: remove it; the store's credentials come from its auth method");
    await expect(
      resolveWith('plain http', jwtCfg(), { ...env, BAO_ADDR: 'http://bao.example.test:8200' })
    ).rejects.toThrow(/BAO_ADDR \(http:\/\/bao\.example\.test:8200\) is not https/);
    await expect(resolveWith('no address', jwtCfg(), { CI_ID_TOKEN: 'x' })).rejects.toThrow(
      /no OpenBao address: set secretSource\.address \(or KIT_OPENBAO_ADDR\), BAO_ADDR or VAULT_ADDR/
    );
  });

  it('put the key, the JWTs and the GitHub request token into no progress line or error message', () => {
    expect(Object.keys(messages).length).toBeGreaterThan(15);
    expect(findCanaries([key1, key2, requestToken, ...jwts], [], messages)).toEqual([]);
    expect(messages['userinfo']).not.toContain('hunter2');
  });
});
