// The README's "Use it with plain cdktn / terraform" commands, run exactly as
// written in a checkout-like directory (testing/repo-view.ts), with nothing in
// the environment but PATH, a fresh HOME, the deployment's config file
// (KIT_CONFIG), the key as TF_VAR_apibridge_api_key and GRAFANA_AUTH: no
// TF_CLI_CONFIG_FILE, no CHECKPOINT_DISABLE, no --skip-provider-lock.
// Against the Grafana double running the real plugin binary, real cdktn,
// real terraform 1.11, our provider from the mirror verified against the
// committed lock file; a canary scan of everything produced at the end.
import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentConfig } from '../config/types';
import { canary, findCanaries, listFiles } from '../testing/canary';
import { startApiDouble, startGrafanaDouble, type ApiDouble, type GrafanaDouble } from '../testing/doubles';
import { watchProcesses } from '../testing/process-watch';
import { run } from '../testing/processes';
import { repoView } from '../testing/repo-view';
import { PLUGIN_DIST, PLUGIN_ID, profile, requirePluginBuilt } from '../testing/settings-deployment';

const STACK = 'apibridge-plugin-settings';
const LOCK = join(__dirname, 'locks', 'plugin-settings.terraform.lock.hcl');

// Several real cdktn/terraform runs per test: minutes on a loaded machine.
describe(
  'plain cdktn and terraform on the kit (README: Use it with plain cdktn / terraform)',
  { timeout: 900_000 },
  () => {
    const key = canary('plain');
    let dir: string;
    let home: string;
    let api: ApiDouble;
    let grafana: GrafanaDouble;
    const outputs: Record<string, string> = {};
    const stackDir = () => join(dir, 'cdktf.out', 'stacks', STACK);
    /** Only what the README says the caller provides. */
    const env = () => ({
      PATH: process.env.PATH as string,
      HOME: home,
      KIT_CONFIG: 'deployment.json',
      TF_VAR_apibridge_api_key: key,
      GRAFANA_AUTH: grafana.auth,
    });
    const sh = async (label: string, cmd: string, args: string[]) => {
      const r = await run(cmd, args, { cwd: dir, env: env(), timeoutMs: 480_000 });
      // eslint-disable-next-line no-control-regex -- ESC starts a terminal colour code, which is what is removed
      outputs[label] = (r.stdout + r.stderr).replace(/\x1b\[[0-9;]*m/g, ''); // without terminal colours
      return r;
    };
    const settings = async () =>
      (await fetch(`${grafana.url}/api/plugins/${PLUGIN_ID}/settings`, {
        headers: { authorization: 'Basic ' + Buffer.from(grafana.auth).toString('base64') },
      }).then((r) => r.json())) as Record<string, unknown>;

    beforeAll(async () => {
      requirePluginBuilt();
      dir = repoView(mkdtempSync(join(tmpdir(), 'kit-plain-')));
      home = join(dir, 'home');
      mkdirSync(home);
      api = await startApiDouble(dir, key);
      grafana = await startGrafanaDouble(PLUGIN_DIST, 'pw-' + canary('x').slice(-12));
      const cfg: DeploymentConfig = {
        name: 'apibridge',
        pluginId: PLUGIN_ID,
        backend: { kind: 'local', stateDir: 'state' },
        grafana: { url: grafana.url, orgId: 1, authEnv: 'GRAFANA_AUTH' },
        plugin: {
          enabled: true,
          pinned: true,
          jsonData: { apiUrl: api.url, caCertificateFile: api.caFile, allowedPaths: ['/echo'], healthPath: '/profile' },
        },
        secretSource: { kind: 'ephemeral-variable', variableName: 'apibridge_api_key', version: 1 },
        docker: { ...({} as DeploymentConfig['docker']), enabled: false },
      };
      writeFileSync(join(dir, 'deployment.json'), JSON.stringify(cfg));
    });
    afterAll(async () => {
      await api?.stop();
      await grafana?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('npx cdktn synth puts the committed lock file and the mirror link into the stack directory', async () => {
      const r = await sh('cdktn synth', 'npx', ['cdktn', 'synth']);
      expect(r.code, outputs['cdktn synth']).toBe(0);
      expect(readFileSync(join(stackDir(), '.terraform.lock.hcl'), 'utf8')).toBe(readFileSync(LOCK, 'utf8'));
      expect(readlinkSync(join(stackDir(), 'terraform.d', 'plugins'))).toMatch(/\.tools\/terraform-mirror$/);
    });

    it('npx cdktn diff, deploy, destroy work with only TF_VAR_* and GRAFANA_AUTH; init verifies the lock and nothing asks a registry', async () => {
      const watch = watchProcesses([]);
      const diff = await sh('cdktn diff', 'npx', ['cdktn', 'diff', STACK]);
      expect(diff.code, outputs['cdktn diff']).toBe(0);
      expect(outputs['cdktn diff']).toMatch(
        /grafanaapp_plugin_settings\.plugin-settings.*will be created|Plan: 1 to add/s
      );

      const deploy = await sh('cdktn deploy', 'npx', ['cdktn', 'deploy', STACK, '--auto-approve']);
      expect(deploy.code, outputs['cdktn deploy']).toBe(0);
      expect(await profile(grafana)).toEqual({ status: 200, body: expect.objectContaining({ name: 'Ada Lovelace' }) });
      expect(await settings()).toMatchObject({ enabled: true, secureJsonFields: { apiKey: true } });

      const destroy = await sh('cdktn destroy', 'npx', ['cdktn', 'destroy', STACK, '--auto-approve']);
      expect(destroy.code, outputs['cdktn destroy']).toBe(0);
      // Destroy clears what the resource wrote and leaves the app on (the provider's disable_on_destroy is false).
      const after = (await settings()) as { enabled: boolean; secureJsonFields?: Record<string, boolean> };
      expect(after.enabled).toBe(true);
      expect(after.secureJsonFields?.apiKey ?? false).toBe(false);
      const seen = watch.stop();

      // cdktn found a lock whose constraints match: no `terraform providers lock` (which asks the registry), no -upgrade.
      // Only this test's runs: other tests on the machine run terraform too.
      const terraformRuns = [...seen.processes.values()]
        .filter((p) => p.command === 'terraform' && p.cwd.startsWith(dir))
        .map((p) => p.argv.slice(1).join(' '));
      expect(terraformRuns).toEqual(
        expect.arrayContaining([expect.stringMatching(/^init/), expect.stringMatching(/^apply/)])
      );
      expect(terraformRuns.filter((a) => /providers lock|-upgrade/.test(a))).toEqual([]);
      expect(readFileSync(join(stackDir(), '.terraform.lock.hcl'), 'utf8')).toBe(readFileSync(LOCK, 'utf8'));
    });

    it('terraform -chdir=cdktf.out/stacks/<stack> init, plan -out, apply, then a plan finds nothing to change', async () => {
      const chdir = `-chdir=cdktf.out/stacks/${STACK}`;
      // A fresh working directory, as a pipeline that only has the synthesized output would have.
      rmSync(join(stackDir(), '.terraform'), { recursive: true, force: true });
      const init = await sh('terraform init', 'terraform', [chdir, 'init']);
      expect(init.code, outputs['terraform init']).toBe(0);
      expect(outputs['terraform init']).toMatch(
        /Reusing previous version of platformkit\/grafanaapp from the dependency lock file/
      );
      expect(outputs['terraform init']).toMatch(/Installed platformkit\/grafanaapp v0\.1\.0 \(unauthenticated\)/);
      expect(readFileSync(join(stackDir(), '.terraform.lock.hcl'), 'utf8')).toBe(readFileSync(LOCK, 'utf8'));

      const plan = await sh('terraform plan', 'terraform', [chdir, 'plan', '-out=plain.tfplan']);
      expect(plan.code, outputs['terraform plan']).toBe(0);
      expect(outputs['terraform plan']).toMatch(/1 to add|1 to change/);
      const apply = await sh('terraform apply', 'terraform', [chdir, 'apply', 'plain.tfplan']);
      expect(apply.code, outputs['terraform apply']).toBe(0);
      expect(await profile(grafana)).toEqual({ status: 200, body: expect.objectContaining({ name: 'Ada Lovelace' }) });

      const again = await sh('terraform plan again', 'terraform', [chdir, 'plan', '-detailed-exitcode']);
      expect(again.code, outputs['terraform plan again']).toBe(0);
      expect(outputs['terraform plan again']).toMatch(/No changes/);
    });

    it('leaves the key in no file of the run (synth output, state, plans, .terraform) and in no command output', () => {
      const files = listFiles([dir]).filter((f) => !f.includes('/node_modules/'));
      for (const artifact of ['cdk.tf.json', 'plain.tfplan', `${STACK}.tfstate`])
        expect(
          files.some((f) => f.endsWith(artifact)),
          artifact
        ).toBe(true);
      expect(findCanaries([key], [join(dir, 'cdktf.out'), join(dir, 'state'), home], outputs)).toEqual([]);
      expect(findCanaries([key], [], { planted: `-${key}-` })).toHaveLength(1);
    });
  }
);
