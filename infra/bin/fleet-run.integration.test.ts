// A fleet of three Grafanas deployed in one run (infra/bin/fleet-run.ts), with
// real parts: three Grafana doubles running the real plugin binary (target b's
// app lives in org 2 of its Grafana), an HTTPS API double per target that
// accepts only that target's key, each key in its own OpenBao path, state in
// real PostgreSQL (one schema per target), the real terraform and provider.
// Target c is given a wrong Grafana credential on purpose: a and b deploy all
// the same, c is reported failed in the table with Grafana's answer, its state
// stays usable (the deploy after fixing the credential succeeds) and a and b's
// states are untouched (no changes). Every artifact is scanned for all three
// keys, and each terraform process is checked to hold its own target's key only.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentConfig, SecretSourceConfig } from '../config/types';
import { canary, findCanaries } from '../testing/canary';
import { startApiDouble, startGrafanaDouble, type ApiDouble, type GrafanaDouble } from '../testing/doubles';
import { kit, workspace, type Workspace } from '../testing/kit-runner';
import { startOpenBao, type OpenBao } from '../testing/openbao';
import { startPostgres, type Postgres } from '../testing/postgres';
import { kitChildren, watchProcesses } from '../testing/process-watch';
import { PLUGIN_DIST, PLUGIN_ID, requirePluginBuilt } from '../testing/settings-deployment';

const TARGETS = ['a', 'b', 'c'] as const;
type Target = (typeof TARGETS)[number];
const keys: Record<Target, string> = { a: canary('fleet-a'), b: canary('fleet-b'), c: canary('fleet-c') };
const ORG: Record<Target, number> = { a: 1, b: 2, c: 1 };

/** A call to a Grafana double as its admin, in `org`. */
async function grafanaGet(g: GrafanaDouble, path: string, org: number) {
  const res = await fetch(`${g.url}${path}`, {
    headers: { authorization: 'Basic ' + Buffer.from(g.auth).toString('base64'), 'x-grafana-org-id': String(org) },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The table row of `target` in the run's output. */
function row(output: string, target: Target): string {
  return output.split('\n').find((l) => l.startsWith(`${target} `)) ?? `(no row for ${target} in:\n${output})`;
}

describe('a fleet of three Grafanas', () => {
  let dir: string;
  let pg: Postgres;
  let bao: OpenBao;
  let ws: Workspace;
  const grafana = {} as Record<Target, GrafanaDouble>;
  const api = {} as Record<Target, ApiDouble>;
  const outputs: Record<string, string> = {};
  let env: Record<string, string>;

  beforeAll(async () => {
    requirePluginBuilt();
    dir = mkdtempSync(join(tmpdir(), 'kit-fleet-'));
    pg = await startPostgres();
    mkdirSync(join(dir, 'bao-home'));
    bao = await startOpenBao(join(dir, 'bao-home'));
    for (const t of TARGETS) {
      mkdirSync(join(dir, `api-${t}`));
      api[t] = await startApiDouble(join(dir, `api-${t}`), keys[t]);
      await bao.put(`grafana/${t}`, { apiKey: keys[t] });
      // b's Grafana has a second org: the app is configured there, not in org 1.
      grafana[t] = await startGrafanaDouble(
        PLUGIN_DIST,
        'pw-' + randomBytes(9).toString('hex'),
        '127.0.0.1:0',
        t === 'b' ? ['--org', '2=Second'] : []
      );
    }
    const source = (t: Target): SecretSourceConfig => ({
      kind: 'openbao-kv2',
      address: bao.address,
      mount: 'secret',
      path: `grafana/${t}`,
      field: 'apiKey',
      auth: { method: 'token', tokenEnv: 'TEST_BAO_TOKEN' },
    });
    const jsonData = (t: Target) => ({ apiUrl: api[t].url, caCertificateFile: api[t].caFile });
    const cfg: DeploymentConfig = {
      name: 'fleet',
      pluginId: PLUGIN_ID,
      backend: { kind: 'pg', connStrEnv: 'KIT_PG_CONN_STR', schemaName: 'fleet_state' },
      // The deployment's own fields are target a's; b and c set theirs over them.
      grafana: { url: grafana.a.url, orgId: 1, authEnv: 'GRAFANA_A_AUTH' },
      plugin: {
        enabled: true,
        pinned: true,
        jsonData: { ...jsonData('a'), allowedPaths: ['/echo'], healthPath: '/profile', timeoutSeconds: 10 },
      },
      secretSource: source('a'),
      docker: { ...({} as DeploymentConfig['docker']), enabled: false },
      fleet: {
        targets: [
          { name: 'a' },
          ...(['b', 'c'] as const).map((t) => ({
            name: t,
            grafana: { url: grafana[t].url, orgId: ORG[t], authEnv: `GRAFANA_${t.toUpperCase()}_AUTH` },
            secretSource: source(t),
            plugin: { jsonData: jsonData(t) },
          })),
        ],
      },
    };
    ws = workspace(dir, cfg);
    env = {
      GRAFANA_A_AUTH: grafana.a.auth,
      GRAFANA_B_AUTH: grafana.b.auth,
      // c's credential is wrong on purpose: Grafana answers 401.
      GRAFANA_C_AUTH: 'admin:not-the-password',
      TEST_BAO_TOKEN: bao.rootToken,
      KIT_PG_CONN_STR: pg.connStr,
    };
  });

  afterAll(async () => {
    for (const t of TARGETS) {
      await grafana[t]?.stop();
      await api[t]?.stop();
    }
    await bao?.stop();
    await pg?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('deploys a and b (b in org 2) while c fails on its credential; the table says so and the exit code is not 0', async () => {
    const watch = watchProcesses([...Object.values(keys), bao.rootToken]);
    const r = await kit('deploy', ws, env, [], ['--parallel', '3']);
    const seen = watch.stop();
    const out = (outputs['deploy 1'] = r.stdout + r.stderr);
    expect(r.code, out).toBe(1);

    expect(row(r.stdout, 'a')).toMatch(/^a +http:\/\/127\.0\.0\.1:\d+ +1 +1 +deployed +\d+\.\d s$/);
    expect(row(r.stdout, 'b')).toMatch(/^b +http:\/\/127\.0\.0\.1:\d+ +2 +1 +deployed +\d+\.\d s$/);
    expect(row(r.stdout, 'c')).toMatch(
      /^c +http:\/\/127\.0\.0\.1:\d+ +1 +1 +failed +\d+\.\d s +apply: Error: Grafana rejected the credentials \(401\)$/
    );
    expect(r.stderr).toMatch(/1 of 3 targets failed: c/);

    // a and b: settings in the right org, and the real plugin calls each API with that target's key.
    for (const t of ['a', 'b'] as const) {
      const settings = await grafanaGet(grafana[t], `/api/plugins/${PLUGIN_ID}/settings`, ORG[t]);
      expect(settings.body).toMatchObject({
        enabled: true,
        jsonData: { apiUrl: api[t].url },
        secureJsonFields: { apiKey: true },
      });
      const inUse = await grafanaGet(
        grafana[t],
        `/api/grafana-double/secret-in-use?orgId=${ORG[t]}&key=apiKey`,
        ORG[t]
      );
      expect(inUse.body).toMatchObject({ stored: true });
      const profile = await grafanaGet(grafana[t], `/api/plugins/${PLUGIN_ID}/resources/profile`, ORG[t]);
      expect(profile, t).toEqual({ status: 200, body: expect.objectContaining({ name: 'Ada Lovelace' }) });
    }
    // b's org 1 was not touched.
    expect((await grafanaGet(grafana.b, `/api/plugins/${PLUGIN_ID}/settings`, 1)).body.enabled).not.toBe(true);
    // c: nothing was written to its Grafana.
    expect((await grafanaGet(grafana.c, `/api/plugins/${PLUGIN_ID}/settings`, 1)).body.enabled).not.toBe(true);

    // Each target's terraform and provider held its own key only; no child held the store's token.
    const children = kitChildren(seen, ws.outdir);
    for (const t of TARGETS) {
      const stackDir = join(ws.outdir, 'stacks', `fleet-${t}-plugin-settings`);
      const own = children.filter((c) => c.cwd === stackDir || c.argv.includes(`-chdir=${stackDir}`));
      expect(
        own.map((c) => c.command),
        t
      ).toContain('terraform');
      for (const c of own)
        expect(
          [...c.inEnviron].filter((k) => k !== keys[t]),
          `${c.command} of ${t}`
        ).toEqual([]);
      expect(
        own.some((c) => c.command === 'terraform' && c.inEnviron.has(keys[t])),
        `${t}: the watch saw its key`
      ).toBe(true);
    }
    expect(children.filter((c) => c.inEnviron.has(bao.rootToken)).map((c) => c.command)).toEqual([]);
  });

  it("leaves every state whole: no lock left, c's state empty, a and b's unchanged by a diff", async () => {
    expect(await pg.psql("select count(*) from pg_locks where locktype = 'advisory'")).toBe('0');
    const schemas = await pg.psql(
      "select string_agg(schema_name, ',' order by schema_name) from information_schema.schemata where schema_name like 'fleet_state%'"
    );
    expect(schemas).toBe('fleet_state_a,fleet_state_b,fleet_state_c');
    // c's failed apply left a whole, empty state; a's holds its one resource.
    const stateOf = async (t: Target) =>
      JSON.parse(await pg.psql(`select data from fleet_state_${t}.states where name = 'default'`)) as {
        resources: { type: string }[];
      };
    expect((await stateOf('c')).resources).toEqual([]);
    expect((await stateOf('a')).resources.map((r) => r.type)).toEqual(['grafanaapp_plugin_settings']);
    const r = await kit('diff', ws, env, [], ['--targets', 'a,b']);
    const out = (outputs['diff a,b'] = r.stdout + r.stderr);
    expect(r.code, out).toBe(0);
    expect(row(r.stdout, 'a')).toMatch(/ no changes /);
    expect(row(r.stdout, 'b')).toMatch(/ no changes /);
    expect(r.stdout).not.toMatch(/^c /m);
  });

  it('deploys c once its credential is fixed, and finds nothing to change on a and b', async () => {
    const r = await kit('deploy', ws, { ...env, GRAFANA_C_AUTH: grafana.c.auth });
    const out = (outputs['deploy 2'] = r.stdout + r.stderr);
    expect(r.code, out).toBe(0);
    for (const t of TARGETS) expect(row(r.stdout, t)).toMatch(/ deployed /);
    expect(r.stderr).toMatch(/\[kit\] \[a\] Apply complete! Resources: 0 added, 0 changed, 0 destroyed\./);
    expect(r.stderr).toMatch(/\[kit\] \[b\] Apply complete! Resources: 0 added, 0 changed, 0 destroyed\./);
    expect(r.stderr).toMatch(/\[kit\] \[c\] Apply complete! Resources: 1 added, 0 changed, 0 destroyed\./);
    const profile = await grafanaGet(grafana.c, `/api/plugins/${PLUGIN_ID}/resources/profile`, 1);
    expect(profile).toEqual({ status: 200, body: expect.objectContaining({ name: 'Ada Lovelace' }) });
  });

  it("leaves none of the three keys in cdktf.out, the states, the plugins' answers or any output", async () => {
    const states = await pg.psql(
      'select data from fleet_state_a.states union all select data from fleet_state_b.states union all select data from fleet_state_c.states'
    );
    expect(states).toMatch(/grafanaapp_plugin_settings/); // the scan sees the states
    const answers: Record<string, string> = {};
    for (const t of TARGETS)
      answers[`settings of ${t}`] = JSON.stringify(
        await grafanaGet(grafana[t], `/api/plugins/${PLUGIN_ID}/settings`, ORG[t])
      );
    expect(
      findCanaries(Object.values(keys), [dir], { ...outputs, ...answers, 'states in PostgreSQL': states })
    ).toEqual([]);
  });
});
