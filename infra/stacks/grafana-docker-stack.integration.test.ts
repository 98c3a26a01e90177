// The Docker stack as far as it runs without a Docker engine (none on these
// machines): `npm run synth` through the kit, terraform init + validate +
// plan with the real kreuzwerker/docker provider, the plan's JSON checked for
// the hardening, and apply shown to stop at the missing engine with nothing
// in state. Grafana itself is never started here.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAFANA_DEFAULT_SECRET_KEY } from '../config/grafana-defaults';
import type { DeploymentConfig } from '../config/types';
import { canary, findCanaries } from '../testing/canary';
import { deploymentIn, writeSecret } from '../testing/fixture-config';
import { kit, stateDirFor, workspace, type Workspace } from '../testing/kit-runner';
import { run } from '../testing/processes';

const secretKey = canary('secret-key');
const adminPassword = canary('admin-pw');
const STACK = 'apibridge-grafana-docker';

describe('Grafana Docker stack without a Docker engine', () => {
  let dir: string;
  let ws: Workspace;
  let cfg: DeploymentConfig;
  let planJson: { planned_values: { root_module: { resources: { type: string; values: Record<string, unknown> }[] } } };
  const outputs: Record<string, string> = {};
  const tf = (args: string[]) => run('terraform', args, { cwd: join(ws.outdir, 'stacks', STACK), timeoutMs: 120_000 });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kit-docker-'));
    cfg = deploymentIn(dir);
    writeSecret(cfg.docker.secretKeyFile, secretKey);
    writeSecret(cfg.docker.adminPasswordFile, adminPassword);
    cfg.backend = { kind: 'local', stateDir: stateDirFor(dir) };
    cfg.docker.dockerHost = `unix://${join(dir, 'no-docker-engine.sock')}`;
    ws = workspace(dir, cfg);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('synthesizes through `npm run synth` and plans with the real docker provider', async () => {
    const s = await kit('synth', ws, {});
    outputs.synth = s.stdout + s.stderr;
    expect(s.code, outputs.synth).toBe(0);
    expect((await tf(['init', '-input=false'])).code).toBe(0);
    const v = await tf(['validate', '-json']);
    expect(JSON.parse(v.stdout)).toMatchObject({ valid: true, error_count: 0 });
    const p = await tf(['plan', '-input=false', '-no-color', '-out=docker.tfplan']);
    outputs.plan = p.stdout + p.stderr;
    expect(p.code, outputs.plan).toBe(0);
    expect(p.stdout).toMatch(/Plan: 4 to add, 0 to change, 0 to destroy/);
    const show = await tf(['show', '-json', 'docker.tfplan']);
    outputs.show = show.stdout;
    planJson = JSON.parse(show.stdout);
  });

  it('plans the hardened container', () => {
    const byType = Object.fromEntries(planJson.planned_values.root_module.resources.map((r) => [r.type, r.values]));
    expect(Object.keys(byType).sort()).toEqual(['docker_container', 'docker_image', 'docker_network', 'docker_volume']);
    const c = byType.docker_container;
    expect(c).toMatchObject({
      name: 'apibridge-grafana',
      user: '472:0',
      security_opts: ['no-new-privileges:true'],
      capabilities: [{ drop: ['ALL'] }],
      ports: [{ internal: 3000, external: 3000, ip: '127.0.0.1', protocol: 'tcp' }],
    });
    // The plugin and both secret files, all read-only (an empty list would not do).
    expect((c.mounts as { target: string; read_only: boolean }[]).map((m) => [m.target, m.read_only]).sort()).toEqual([
      ['/run/secrets/grafana_admin_password', true],
      ['/run/secrets/grafana_secret_key', true],
      ['/var/lib/grafana/plugins/platformkit-apibridge-app', true],
    ]);
    expect(c.env).toEqual(
      expect.arrayContaining([
        'GF_SECURITY_SECRET_KEY__FILE=/run/secrets/grafana_secret_key',
        'GF_SECURITY_ADMIN_PASSWORD__FILE=/run/secrets/grafana_admin_password',
        'GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS=platformkit-apibridge-app',
        'GF_AUTH_ANONYMOUS_ENABLED=false',
      ])
    );
    expect(c.healthcheck).toEqual([
      expect.objectContaining({
        test: ['CMD-SHELL', 'wget -q -O /dev/null http://127.0.0.1:3000/api/health || exit 1'],
      }),
    ]);
    expect(byType.docker_image.name).toMatch(/@sha256:[0-9a-f]{64}$/);
  });

  it('stops at the missing engine on apply, with nothing in state', async () => {
    const a = await tf(['apply', '-input=false', '-no-color', '-auto-approve', 'docker.tfplan']);
    outputs.apply = a.stdout + a.stderr;
    expect(a.code).not.toBe(0);
    expect(outputs.apply).toMatch(/Cannot connect to the Docker daemon/);
    expect((await tf(['state', 'list'])).stdout.trim()).toBe('');
  });

  it("puts Grafana's secret_key and admin password nowhere: only their host paths", () => {
    expect(findCanaries([secretKey, adminPassword], [ws.outdir, join(dir, 'state')], outputs)).toEqual([]);
  });

  it('stops before cdktn, naming the fix, for an unknown stack or a missing Grafana credential', async () => {
    const unknown = await kit('diff', ws, {}, ['apibridge-grafana']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /stack: "apibridge-grafana" is not a stack of this deployment\. Fix: choose from: apibridge-grafana-docker, apibridge-plugin-settings/
    );
    const noAuth = await kit('deploy', ws, { GRAFANA_AUTH: '' }, ['apibridge-plugin-settings']);
    expect(noAuth.code).toBe(2);
    expect(noAuth.stderr).toMatch(
      /error: GRAFANA_AUTH is not set: export a Grafana service-account token or user:password there \(grafana\.authEnv\)/
    );
  });

  it("refuses to synthesize with Grafana's default secret_key", async () => {
    writeSecret(cfg.docker.secretKeyFile, GRAFANA_DEFAULT_SECRET_KEY);
    const s = await kit('synth', ws, {});
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(
      /docker\.secretKeyFile: file ".*secret_key" holds Grafana's default secret_key\. Fix: write a random key/
    );
  });
});
