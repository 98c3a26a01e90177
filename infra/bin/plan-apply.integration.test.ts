// The pipeline's properties (docs/pipelines/plan-and-apply.yml), through the
// kit's runner against a real OpenBao, the Grafana double running the real
// plugin binary, real terraform and our provider:
//   - a pull request's plan (`plan --placeholder-key`, a Viewer token, no
//     store credential at all) shows the same diff as the apply job's plan
//     with the real key from the store, before the first deploy and for a
//     rotation;
//   - the apply job applies exactly the plan it saved (and Terraform refuses
//     a saved plan once the state moved on);
//   - the drift job's `plan --detailed-exitcode` exits 0 without drift and 2
//     with it; a read-only token cannot apply;
//   - destroy reads no key; --placeholder-key is refused for deploy;
//   - the key is in no plan, output or file.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentConfig } from '../config/types';
import { PLACEHOLDER_KEY } from './secret-readers/reader';
import { canary, findCanaries } from '../testing/canary';
import { startApiDouble, startGrafanaDouble, type ApiDouble, type GrafanaDouble } from '../testing/doubles';
import { kit, stateDirFor, workspace, type Workspace } from '../testing/kit-runner';
import { startOpenBao, type OpenBao } from '../testing/openbao';
import { run } from '../testing/processes';
import { PLUGIN_DIST, PLUGIN_ID, profile, requirePluginBuilt, settingsConfig } from '../testing/settings-deployment';

const STACK = 'apibridge-plugin-settings';
const SECRET = 'grafana/apibridge';

// Several real cdktn/terraform runs per test: minutes on a loaded machine.
describe(
  'pipeline plans: placeholder key for pull requests, saved plan for apply, drift check (real OpenBao, Grafana double, terraform)',
  { timeout: 900_000 },
  () => {
    const key1 = canary('pipe-v1');
    const key2 = canary('pipe-v2');
    const viewerToken = 'glsa_viewer_' + randomBytes(12).toString('hex');
    let dir: string;
    let bao: OpenBao;
    let api: ApiDouble;
    let grafana: GrafanaDouble;
    let cfg: DeploymentConfig;
    let ws: Workspace;
    let storeEnv: Record<string, string>;
    const outputs: Record<string, string> = {};
    const admin = () => ({ GRAFANA_AUTH: grafana.auth });
    /** What a pull request's job has: a Viewer token, no store credential. */
    const prJob = () => ({ GRAFANA_AUTH: viewerToken, TEST_BAO_ROLE_ID: undefined, TEST_BAO_SECRET_ID: undefined });
    const tf = (args: string[]) =>
      run('terraform', [`-chdir=${join(ws.outdir, 'stacks', STACK)}`, ...args], {
        env: { ...process.env, TF_IN_AUTOMATION: '1' },
        timeoutMs: 120_000,
      });
    /** The plan's JSON without what differs between any two runs (timestamps). */
    const planJson = async (file: string) => {
      const show = await tf(['show', '-json', file]);
      outputs[`show ${file}`] = show.stdout;
      const rest = JSON.parse(show.stdout) as Record<string, unknown>;
      delete rest.timestamp;
      return rest;
    };
    const humanPlan = async (file: string) => (await tf(['show', '-no-color', file])).stdout;
    const withVersion = (version: number) => {
      cfg.secretSource = {
        ...(cfg.secretSource as Extract<DeploymentConfig['secretSource'], { kind: 'openbao-kv2' }>),
        version,
      };
      writeFileSync(ws.configFile, JSON.stringify(cfg, null, 2));
    };
    const kitRun = async (label: string, ...a: Parameters<typeof kit>) => {
      const r = await kit(...a);
      outputs[label] = r.stdout + r.stderr;
      return r;
    };

    beforeAll(async () => {
      requirePluginBuilt();
      dir = mkdtempSync(join(tmpdir(), 'kit-pipeline-'));
      bao = await startOpenBao(dir);
      await bao.put(SECRET, { apiKey: key1 });
      const { roleId, secretId } = await bao.appRole(SECRET);
      storeEnv = { TEST_BAO_ROLE_ID: roleId, TEST_BAO_SECRET_ID: secretId };
      api = await startApiDouble(dir, key1);
      grafana = await startGrafanaDouble(PLUGIN_DIST, 'pw-' + randomBytes(9).toString('hex'), '127.0.0.1:0', [
        '--token',
        `${viewerToken}=Viewer`,
      ]);
      cfg = settingsConfig(
        grafana.url,
        stateDirFor(dir),
        { apiUrl: api.url, caCertificateFile: api.caFile, allowedPaths: ['/echo'], healthPath: '/profile' },
        {
          secretSource: {
            kind: 'openbao-kv2',
            address: bao.address,
            mount: 'secret',
            path: SECRET,
            field: 'apiKey',
            version: 1,
            auth: { method: 'approle', roleIdEnv: 'TEST_BAO_ROLE_ID', secretIdEnv: 'TEST_BAO_SECRET_ID' },
          },
        }
      );
      ws = workspace(dir, cfg);
    });
    afterAll(async () => {
      await api?.stop();
      await grafana?.stop();
      await bao?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('plans the first deploy with a placeholder key and a Viewer token exactly as with the real key from the store', async () => {
      const pr = await kitRun(
        'pr plan 1',
        'plan',
        ws,
        prJob(),
        [STACK],
        ['--placeholder-key', '--out', join(dir, 'pr1.tfplan')]
      );
      expect(pr.code, outputs['pr plan 1']).toBe(0);
      expect(pr.stderr).not.toMatch(/store login|store read/);
      expect(pr.stderr).toMatch(
        /\[kit\] terraform plan of apibridge-plugin-settings with key version 1 from a placeholder \(the store was not read\)/
      );
      const main = await kitRun(
        'apply plan 1',
        'plan',
        ws,
        { ...admin(), ...storeEnv },
        [STACK],
        ['--out', join(dir, 'main1.tfplan')]
      );
      expect(main.code, outputs['apply plan 1']).toBe(0);
      expect(main.stderr).toMatch(/\[kit\] store read: secret\/grafana\/apibridge field apiKey, pinned version 1/);
      expect(await planJson(join(dir, 'pr1.tfplan'))).toEqual(await planJson(join(dir, 'main1.tfplan')));
      expect(await humanPlan(join(dir, 'pr1.tfplan'))).toBe(await humanPlan(join(dir, 'main1.tfplan')));
      expect(await humanPlan(join(dir, 'main1.tfplan'))).toMatch(
        /grafanaapp_plugin_settings\.plugin-settings will be created/
      );
    });

    it('applies exactly the saved plan, with the key read again from the store; a plan after it finds nothing to do', async () => {
      const apply = await kitRun('apply 1', 'apply', ws, { ...admin(), ...storeEnv }, [
        STACK,
        join(dir, 'main1.tfplan'),
      ]);
      expect(apply.code, outputs['apply 1']).toBe(0);
      expect(apply.stdout).toMatch(/Apply complete! Resources: 1 added, 0 changed, 0 destroyed/);
      expect(apply.stderr).toMatch(
        new RegExp(
          `\\[kit\\] deployed key version 1 from OpenBao ${bao.address} secret/grafana/apibridge to Grafana ${grafana.url.replace(/\./g, '\\.')} org 1`
        )
      );
      expect(await profile(grafana)).toEqual({ status: 200, body: expect.objectContaining({ name: 'Ada Lovelace' }) });

      const stale = await kitRun('apply stale plan', 'apply', ws, { ...admin(), ...storeEnv }, [
        STACK,
        join(dir, 'main1.tfplan'),
      ]);
      expect(stale.code).not.toBe(0);
      expect(outputs['apply stale plan']).toMatch(/Saved plan is stale/);

      const drift = await kitRun(
        'drift none',
        'plan',
        ws,
        prJob(),
        [STACK],
        ['--placeholder-key', '--detailed-exitcode', '--out', join(dir, 'drift0.tfplan')]
      );
      expect(drift.code, outputs['drift none']).toBe(0);
      expect(outputs['drift none']).toMatch(/No changes/);
    });

    it('plans a rotation (version 1 -> 2) the same with the placeholder as with the new key', async () => {
      await bao.put(SECRET, { apiKey: key2 });
      withVersion(2);
      const pr = await kitRun(
        'pr plan 2',
        'plan',
        ws,
        prJob(),
        [STACK],
        ['--placeholder-key', '--out', join(dir, 'pr2.tfplan')]
      );
      expect(pr.code, outputs['pr plan 2']).toBe(0);
      const main = await kitRun(
        'apply plan 2',
        'plan',
        ws,
        { ...admin(), ...storeEnv },
        [STACK],
        ['--out', join(dir, 'main2.tfplan')]
      );
      expect(main.code, outputs['apply plan 2']).toBe(0);
      expect(await planJson(join(dir, 'pr2.tfplan'))).toEqual(await planJson(join(dir, 'main2.tfplan')));
      const shown = await humanPlan(join(dir, 'main2.tfplan'));
      expect(shown).toBe(await humanPlan(join(dir, 'pr2.tfplan')));
      expect(shown).toMatch(/secure_json_data_wo_version\s+= 1 -> 2/);

      const viewerApply = await kitRun(
        'apply with viewer token',
        'apply',
        ws,
        { GRAFANA_AUTH: viewerToken, ...storeEnv },
        [STACK, join(dir, 'main2.tfplan')]
      );
      expect(viewerApply.code).not.toBe(0);
      expect(outputs['apply with viewer token']).toMatch(/403/);

      const apply = await kitRun('apply 2', 'apply', ws, { ...admin(), ...storeEnv }, [
        STACK,
        join(dir, 'main2.tfplan'),
      ]);
      expect(apply.code, outputs['apply 2']).toBe(0);
      expect(apply.stderr).toMatch(/\[kit\] deployed key version 2 from OpenBao/);
      // The API double still accepts only version 1: the plugin now sends version 2.
      expect(await profile(grafana)).toEqual({
        status: 401,
        body: expect.objectContaining({ error: 'upstream_key_refused' }),
      });
    });

    it("the drift check exits 2 when Grafana's settings were changed by hand", async () => {
      const res = await fetch(`${grafana.url}/api/plugins/${PLUGIN_ID}/settings`, {
        method: 'POST',
        headers: {
          authorization: 'Basic ' + Buffer.from(grafana.auth).toString('base64'),
          'content-type': 'application/json',
        },
        body: JSON.stringify({ enabled: true, pinned: true, jsonData: { apiUrl: api.url, allowedPaths: ['/'] } }),
      });
      expect(res.status).toBe(200);
      const drift = await kitRun(
        'drift',
        'plan',
        ws,
        prJob(),
        [STACK],
        ['--placeholder-key', '--detailed-exitcode', '--out', join(dir, 'drift1.tfplan')]
      );
      expect(drift.code, outputs.drift).toBe(2);
      expect(outputs.drift).toMatch(/json_data/);
    });

    it('refuses a placeholder where a key would be written, and a placeholder plan without a pinned version', async () => {
      const deploy = await kitRun('deploy with placeholder', 'deploy', ws, admin(), [], ['--placeholder-key']);
      expect(deploy.code).toBe(64);
      expect(deploy.stderr).toMatch(
        /--placeholder-key is for diff and plan only: deploy must never run with a placeholder in place of the key/
      );
      const unpinned = { ...cfg, secretSource: { ...cfg.secretSource, version: undefined } };
      writeFileSync(ws.configFile, JSON.stringify(unpinned));
      const r = await kitRun(
        'unpinned placeholder',
        'plan',
        ws,
        prJob(),
        [STACK],
        ['--placeholder-key', '--out', join(dir, 'x.tfplan')]
      );
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        /a plan with a placeholder key needs the key's version pinned .* Fix: set secretSource\.version \(or KIT_SECRET_VERSION\)/
      );
      writeFileSync(ws.configFile, JSON.stringify(cfg));
    });

    it('destroys without reading the store', async () => {
      const r = await kitRun(
        'destroy',
        'destroy',
        ws,
        { ...admin(), TEST_BAO_ROLE_ID: undefined, TEST_BAO_SECRET_ID: undefined },
        [STACK]
      );
      expect(r.code, outputs.destroy).toBe(0);
      expect(r.stderr).toMatch(/destroy: no key is read/);
      expect(r.stderr).toMatch(/destroyed the plugin settings on Grafana/);
      expect(r.stderr).not.toMatch(/store login/);
    });

    it("left neither key in the saved plans, their JSON, the state, the outputs or the plugin's log; the placeholder is no key", () => {
      outputs['grafana double'] = grafana.output();
      expect(findCanaries([key1, key2], [dir], outputs)).toEqual([]);
      expect(PLACEHOLDER_KEY).not.toMatch(/canary/);
    });
  }
);
