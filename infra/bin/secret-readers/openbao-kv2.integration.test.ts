// The openbao-kv2 source against a real OpenBao dev server (AppRole auth):
// the kit reads the secret at deploy time and passes it to Terraform as an
// ephemeral variable. Shared end-to-end checks in testing/store-source-suite.ts;
// here, what only OpenBao has: login failures, token auth, the store's answers.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { kit } from '../../testing/kit-runner';
import { startOpenBao, type OpenBao } from '../../testing/openbao';
import { profile } from '../../testing/settings-deployment';
import { describeStoreSource } from '../../testing/store-source-suite';
import { kitSecretReader } from '../kit-secret-reader';

let bao: OpenBao;
let version = 0;

describeStoreSource(
  'openbao-kv2 source (read by the kit at deploy time, passed as an ephemeral variable), end to end',
  'bao',
  {
    async start(dir, key) {
      bao = await startOpenBao(dir);
      version = await bao.put('grafana/apibridge', { apiKey: key, owner: 'team-a' });
      const { roleId, secretId } = await bao.appRole('grafana/apibridge');
      return {
        source: {
          kind: 'openbao-kv2',
          address: bao.address,
          mount: 'secret',
          path: 'grafana/apibridge',
          field: 'apiKey',
          auth: { method: 'approle', roleIdEnv: 'TEST_BAO_ROLE_ID', secretIdEnv: 'TEST_BAO_SECRET_ID' },
        },
        env: { TEST_BAO_ROLE_ID: roleId, TEST_BAO_SECRET_ID: secretId },
      };
    },
    async rotate(key) {
      version = await bao.put('grafana/apibridge', { apiKey: key, owner: 'team-a' });
    },
    version: () => String(version),
    stop: async () => bao?.stop(),
  },
  (s) => {
    it('refuses a wrong AppRole secret with a clear message and changes nothing', async () => {
      const before = readFileSync(s.d.stateFile);
      const r = await kit('deploy', s.d.ws, { ...s.env, TEST_BAO_SECRET_ID: 'not-the-secret-id' });
      s.outputs['deploy with a bad secret id'] = r.stdout + r.stderr;
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        /OpenBao AppRole login at auth\/approle failed \(400\): check the role id and secret id in TEST_BAO_ROLE_ID \/ TEST_BAO_SECRET_ID/
      );
      expect(readFileSync(s.d.stateFile)).toEqual(before);
      expect((await profile(s.d.grafana)).status).toBe(200);
    });

    it('revokes the token its AppRole login obtained, and leaves a token it was given alone', async () => {
      const before = await bao.tokenCount();
      const { roleId, secretId } = await bao.appRole('grafana/apibridge');
      const cfg = {
        kind: 'openbao-kv2' as const,
        address: bao.address,
        mount: 'secret',
        path: 'grafana/apibridge',
        field: 'apiKey',
        auth: { method: 'approle' as const, roleIdEnv: 'R', secretIdEnv: 'S' },
      };
      const lines: string[] = [];
      await kitSecretReader(cfg).read({
        env: { R: roleId, S: secretId },
        baseDir: process.cwd(),
        progress: (l) => lines.push(l),
      });
      expect(lines).toEqual([
        `store login: OpenBao ${bao.address} (secretSource.address), AppRole at auth/approle`,
        'store read: secret/grafana/apibridge field apiKey, current version',
        'store token revoked',
      ]);
      expect(await bao.tokenCount()).toBe(before);
      const given = { ...cfg, auth: { method: 'token' as const, tokenEnv: 'T' } };
      await kitSecretReader(given).read({ env: { T: bao.rootToken }, baseDir: process.cwd() });
      expect((await bao.api('GET', 'auth/token/lookup-self')).status).toBe(200); // the root token still works
    });

    it('reads with token auth too, and names the fix when the store says no, without the key in any message', async () => {
      const cfg = {
        kind: 'openbao-kv2' as const,
        address: bao.address,
        mount: 'secret',
        path: 'grafana/apibridge',
        field: 'apiKey',
        auth: { method: 'token' as const, tokenEnv: 'T' },
      };
      const ctx = (token: string) => ({ env: { T: token }, baseDir: process.cwd() });
      expect((await kitSecretReader(cfg).read(ctx(bao.rootToken))).env).toEqual({
        TF_VAR_apibridge_api_key: s.key1,
        TF_VAR_apibridge_api_key_version: '1',
      });
      await expect(kitSecretReader(cfg).read(ctx('wrong-token'))).rejects.toThrow(
        /refused to read secret\/grafana\/apibridge \(403\): give the token or role a policy with "read" on secret\/data\/grafana\/apibridge/
      );
      await expect(kitSecretReader({ ...cfg, path: 'grafana/none' }).read(ctx(bao.rootToken))).rejects.toThrow(
        /has no secret secret\/grafana\/none \(404\): check secretSource\.mount and secretSource\.path/
      );
      const noField = await kitSecretReader({ ...cfg, field: 'apikey' })
        .read(ctx(bao.rootToken))
        .catch((e: Error) => e.message);
      expect(noField).toMatch(
        /has no non-empty string field "apikey" \(its fields: apiKey, owner\): fix secretSource\.field/
      );
      expect(noField).not.toContain(s.key1);
      await expect(kitSecretReader(cfg).read({ env: {}, baseDir: '.' })).rejects.toThrow(
        /T is not set: export the OpenBao token there/
      );
    });
  }
);
