// npm run leak-sweep: one end-to-end run with a unique canary key, then a
// scan of everything it produced.
//
//   store    a real OpenBao dev server holds the key (KV v2, read by AppRole)
//   deploy   npm run deploy of the plugin-settings stack (the kit's runner,
//            cdktn, terraform 1.11 with TF_LOG=TRACE, our provider), then a
//            saved plan, its JSON and the state's JSON, and npm run diff
//   Grafana  the Grafana double (testkit/) running the real plugin binary
//   API      the HTTPS API double, which accepts only the canary key
//   browser  Chromium on the plugin's harness: app page and config page
//
// The same helpers as the infra integration tests run each part
// (infra/testing/: openbao.ts, doubles.ts, kit-runner.ts,
// settings-deployment.ts, canary.ts); scripts/demo.sh is the same flow by
// hand. Everything it writes stays in .artifacts/leak-sweep/ for a reviewer
// to open; the key itself is in none of it, which is what the sweep proves.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { canary, filesChangedSince, listFiles } from '../../infra/testing/canary';
import { buildDoubles, REPO_ROOT, startApiDouble, type ApiDouble } from '../../infra/testing/doubles';
import { kit, stateDirFor, workspace } from '../../infra/testing/kit-runner';
import { startOpenBao, type OpenBao } from '../../infra/testing/openbao';
import { readyLine, run, startProcess, type Started } from '../../infra/testing/processes';
import {
  apiJsonData,
  planAndShow,
  PLUGIN_DIST,
  requirePluginBuilt,
  settingsConfig,
  type SettingsDeployment,
} from '../../infra/testing/settings-deployment';
import { CHROMIUM } from '../../plugin/tests/browser/chromium';
import { browse, buildHarness, harnessStaticArgs, PLUGIN_ID } from './browser';
import { failures, scanClasses, table, type ArtifactClass } from './classes';
import { needles } from './needles';

const STACK = 'apibridge-plugin-settings';
export const SWEEP_DIR = join(REPO_ROOT, '.artifacts', 'leak-sweep');

export interface SweepResult {
  table: string;
  failures: string[];
}

export async function leakSweep(dir = SWEEP_DIR, log: (line: string) => void = console.error): Promise<SweepResult> {
  requirePluginBuilt();
  if (!existsSync(join(PLUGIN_DIST, 'module.js')))
    throw new Error(
      'plugin/dist/module.js is missing: the browser step loads the built frontend. Fix: npm run build:frontend in plugin/'
    );
  const started = Date.now() - 1000; // file times have coarse resolution on some filesystems
  rmSync(dir, { recursive: true, force: true });
  const d = (...p: string[]) => {
    const path = join(dir, ...p);
    mkdirSync(path, { recursive: true });
    return path;
  };
  const [logs, outputs, responses] = [d('logs'), d('command-output'), d('double-responses')];
  const saveOutput = (name: string, text: string) => writeFileSync(join(outputs, `${name}.txt`), text);

  const key = canary('leak-sweep');
  const adminPassword = 'pw-' + randomBytes(12).toString('hex');
  const processes: Array<[string, Started]> = [];
  let bao: OpenBao | undefined;
  let api: ApiDouble | undefined;
  try {
    log('leak sweep: building the doubles and the browser harness');
    const [doubles, harnessDir] = await Promise.all([buildDoubles(), buildHarness()]);

    log('leak sweep: store: OpenBao dev server, key at secret/grafana/apibridge, read by an AppRole');
    bao = await startOpenBao(d('openbao-home'));
    processes.push(['openbao', bao]);
    const version = await bao.put('grafana/apibridge', { apiKey: key });
    const role = await bao.appRole('grafana/apibridge');

    log('leak sweep: the HTTPS API double (accepts only the canary) and the Grafana double (real plugin binary)');
    api = await startApiDouble(d('api-double'), key);
    processes.push(['api-double', api]);
    const grafana = startProcess(join(doubles, 'grafana-double'), [
      '--addr',
      '127.0.0.1:0',
      '--plugin-dir',
      PLUGIN_DIST,
      '--admin',
      `admin:${adminPassword}`,
      '--plugin-log',
      join(logs, 'plugin.log'),
      ...harnessStaticArgs(harnessDir, PLUGIN_DIST),
      // The API double listens on 127.0.0.1, which the plugin refuses to
      // call by default. The server operator allows it ([plugin.<id>]
      // allowed_networks, passed as GF_PLUGIN_ALLOWED_NETWORKS), as
      // infra/testing/doubles.ts, scripts/demo.sh and the browser test do;
      // the deployed jsonData stays as a real deployment's (no
      // allowInsecureLoopback).
      '--plugin-setting',
      'allowed_networks=127.0.0.0/8,::1',
    ]);
    processes.push(['grafana-double', grafana]);
    const { url: grafanaUrl } = await readyLine<{ url: string }>(grafana);

    log('leak sweep: deploy: npm run deploy (TF_LOG=TRACE, cdktn debug log), key read from OpenBao by the kit');
    const deployDir = d('deploy');
    const cfg = settingsConfig(grafanaUrl, stateDirFor(deployDir), apiJsonData(api), {
      secretSource: {
        kind: 'openbao-kv2',
        address: bao.address,
        mount: 'secret',
        path: 'grafana/apibridge',
        field: 'apiKey',
        auth: { method: 'approle', roleIdEnv: 'BAO_ROLE_ID', secretIdEnv: 'BAO_SECRET_ID' },
      },
    });
    const ws = workspace(deployDir, cfg);
    const env = { GRAFANA_AUTH: `admin:${adminPassword}`, BAO_ROLE_ID: role.roleId, BAO_SECRET_ID: role.secretId };
    const trace = {
      TF_LOG: 'trace',
      TF_LOG_PATH: join(logs, 'terraform-trace.log'),
      CDKTF_LOG_LEVEL: 'debug',
      CDKTF_LOG_FILE_DIRECTORY: logs,
    };
    const deploy = await kit('deploy', ws, { ...env, ...trace });
    saveOutput('npm-run-deploy', deploy.stdout + deploy.stderr);
    if (deploy.code !== 0)
      throw new Error(
        `leak sweep: npm run deploy failed (exit ${deploy.code}); its output is in ${join(outputs, 'npm-run-deploy.txt')}`
      );

    log('leak sweep: a saved plan, terraform show -json of it and of the state, npm run diff');
    // planAndShow reads only the workspace and the stack's name of a SettingsDeployment.
    const shown = await planAndShow({ ws, stack: STACK } as SettingsDeployment, {
      ...env,
      TF_VAR_apibridge_api_key: key,
      TF_VAR_apibridge_api_key_version: String(version),
      ...trace,
      TF_LOG_PATH: join(logs, 'terraform-trace-plan.log'),
    });
    saveOutput('terraform-plan', shown['terraform plan output']);
    const planJson = join(d('plan-json'), 'saved.tfplan.json');
    writeFileSync(planJson, shown['terraform show -json saved.tfplan']);
    const stateJson = join(d('state-json'), 'state.json');
    writeFileSync(stateJson, shown['terraform show -json (state)']);
    const diff = await kit('diff', ws, env);
    saveOutput('npm-run-diff', diff.stdout + diff.stderr);
    if (diff.code !== 0 || !/No changes/.test(diff.stdout + diff.stderr))
      throw new Error(
        `leak sweep: npm run diff after the deploy should find nothing to change (exit ${diff.code}); see ${join(outputs, 'npm-run-diff.txt')}`
      );

    log('leak sweep: calls through the Grafana double: status, profile, health, settings, proxy GET and POST');
    const call = async (name: string, path: string, init: RequestInit = {}) => {
      const res = await fetch(grafanaUrl + path, {
        ...init,
        headers: {
          authorization: 'Basic ' + Buffer.from(`admin:${adminPassword}`).toString('base64'),
          ...(init.headers ?? {}),
        },
      });
      const body = await res.text();
      writeFileSync(
        join(responses, `${name}.http`),
        `HTTP ${res.status}\n${[...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${body}`
      );
      return { status: res.status, body };
    };
    const base = `/api/plugins/${PLUGIN_ID}`;
    // Each call must have reached the API double with the key and carried
    // its answer back: a sweep whose calls stopped at the plugin (address
    // refused, not configured, key refused) would scan artifacts the key
    // never went near, and prove nothing.
    const reached = (
      what: string,
      res: { status: number; body: string },
      ok: (json: Record<string, unknown>) => boolean
    ) => {
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(res.body) as Record<string, unknown>;
      } catch {
        // not JSON: judged below by ok({})
      }
      if (res.status !== 200 || !ok(json)) {
        const code = typeof json.error === 'string' ? ` ${json.error}` : '';
        throw new Error(
          `leak sweep: ${what} did not return the API double's answer (HTTP ${res.status}${code}), so the key did not go through the plugin to the API and the run proves nothing. The responses are in ${responses}`
        );
      }
    };
    const profile = await call('profile', `${base}/resources/profile`);
    reached(
      'the profile call',
      profile,
      (p) => p.id === 'u-1' && p.name === 'Ada Lovelace' && p.email === 'ada@example.test'
    );
    await call('status', `${base}/resources/status`);
    const health = await call('health', `${base}/health`);
    reached('the health check (healthPath /profile)', health, (h) => h.status === 'OK');
    await call('settings', `${base}/settings`);
    const got = await call('proxy-get', `${base}/resources/proxy/echo/items?q=1`);
    reached('GET through the proxy', got, (e) => e.method === 'GET' && e.path === '/echo/items' && e.query === 'q=1');
    const echoed = await call('proxy-post', `${base}/resources/proxy/echo/items`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ note: 'sweep' }),
    });
    reached(
      'POST through the proxy',
      echoed,
      (e) => e.method === 'POST' && e.body === JSON.stringify({ note: 'sweep' })
    );

    log(`leak sweep: browser: ${CHROMIUM} on the plugin's harness (app page, config page)`);
    const browser = await browse(grafanaUrl, 'admin', adminPassword, d('browser'));
    if (!browser.profileText.includes('Ada Lovelace'))
      throw new Error('leak sweep: the app page did not show the profile from the API');

    // Stop every process before the scan, so their logs are complete.
    for (const [name, p] of processes.reverse()) {
      await p.stop();
      saveOutput(`${name}-output`, p.output());
    }
    processes.length = 0;

    const all = (p: string) => listFiles([p]);
    const written = filesChangedSince(started, [
      REPO_ROOT,
      join(homedir(), '.cdktf'),
      join(homedir(), '.terraform.d'),
    ]).filter((f) => !f.startsWith(dir + '/'));
    const git = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT });
    const classes: ArtifactClass[] = [
      // Provider binaries under .terraform/providers were built before the canary existed.
      {
        name: 'synth output (cdktf.out)',
        files: all(ws.outdir).filter((f) => !f.endsWith('.tfplan') && !f.includes('/.terraform/providers/')),
      },
      { name: 'saved plans (and their zip entries)', files: all(ws.outdir).filter((f) => f.endsWith('.tfplan')) },
      { name: 'plan JSON (terraform show -json)', files: [planJson] },
      { name: 'state (files and terraform show -json)', files: [...all(join(deployDir, 'state')), stateJson] },
      { name: 'command output', files: all(outputs) },
      { name: 'TF_LOG=TRACE and cdktn debug logs', files: all(logs).filter((f) => !f.endsWith('plugin.log')) },
      { name: 'plugin logs', files: [join(logs, 'plugin.log')] },
      { name: 'Grafana double responses', files: all(responses) },
      { name: 'browser DOM, storage, bodies, HAR', files: browser.pages },
      { name: 'browser profile on disk', files: all(browser.profileDir) },
      { name: 'plugin/dist', files: all(PLUGIN_DIST) },
      {
        name: 'files git would commit',
        files: git.stdout
          .split('\0')
          .filter(Boolean)
          .map((f) => join(REPO_ROOT, f))
          .filter((f) => listFiles([f]).length > 0),
      },
      // What cdktn and terraform left in the kit's TMPDIR, and anything the run wrote outside its directory.
      {
        name: 'other files written (TMPDIR, repo, ~/.cdktf, ~/.terraform.d)',
        files: [...all(join(deployDir, 'tmp')), ...written],
      },
    ];
    // Whatever else the sweep's directory holds (deployment config, the doubles' and OpenBao's files).
    const classified = new Set(classes.flatMap((c) => c.files));
    classes.push({
      name: "the sweep's other files (config, doubles, store home)",
      files: all(dir).filter((f) => !classified.has(f)),
    });
    const results = scanClasses(classes, needles(key));
    // A control: the same scan must find the key planted as a Basic credential (base64, unaligned).
    const control = join(d('control'), 'planted.txt');
    writeFileSync(control, 'Authorization: Basic ' + Buffer.from(`user:${key}`).toString('base64'));
    const controlHits = scanClasses([{ name: 'control', files: [control] }], needles(key))[0].hits.length;
    rmSync(control);
    const controlFailure =
      controlHits === 1
        ? []
        : [
            `control: the scan did not find the key planted in a file (${controlHits} hits), so its clean result means nothing`,
          ];
    return { table: table(results), failures: [...controlFailure, ...failures(results)] };
  } finally {
    for (const [, p] of processes.reverse()) await p.stop();
  }
}
