// Test helper: the end-to-end checks every store-backed secret source must
// pass, run against a real store (OpenBao, a SOPS+age file). The kit reads the
// key from the store at deploy time and hands it to cdktn only in the child
// process's environment (TF_VAR_apibridge_api_key, an ephemeral variable):
//   deploy -> the plugin's profile route reaches the HTTPS API double with the key;
//   the key is in terraform's environment, in no process's argv, in no file;
//   a deploy that Terraform fails prints the error, not the key;
//   provider protocol dumps (which would write the key) are refused;
//   rotate in the store -> deploy (with debug logging on) -> the next call sends the new key;
//   npm run diff sees no change; and a canary scan of everything produced.
// The source-specific cases (bad credentials, missing fields) are passed in.
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecretSourceConfig } from '../config/types';
import { canary, filesChangedSince, findCanaries, listFiles } from './canary';
import { REPO_ROOT } from './doubles';
import { kit } from './kit-runner';
import { kitChildren, processName, watchProcesses } from './process-watch';
import { planAndShow, profile, settingsDeployment, type SettingsDeployment } from './settings-deployment';

export interface StoreUnderTest {
  /** Creates the store holding `key` (files go under `dir`); returns the source config and what a deploy needs in its environment. */
  start(dir: string, key: string): Promise<{ source: SecretSourceConfig; env: Record<string, string> }>;
  /** Writes `key` as the store's next version. */
  rotate(key: string): Promise<void>;
  /** The rotation version the store now reports, as the kit passes it to Terraform. */
  version(): string;
  stop(): Promise<void>;
}

export interface StoreSuite {
  readonly d: SettingsDeployment;
  readonly env: Record<string, string>;
  readonly key1: string;
  readonly key2: string;
  /** Command output by name; all of it is scanned for both keys at the end. */
  readonly outputs: Record<string, string>;
}

export function describeStoreSource(
  title: string,
  label: string,
  store: StoreUnderTest,
  sourceSpecific: (s: StoreSuite) => void
): void {
  const key1 = canary(`${label}-v1`);
  const key2 = canary(`${label}-v2`);
  const outputs: Record<string, string> = {};
  let d: SettingsDeployment;
  let env: Record<string, string>;
  const suite: StoreSuite = {
    get d() {
      return d;
    },
    get env() {
      return env;
    },
    key1,
    key2,
    outputs,
  };

  describe(title, () => {
    beforeAll(async () => {
      let storeEnv: Record<string, string> = {};
      d = await settingsDeployment(label, key1, async (dir) => {
        const started = await store.start(dir, key1);
        storeEnv = started.env;
        return started.source;
      });
      env = { GRAFANA_AUTH: d.grafana.auth, ...storeEnv };
    });
    afterAll(async () => {
      await d?.stop();
      await store.stop();
    });

    it("deploys the key from the store; the plugin's profile route reaches the API with it; the key is in terraform's environment only, never in argv or a file", async () => {
      const since = Date.now() - 1000; // file times have coarse resolution on some filesystems
      // Credentials the kit's own process holds or inherits; none may reach a child (cdktn, terraform, a provider).
      const unrelated = {
        GITHUB_TOKEN: canary('github-token'),
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: canary('id-request'),
        ACTIONS_RUNTIME_TOKEN: canary('runtime'),
        VAULT_TOKEN: canary('vault-token'),
        AWS_SECRET_ACCESS_KEY: canary('aws'),
      };
      const storeCredentials = Object.values(env).filter((v) => v !== d.grafana.auth);
      // (Not the Grafana credential: the Grafana double takes its admin password on its command line.)
      const watch = watchProcesses([key1, ...storeCredentials, ...Object.values(unrelated)]);
      const r = await kit('deploy', d.ws, { ...env, ...unrelated });
      const seen = watch.stop();
      outputs['deploy 1'] = r.stdout + r.stderr;
      expect(r.code, outputs['deploy 1']).toBe(0);
      expect(await profile(d.grafana)).toEqual({
        status: 200,
        body: expect.objectContaining({ id: 'u-1', name: 'Ada Lovelace' }),
      });

      expect(seen.commands).toContain('terraform'); // the watch saw the deploy
      expect(seen.inEnviron).toContain('terraform'); // ... and the key where the kit put it
      expect([...seen.inArgv]).toEqual([]);

      // Issue 9, item 10: each child gets only what it needs (/proc/<pid>/environ of every child of the kit).
      const children = kitChildren(seen, d.ws.outdir);
      const names = children.map(processName);
      expect(names).toEqual(
        expect.arrayContaining(['node cdktn', 'terraform', 'terraform-provider-grafanaapp_v0.1.0'])
      );
      for (const child of children) {
        const allowed = processName(child) === 'sops' ? storeCredentials.filter((c) => c.endsWith('.age.key')) : [];
        const leaked = [...storeCredentials, ...Object.values(unrelated)].filter(
          (c) => child.inEnviron.has(c) && !allowed.includes(c)
        );
        expect(leaked, `${processName(child)} (pid ${child.pid}) got a store or unrelated credential`).toEqual([]);
        expect(
          [...child.envNames].filter(
            (n) =>
              /^(BAO_|VAULT_|SOPS_|GITHUB_TOKEN|ACTIONS_|AWS_)/.test(n) &&
              !(processName(child) === 'sops' && n.startsWith('SOPS_AGE_'))
          ),
          processName(child)
        ).toEqual([]);
      }
      const terraform = children.filter((c) => c.command === 'terraform');
      expect(terraform.some((t) => t.inEnviron.has(key1) && t.envNames.has('GRAFANA_AUTH'))).toBe(true);
      // The control: the kit's own process did hold them.
      const kitProcess = [...seen.processes.values()].find(
        (p) => p.argv.some((a) => a.endsWith('infra/bin/kit.ts')) && p.argv.includes(d.ws.outdir)
      );
      expect(kitProcess?.inEnviron.has(unrelated.GITHUB_TOKEN)).toBe(true);

      // Progress and record: what the kit did, which key version went where, never the key.
      expect(r.stderr).toMatch(
        new RegExp(
          `\\[kit\\] deployed key version ${store.version()} from .* to Grafana ${d.grafana.url.replace(/[.]/g, '\\.')} org 1 \\(plugin platformkit-apibridge-app\\)`
        )
      );

      // Outside the deployment's own directory (scanned at the end): the repository, cdktn's and terraform's homes.
      const written = filesChangedSince(since, [REPO_ROOT, join(homedir(), '.cdktf'), join(homedir(), '.terraform.d')]);
      expect(findCanaries([key1], written, {})).toEqual([]);
    });

    it("prints Terraform's error, not the key, when the deploy fails (Grafana refuses the credential)", async () => {
      const before = readFileSync(d.stateFile);
      const r = await kit('deploy', d.ws, { ...env, GRAFANA_AUTH: 'admin:not-the-password' });
      outputs['deploy refused by Grafana'] = r.stdout + r.stderr;
      expect(r.code).not.toBe(0);
      expect(outputs['deploy refused by Grafana']).toMatch(/401/);
      expect(findCanaries([key1], [], outputs)).toEqual([]);
      expect(readFileSync(d.stateFile)).toEqual(before);
    });

    it('refuses provider protocol dumps (TF_LOG_SDK_PROTO_DATA_DIR), which would write the key into files', async () => {
      const dumps = join(d.dir, 'proto-dumps');
      mkdirSync(dumps);
      const r = await kit('deploy', d.ws, { ...env, TF_LOG_SDK_PROTO_DATA_DIR: dumps });
      outputs['deploy with protocol dumps'] = r.stdout + r.stderr;
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        /TF_LOG_SDK_PROTO_DATA_DIR: is set \(".*proto-dumps"\), so the provider would write every request, the API key included, into files there\. Fix: unset TF_LOG_SDK_PROTO_DATA_DIR/
      );
      expect(readdirSync(dumps)).toEqual([]);
    });

    sourceSpecific(suite);

    it("pushes a key rotated in the store on the next deploy (debug logs on: cdktn's cdktf.log, terraform's trace)", async () => {
      await store.rotate(key2);
      const logs = join(d.dir, 'debug-logs');
      mkdirSync(logs);
      const debug = {
        CDKTF_LOG_LEVEL: 'debug',
        CDKTF_LOG_FILE_DIRECTORY: logs,
        TF_LOG: 'trace',
        TF_LOG_PATH: join(logs, 'terraform-trace.log'),
      };
      const r = await kit('deploy', d.ws, { ...env, ...debug });
      outputs['deploy 2 (debug logging)'] = r.stdout + r.stderr;
      expect(r.code, outputs['deploy 2 (debug logging)']).toBe(0);
      // The logs were written and cover the apply that sent the new key (scanned at the end).
      expect(statSync(join(logs, 'cdktf.log')).size).toBeGreaterThan(0);
      expect(readFileSync(join(logs, 'terraform-trace.log'), 'utf8')).toMatch(/ApplyResourceChange/);
      // The API double still accepts only the old key: the plugin now sends the new one.
      const refused = await profile(d.grafana);
      expect(refused.status).toBe(401);
      expect(refused.body.error).toBe('upstream_key_refused');

      // The API side rotates too (a new double: new CA, same address); deploy, and the new key works.
      await d.restartApi(key2);
      const r3 = await kit('deploy', d.ws, env);
      outputs['deploy 3'] = r3.stdout + r3.stderr;
      expect(r3.code, outputs['deploy 3']).toBe(0);
      expect(await profile(d.grafana)).toEqual({
        status: 200,
        body: expect.objectContaining({ name: 'Ada Lovelace' }),
      });
    });

    it('npm run diff reads the store, plans without prompting and finds nothing to change', async () => {
      const r = await kit('diff', d.ws, env);
      outputs.diff = r.stdout + r.stderr;
      expect(r.code, outputs.diff).toBe(0);
      expect(outputs.diff).toMatch(/No changes/);
    });

    it('leaves neither key in cdktf.out, state, saved plans, terraform show -json, logs, command output or plugin logs', async () => {
      Object.assign(
        outputs,
        await planAndShow(d, {
          ...env,
          TF_VAR_apibridge_api_key: key2,
          TF_VAR_apibridge_api_key_version: store.version(),
        })
      );
      outputs['Grafana double and plugin log'] = d.grafana.output();
      const files = listFiles([d.dir]);
      for (const artifact of [
        'apibridge-plugin-settings.tfstate',
        'saved.tfplan',
        'cdk.tf.json',
        'cdktf.log',
        'terraform-trace.log',
      ]) {
        expect(
          files.some((f) => f.endsWith(artifact)),
          `${artifact} was scanned`
        ).toBe(true);
      }
      expect(findCanaries([key1, key2], [d.dir], outputs)).toEqual([]);
      // The scan finds a planted copy, so an empty result above means something.
      expect(findCanaries([key2], [], { planted: `x${key2}x` })).toHaveLength(1);
    });
  });
}
