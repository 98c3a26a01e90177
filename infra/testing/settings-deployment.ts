// Test helper shared by the secret-store integration tests: the Grafana
// double running the real plugin binary, the HTTPS API double, a deployment
// config pointing at both, and the checks made after each deploy.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeploymentConfig, SecretSourceConfig } from '../config/types';
import { REPO_ROOT, startApiDouble, startGrafanaDouble, type ApiDouble, type GrafanaDouble } from './doubles';
import { stateDirFor, workspace, type Workspace } from './kit-runner';
import { run } from './processes';

export const PLUGIN_ID = 'platformkit-apibridge-app';
export const PLUGIN_DIST = join(REPO_ROOT, 'plugin', 'dist');

/** The Grafana double runs the real plugin: its dist must be built (scripts/tests/42-infra-integration.sh builds the backend if no earlier suite did). */
export function requirePluginBuilt(): void {
  for (const f of ['plugin.json', 'gpx_apibridge_linux_amd64']) {
    if (!existsSync(join(PLUGIN_DIST, f)))
      throw new Error(
        `plugin/dist/${f} is missing: build the plugin (cd plugin && go tool mage -v build:linux, and its frontend build for plugin.json)`
      );
  }
}

/** The API double as a connection's jsonData: its URL and CA, /echo proxied, /profile for health. */
export function apiJsonData(api: Pick<ApiDouble, 'url' | 'caFile'>) {
  return {
    apiUrl: api.url,
    caCertificateFile: api.caFile,
    allowedPaths: ['/echo'],
    healthPath: '/profile',
    timeoutSeconds: 10,
  };
}

/**
 * The deployment every settings test uses: the plugin-settings stack only (Docker off), local state
 * in stateDir, the Grafana double at grafanaUrl (credential in GRAFANA_AUTH), and the given jsonData
 * and secrets (secretSource, or secureFields).
 */
export function settingsConfig(
  grafanaUrl: string,
  stateDir: string,
  jsonData: DeploymentConfig['plugin']['jsonData'],
  secrets: Pick<DeploymentConfig, 'secretSource' | 'secureFields'>
): DeploymentConfig {
  return {
    name: 'apibridge',
    pluginId: PLUGIN_ID,
    backend: { kind: 'local', stateDir },
    grafana: { url: grafanaUrl, orgId: 1, authEnv: 'GRAFANA_AUTH' },
    plugin: { enabled: true, pinned: true, jsonData },
    ...secrets,
    docker: { ...({} as DeploymentConfig['docker']), enabled: false },
  };
}

export interface SettingsDeployment {
  dir: string;
  ws: Workspace;
  grafana: GrafanaDouble;
  api: ApiDouble;
  stack: string;
  /** The stack's local state file. */
  stateFile: string;
  /** Replaces the API double by one that accepts `key` on the same address (new CA, same file). */
  restartApi(key: string): Promise<void>;
  stop(): Promise<void>;
}

/** `source` gets the deployment's own directory, so a store can put its files there. */
export async function settingsDeployment(
  label: string,
  firstKey: string,
  source: (dir: string) => SecretSourceConfig | Promise<SecretSourceConfig>
): Promise<SettingsDeployment> {
  requirePluginBuilt();
  const dir = mkdtempSync(join(tmpdir(), `kit-${label}-`));
  let api = await startApiDouble(dir, firstKey);
  const grafana = await startGrafanaDouble(PLUGIN_DIST, 'pw-' + randomBytes(9).toString('hex'));
  const cfg = settingsConfig(grafana.url, stateDirFor(dir), apiJsonData(api), {
    secretSource: await source(dir),
  });
  const ws = workspace(dir, cfg);
  const d: SettingsDeployment = {
    dir,
    ws,
    grafana,
    get api() {
      return api;
    },
    stack: 'apibridge-plugin-settings',
    stateFile: join(dir, 'state', 'apibridge-plugin-settings.tfstate'),
    async restartApi(key: string) {
      const addr = new URL(api.url).host;
      await api.stop();
      api = await startApiDouble(dir, key, addr);
    },
    async stop() {
      await api.stop();
      await grafana.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return d;
}

/** Calls the plugin's profile route through Grafana, as a signed-in admin. */
export async function profile(g: GrafanaDouble): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${g.url}/api/plugins/${PLUGIN_ID}/resources/profile`, {
    headers: { authorization: 'Basic ' + Buffer.from(g.auth).toString('base64') },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Saves a plan and renders state and plan as JSON in the stack's directory, so the canary scan covers them. */
export async function planAndShow(d: SettingsDeployment, env: Record<string, string>): Promise<Record<string, string>> {
  const cwd = join(d.ws.outdir, 'stacks', d.stack);
  const e = { ...process.env, ...env };
  const plan = await run('terraform', ['plan', '-input=false', '-out=saved.tfplan'], { cwd, env: e });
  if (plan.code !== 0) throw new Error(`terraform plan failed:\n${plan.stderr}`);
  const showPlan = await run('terraform', ['show', '-json', 'saved.tfplan'], { cwd, env: e });
  const showState = await run('terraform', ['show', '-json'], { cwd, env: e });
  if (showPlan.code !== 0 || showState.code !== 0)
    throw new Error(`terraform show failed:\n${showPlan.stderr}${showState.stderr}`);
  return {
    'terraform plan output': plan.stdout + plan.stderr,
    'terraform show -json saved.tfplan': showPlan.stdout,
    'terraform show -json (state)': showState.stdout,
  };
}
