// @vitest-environment node
// The project is a create-plugin project to create-plugin itself: the pinned
// @grafana/create-plugin (package.json, node_modules) runs `update` and
// `migrate` on a temporary git copy of plugin/ and must find .config/.cprc.json
// at its own version: nothing to update, no migration offered, no file changed.
import { execFile, spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import pkg from '../../package.json';

const run = promisify(execFile);
const pluginRoot = path.resolve(import.meta.dirname, '../..');
const createPluginPkg = path.join(pluginRoot, 'node_modules/@grafana/create-plugin/package.json');
// Build output and installed packages are not part of the project create-plugin reads.
const NOT_COPIED = new Set(['node_modules', 'dist', 'test-results', 'playwright-report', '.eslintcache']);

let copy: string;
let createPluginBin: string;

interface Outcome {
  code: number;
  output: string;
}

/** Runs the pinned create-plugin with no terminal: stdin is empty, so a prompt gets its default (no) at once. */
function createPlugin(args: string[], cwd: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [createPluginBin, ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: 'true', FORCE_COLOR: '0', NO_COLOR: '1' },
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}

async function git(args: string[]) {
  return (await run('git', args, { cwd: copy })).stdout;
}

beforeAll(async () => {
  const createPlugin = JSON.parse(await readFile(createPluginPkg, 'utf8'));
  createPluginBin = path.join(path.dirname(createPluginPkg), createPlugin.bin);
  copy = await mkdtemp(path.join(tmpdir(), 'apibridge-create-plugin-'));
  await cp(pluginRoot, copy, {
    recursive: true,
    filter: (source) => !NOT_COPIED.has(path.relative(pluginRoot, source).split(path.sep)[0]),
  });
  await git(['init', '-q']);
  await git(['add', '-A']);
  await git(['-c', 'user.name=test', '-c', 'user.email=test@example.test', 'commit', '-q', '-m', 'copy of plugin/']);
}, 60_000);

afterAll(async () => {
  if (copy) {
    await rm(copy, { recursive: true, force: true });
  }
});

describe('@grafana/create-plugin on this project', () => {
  it('is the version package.json pins and .config/.cprc.json records', async () => {
    const installed = JSON.parse(await readFile(createPluginPkg, 'utf8')).version;
    const cprc = JSON.parse(await readFile(path.join(pluginRoot, '.config/.cprc.json'), 'utf8'));
    expect(pkg.devDependencies['@grafana/create-plugin']).toBe(installed);
    expect(cprc.version).toBe(installed);
  });

  it('`update` recognises the project: nothing to update, no migration, no file changed', async () => {
    const { code, output } = await createPlugin(['update'], copy);
    expect(output).toContain('Nothing to update');
    expect(output).not.toMatch(/not a create-plugin project|migrat|Are you inside a plugin directory/i);
    expect(code).toBe(0);
    expect(await git(['status', '--porcelain'])).toBe('');
  });

  it('`migrate` (for projects not made by create-plugin) refuses: the project already uses create-plugin', async () => {
    const { code, output } = await createPlugin(['migrate'], copy);
    expect(output).toContain('Your plugin is already using create-plugin');
    expect(code).toBe(1);
    expect(await git(['status', '--porcelain'])).toBe('');
  });

  it('without .config/.cprc.json, `migrate` would treat it as a project to migrate (the check can fail)', async () => {
    await rm(path.join(copy, '.config/.cprc.json'));
    await git(['-c', 'user.name=test', '-c', 'user.email=test@example.test', 'commit', '-q', '-am', 'drop .cprc.json']);
    const { output } = await createPlugin(['migrate'], copy);
    expect(output).not.toContain('Your plugin is already using create-plugin');
    expect(output).toContain('The following files will be overriden');
  });
});
