// The plugin's route table, read from the plugin's own Go code: the
// route-table command (plugin/tests/route-table) imports the plugin package
// and prints plugin.RouteTable(), which is derived from the routeTable
// CallResource enforces, and says per method what the upstream received
// when CallResource was called with it (upstreamMethods; empty when the
// plugin answers the method itself). Not from a document that could say
// otherwise.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuditError, REPO_ROOT, runTool } from './tools';

export interface RouteTable {
  pluginId: string;
  routes: Array<{
    name: string;
    exact: string;
    prefix: string;
    hasHandler: boolean;
    methods: Array<{ method: string; minRole: string; upstreamMethods: string[] }>;
  }>;
}

export const ROUTES_SOURCE = 'plugin/pkg/plugin/routes.go';

export async function readRouteTable(env: NodeJS.ProcessEnv): Promise<RouteTable> {
  const r = await runTool('go', ['run', './tests/route-table'], {
    cwd: join(REPO_ROOT, 'plugin'),
    env,
    timeoutMs: 300_000,
  });
  if (r.code !== 0) throw new AuditError(`go run ./tests/route-table (in plugin/) failed: ${r.stderr.trim()}`);
  return parseRouteTable(r.stdout, 'plugin/tests/route-table');
}

export function routeTableFromFile(file: string): RouteTable {
  return parseRouteTable(readFileSync(file, 'utf8'), file);
}

function parseRouteTable(text: string, from: string): RouteTable {
  try {
    return JSON.parse(text) as RouteTable;
  } catch (e) {
    throw new AuditError(`${from}: the route table is not JSON (${(e as Error).message})`);
  }
}
