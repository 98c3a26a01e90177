// The sops-age source with a SOPS file encrypted for a real age identity: the
// kit runs the real `sops` at deploy time and passes the value to Terraform as
// an ephemeral variable. Shared end-to-end checks in
// testing/store-source-suite.ts; here, what only SOPS has: the file itself,
// a missing identity, a missing key.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { kit } from '../../testing/kit-runner';
import { profile } from '../../testing/settings-deployment';
import { sopsFile, type SopsFile } from '../../testing/sops-age';
import { describeStoreSource } from '../../testing/store-source-suite';
import { kitSecretReader } from '../kit-secret-reader';
import { lastModifiedVersion } from './sops-age';

let sops: SopsFile;
const versionNow = () => lastModifiedVersion(readFileSync(sops.file, 'utf8'), sops.file);

describeStoreSource(
  'sops-age source (decrypted by the kit at deploy time, passed as an ephemeral variable), end to end',
  'sops',
  {
    async start(dir, key) {
      sops = await sopsFile(dir, 'apibridge_api_key', key);
      return { source: { kind: 'sops-age', file: sops.file, key: 'apibridge_api_key' }, env: sops.env };
    },
    async rotate(key) {
      const before = versionNow();
      await new Promise((r) => setTimeout(r, 1100)); // sops.lastmodified has one-second resolution
      await sops.rotate(key);
      expect(versionNow()).toBeGreaterThan(before);
    },
    version: () => String(versionNow()),
    stop: async () => undefined, // files only, removed with the deployment's directory
  },
  (s) => {
    it('the encrypted file holds no plaintext key', () => {
      expect(readFileSync(sops.file, 'utf8')).not.toContain(s.key1);
    });

    it('refuses to deploy without an age identity that can decrypt, and changes nothing', async () => {
      const before = readFileSync(s.d.stateFile);
      const r = await kit('deploy', s.d.ws, {
        GRAFANA_AUTH: s.d.grafana.auth,
        SOPS_AGE_KEY_FILE: '/nonexistent/identity.age.key',
      });
      s.outputs['deploy without identity'] = r.stdout + r.stderr;
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        /sops could not decrypt .*apibridge\.sops\.yaml: no age identity can decrypt it: set SOPS_AGE_KEY_FILE to the key file of one of its recipients/
      );
      expect(readFileSync(s.d.stateFile)).toEqual(before);
      expect((await profile(s.d.grafana)).status).toBe(200);
    });

    it('names the fix for a key the file does not have', async () => {
      const ctx = { env: { ...process.env, ...sops.env }, baseDir: process.cwd() };
      await expect(kitSecretReader({ kind: 'sops-age', file: sops.file, key: 'apiKey' }).read(ctx)).rejects.toThrow(
        /sops could not decrypt .*: it has no key "apiKey": fix secretSource\.key/
      );
      expect(
        (await kitSecretReader({ kind: 'sops-age', file: sops.file, key: 'apibridge_api_key' }).read(ctx)).env
      ).toMatchObject({ TF_VAR_apibridge_api_key: s.key1 });
    });
  }
);
