// The pg backend against a real PostgreSQL: two deploys of the same stack at
// once; the second fails on the state lock while the first holds it; the
// first finishes and the state is intact.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentConfig } from '../config/types';
import { canary, findCanaries } from '../testing/canary';
import { startApiDouble, startGrafanaDouble, type ApiDouble, type GrafanaDouble } from '../testing/doubles';
import { kit, workspace, type Workspace } from '../testing/kit-runner';
import { startPostgres, type Postgres } from '../testing/postgres';
import { freePort, run, waitFor } from '../testing/processes';
import { PLUGIN_DIST, PLUGIN_ID, profile, requirePluginBuilt } from '../testing/settings-deployment';

const apiKey = canary('pg');
const STACK = 'apibridge-plugin-settings';

describe('pg backend with PostgreSQL locking', () => {
  let pg: Postgres;
  let api: ApiDouble;
  let grafana: GrafanaDouble | undefined;
  let dir: string;
  let grafanaPort: number;
  let cfg: DeploymentConfig;
  const password = 'pw-' + randomBytes(9).toString('hex');
  const env = () => ({
    GRAFANA_AUTH: `admin:${password}`,
    KIT_PG_CONN_STR: pg.connStr,
    TF_VAR_apibridge_api_key: apiKey,
    GRAFANA_RETRY_TIMEOUT: '180s',
  });
  const ws = (name: string): Workspace => workspace(join(dir, name), cfg);

  beforeAll(async () => {
    requirePluginBuilt();
    pg = await startPostgres();
    dir = mkdtempSync(join(tmpdir(), 'kit-pg-deploy-'));
    api = await startApiDouble(dir, apiKey);
    grafanaPort = await freePort();
    cfg = {
      name: 'apibridge',
      pluginId: PLUGIN_ID,
      backend: { kind: 'pg', connStrEnv: 'KIT_PG_CONN_STR', schemaName: 'apibridge_state' },
      grafana: { url: `http://127.0.0.1:${grafanaPort}`, orgId: 1, authEnv: 'GRAFANA_AUTH' },
      plugin: { enabled: true, pinned: true, jsonData: { apiUrl: api.url, caCertificateFile: api.caFile } },
      secretSource: { kind: 'ephemeral-variable', variableName: 'apibridge_api_key', version: 1 },
      docker: { ...({} as DeploymentConfig['docker']), enabled: false },
    };
  });
  afterAll(async () => {
    await grafana?.stop();
    await api?.stop();
    await pg?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lets one deploy hold the lock; a concurrent one fails on it; the state stays intact', async () => {
    // Grafana is not up yet: deploy A holds the state lock while our provider retries.
    let aDone: { code: number; stdout: string; stderr: string } | undefined;
    const a = kit('deploy', ws('a'), env()).then((r) => (aDone = r));
    await waitFor(
      'deploy A to hold the advisory lock',
      async () => Number(await pg.psql("select count(*) from pg_locks where locktype = 'advisory' and granted")) > 0,
      120_000,
      () => (aDone ? new Error(`deploy A ended before taking the lock:\n${aDone.stdout}${aDone.stderr}`) : undefined)
    );

    const b = await kit('deploy', ws('b'), env());
    expect(b.code).not.toBe(0);
    expect(b.stdout + b.stderr).toMatch(/Error acquiring the state lock/);

    grafana = await startGrafanaDouble(PLUGIN_DIST, password, `127.0.0.1:${grafanaPort}`);
    const ra = await a;
    expect(ra.code, ra.stdout + ra.stderr).toBe(0);
    expect((await profile(grafana)).status).toBe(200);

    // The state in PostgreSQL is whole: one settings resource, no lock left, and a re-deploy finds nothing to change.
    const stackDir = join(dir, 'a', 'cdktf.out', 'stacks', STACK);
    const list = await run('terraform', ['state', 'list'], {
      cwd: stackDir,
      env: { ...process.env, PG_CONN_STR: pg.connStr },
    });
    expect(list.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^grafanaapp_plugin_settings\./)]);
    expect(await pg.psql("select count(*) from pg_locks where locktype = 'advisory'")).toBe('0');
    const again = await kit('deploy', ws('b'), env());
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout + again.stderr).toMatch(/No changes|0 added, 0 changed, 0 destroyed/);

    const pulled = await run('terraform', ['state', 'pull'], {
      cwd: stackDir,
      env: { ...process.env, PG_CONN_STR: pg.connStr },
    });
    expect(JSON.parse(pulled.stdout)).toMatchObject({ lineage: expect.any(String), serial: expect.any(Number) });
    const dump = await pg.psql('select data from apibridge_state.states');
    expect(
      findCanaries([apiKey], [dir], {
        'deploy A': ra.stdout + ra.stderr,
        'deploy B': b.stdout + b.stderr,
        're-deploy': again.stdout + again.stderr,
        'state in PostgreSQL': dump,
        'state pull': pulled.stdout,
      })
    ).toEqual([]);
  });
});
