// Benchmark of fleets (infra/scripts/bench-fleet.sh): how synth and plan time
// grow with the number of Grafana targets. Printed, never asserted.
//
// Each row runs the kit as a pipeline does (CI=true, infra/testing/kit-runner.ts):
//   baseline   the deployment without a fleet (one Grafana): `kit synth`, and
//              `kit plan <stack> --placeholder-key` (its synth, terraform init, terraform plan);
//   fleet N    the same deployment as a fleet of N targets: `kit synth` (one cdktn synth of N
//              stacks), and `kit diff --placeholder-key` (that synth, then init + plan per target,
//              --parallel targets at a time).
// What it plans against: one Grafana double (the real plugin binary behind it) with one org
// per target, so target i is org i. A plan of a first deploy reads nothing from Grafana (there is
// no state to refresh): the numbers are the kit, cdktn, terraform and provider start-up and work,
// not Grafana's answers. State is local (one directory per target); keys are placeholders.
// The ratio column divides by the baseline measured in the same run.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeploymentConfig } from '../config/types';
import { startGrafanaDouble } from '../testing/doubles';
import { kit, stateDirFor, workspace } from '../testing/kit-runner';
import { PLUGIN_DIST, PLUGIN_ID, requirePluginBuilt } from '../testing/settings-deployment';

const SIZES = [1, 10, 50];
const parallel = process.env.BENCH_FLEET_PARALLEL ?? '4';

async function timed(what: string, run: () => ReturnType<typeof kit>): Promise<number> {
  const t0 = performance.now();
  const r = await run();
  const s = (performance.now() - t0) / 1000;
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}):\n${r.stdout}${r.stderr}`);
  return s;
}

async function main() {
  requirePluginBuilt();
  const top = mkdtempSync(join(tmpdir(), 'kit-bench-fleet-'));
  const loadAtStart = loadavg()[0].toFixed(1);
  const max = Math.max(...SIZES);
  const orgs = Array.from({ length: max - 1 }, (_, i) => ['--org', `${i + 2}=org${i + 2}`]).flat();
  const grafana = await startGrafanaDouble(PLUGIN_DIST, 'pw-' + randomBytes(9).toString('hex'), '127.0.0.1:0', orgs);
  try {
    const env = { GRAFANA_AUTH: grafana.auth, TF_PLUGIN_CACHE_DIR: '' };
    const base = (dir: string): DeploymentConfig => ({
      name: 'bench',
      pluginId: PLUGIN_ID,
      backend: { kind: 'local', stateDir: stateDirFor(dir) },
      grafana: { url: grafana.url, orgId: 1, authEnv: 'GRAFANA_AUTH' },
      plugin: { enabled: true, pinned: true, jsonData: { apiUrl: 'https://api.example.test/v1' } },
      secretSource: { kind: 'ephemeral-variable', variableName: 'apibridge_api_key', version: 1 },
      docker: { ...({} as DeploymentConfig['docker']), enabled: false },
    });
    const rows: { label: string; synth: number; plan: number; stacks: number }[] = [];

    const single = join(top, 'single');
    const ws1 = workspace(single, base(single));
    const synth1 = await timed('baseline synth', () => kit('synth', ws1, env));
    const plan1 = await timed('baseline plan', () =>
      kit('plan', ws1, env, ['bench-plugin-settings'], ['--out', join(single, 'p.tfplan'), '--placeholder-key'])
    );
    rows.push({ label: 'baseline: one Grafana, no fleet', synth: synth1, plan: plan1, stacks: 1 });

    for (const n of SIZES) {
      const dir = join(top, `fleet-${n}`);
      const cfg = base(dir);
      cfg.fleet = { targets: Array.from({ length: n }, (_, i) => ({ name: `t${i + 1}`, grafana: { orgId: i + 1 } })) };
      const ws = workspace(dir, cfg);
      const synth = await timed(`synth of ${n}`, () => kit('synth', ws, env));
      const plan = await timed(`diff of ${n}`, () =>
        kit('diff', ws, env, [], ['--placeholder-key', '--parallel', parallel])
      );
      rows.push({ label: `fleet of ${n}`, synth, plan, stacks: n });
    }

    const b = rows[0];
    const f = (s: number) => s.toFixed(1).padStart(7);
    const r = (s: number, of: number) => `${(s / of).toFixed(2)}x`.padStart(7);
    console.log(
      `bench fleet: synth and plan by number of targets, one run each, --parallel ${parallel}, ${process.env.BENCH_CORES ?? '?'} cores, load average ${loadAtStart} at the start, ${loadavg()[0].toFixed(1)} at the end`
    );
    console.log('  row                               synth s   ratio   plan s   ratio   plan s per target');
    for (const row of rows)
      console.log(
        `  ${row.label.padEnd(32)}${f(row.synth)} ${r(row.synth, b.synth)}  ${f(row.plan)} ${r(row.plan, b.plan)}   ${(row.plan / row.stacks).toFixed(2).padStart(6)}`
      );
    console.log("  (plan = the command's whole run: its synth, terraform init and plan of every target)");
  } finally {
    await grafana.stop();
    rmSync(top, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
