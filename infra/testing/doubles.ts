// Test helper: the Grafana double (running the real plugin binary) and the
// third-party API double from testkit/, built once per test run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readyLine, run, startProcess, type Started } from './processes';

export const REPO_ROOT = resolve(__dirname, '../..');

let built: Promise<string> | undefined;
/** go build the doubles' commands into a shared directory (cached by Go). */
export function buildDoubles(): Promise<string> {
  built ??= (async () => {
    const out = join(REPO_ROOT, '.tools', 'doubles');
    mkdirSync(out, { recursive: true });
    for (const cmd of ['grafana-double', 'api-double']) {
      const r = await run('go', ['build', '-o', join(out, cmd), `./cmd/${cmd}`], { cwd: join(REPO_ROOT, 'testkit') });
      if (r.code !== 0) throw new Error(`go build ${cmd} failed:\n${r.stderr}`);
    }
    return out;
  })();
  return built;
}

export interface GrafanaDouble extends Started {
  url: string;
  auth: string;
}

/** `extraArgs`: more of the double's flags, e.g. ["--token", "glsa_x=Viewer"] for a read-only service-account token. */
export async function startGrafanaDouble(
  pluginDir: string,
  adminPassword: string,
  addr = '127.0.0.1:0',
  extraArgs: string[] = []
): Promise<GrafanaDouble> {
  const bin = join(await buildDoubles(), 'grafana-double');
  // The API double listens on loopback: the operator's allowed_networks lets the plugin call it.
  const p = startProcess(bin, [
    '--addr',
    addr,
    '--plugin-dir',
    pluginDir,
    '--admin',
    `admin:${adminPassword}`,
    '--plugin-setting',
    'allowed_networks=127.0.0.0/8,::1',
    ...extraArgs,
  ]);
  const { url } = await readyLine<{ url: string }>(p);
  return { ...p, url, auth: `admin:${adminPassword}` };
}

export interface ApiDouble extends Started {
  url: string;
  caFile: string;
}

/** Starts the API double accepting `key` (passed by file, never on the command line). */
export async function startApiDouble(dir: string, key: string, addr = '127.0.0.1:0'): Promise<ApiDouble> {
  const bin = join(await buildDoubles(), 'api-double');
  const keyFile = join(dir, 'api-double.key');
  writeFileSync(keyFile, key, { mode: 0o600 });
  const caFile = join(dir, 'api-double-ca.pem');
  const p = startProcess(bin, ['--addr', addr, '--key-file', keyFile, '--ca-out', caFile]);
  const ready = await readyLine<{ url: string; caFile: string }>(p);
  writeFileSync(keyFile, ''); // the double has read it; leave no key on disk
  return { ...p, url: ready.url, caFile: ready.caFile };
}
