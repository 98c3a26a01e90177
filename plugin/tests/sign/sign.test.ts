// @vitest-environment node
// `npm run sign` (scripts/sign.mjs) needs a grafana.com token and network, so
// only its failure paths run here: each must stop before any network call,
// say what to do, and never print the token. HTTPS_PROXY points at a closed
// loopback port, so a run that did reach for the network would fail
// differently from the messages checked here.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const pluginRoot = path.resolve(import.meta.dirname, '../..');
const TOKEN_CANARY = `glc_canary-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

let emptyDist: string;
let frontendOnlyDist: string;

async function sign(env: Record<string, string>, args: string[] = []) {
  const base = { ...process.env };
  delete base.GRAFANA_ACCESS_POLICY_TOKEN;
  delete base.GRAFANA_API_KEY;
  try {
    await run(process.execPath, ['scripts/sign.mjs', ...args], {
      cwd: pluginRoot,
      timeout: 30_000,
      env: { ...base, HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', ...env },
    });
    return { code: 0, output: '' };
  } catch (err) {
    const failed = err as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code, output: `${failed.stdout}${failed.stderr}` };
  }
}

beforeAll(async () => {
  emptyDist = await mkdtemp(path.join(tmpdir(), 'apibridge-sign-empty-'));
  frontendOnlyDist = await mkdtemp(path.join(tmpdir(), 'apibridge-sign-frontend-'));
  await writeFile(path.join(frontendOnlyDist, 'plugin.json'), JSON.stringify({ executable: 'gpx_apibridge' }));
  await writeFile(path.join(frontendOnlyDist, 'module.js'), 'define([], function () { return {}; });');
});

afterAll(async () => {
  await rm(emptyDist, { recursive: true, force: true });
  await rm(frontendOnlyDist, { recursive: true, force: true });
});

describe('npm run sign, failure paths', () => {
  it.each([
    ['unset', {}],
    ['empty', { GRAFANA_ACCESS_POLICY_TOKEN: '' }],
    ['blank', { GRAFANA_ACCESS_POLICY_TOKEN: '  \n' }],
  ])('stops when GRAFANA_ACCESS_POLICY_TOKEN is %s, and says how to get one', async (_label, env) => {
    const { code, output } = await sign(env);
    expect(code).toBe(1);
    expect(output).toContain('npm run sign: GRAFANA_ACCESS_POLICY_TOKEN is not set');
    expect(output).toMatch(/access policy token with the plugins:write scope/);
    expect(output).toMatch(/Fix: .*export GRAFANA_ACCESS_POLICY_TOKEN.*--rootUrls/);
  });

  it('names the deprecated GRAFANA_API_KEY without using or printing it', async () => {
    const { code, output } = await sign({ GRAFANA_API_KEY: TOKEN_CANARY });
    expect(code).toBe(1);
    expect(output).toContain('GRAFANA_API_KEY is set, but it is the deprecated name');
    expect(output).not.toContain(TOKEN_CANARY);
  });

  it('refuses a dist/ without the build, before any network call, without printing the token', async () => {
    const { code, output } = await sign({ GRAFANA_ACCESS_POLICY_TOKEN: TOKEN_CANARY }, ['--distDir', emptyDist]);
    expect(code).toBe(1);
    expect(output).toContain(`${emptyDist} has no plugin.json or module.js. Fix: run \`npm run build\` first.`);
    expect(output).not.toContain(TOKEN_CANARY);
  });

  it('refuses a dist/ without every backend binary: the signature would not cover them', async () => {
    const { code, output } = await sign({ GRAFANA_ACCESS_POLICY_TOKEN: TOKEN_CANARY }, [
      `--distDir=${frontendOnlyDist}`,
    ]);
    expect(code).toBe(1);
    expect(output).toMatch(/lacks the backend for gpx_apibridge_linux_amd64, .*gpx_apibridge_windows_amd64\.exe/);
    expect(output).not.toContain(TOKEN_CANARY);
  });
});
