// `npm run bench:build`: the frontend build before and after the move to
// create-plugin, measured in one run on the same src/: the former esbuild +
// AMD wrapper build (read from git history, commit BASELINE_COMMIT) and
// create-plugin's webpack build, cold (webpack's filesystem cache emptied) and
// warm. Prints wall time (median, min-max of RUNS) and module.js / all-scripts
// size, raw and gzipped. Each build writes into its own temporary copy.
import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BASELINE_COMMIT = '2d3a6ea';
const BASELINE_FILES = ['build.mjs', 'amd.mjs', 'externals.mjs'];
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

const pluginRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(pluginRoot, '..');

function run(command, args, cwd, env = {}) {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${result.stdout}\n${result.stderr}`);
  }
  return seconds;
}

/** A copy of plugin/ without dist/ and with node_modules linked, so each build writes only there. */
async function workspace(label) {
  const dir = await mkdtemp(path.join(tmpdir(), `apibridge-bench-${label}-`));
  for (const entry of await readdir(pluginRoot)) {
    if (!['node_modules', 'dist', 'pkg', 'test-results'].includes(entry)) {
      await cp(path.join(pluginRoot, entry), path.join(dir, entry), { recursive: true });
    }
  }
  await symlink(path.join(pluginRoot, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

async function sizes(dist) {
  const scripts = (await readdir(dist)).filter((name) => name.endsWith('.js'));
  const read = await Promise.all(scripts.map((name) => readFile(path.join(dist, name))));
  const moduleJs = await readFile(path.join(dist, 'module.js'));
  return {
    module: moduleJs.length,
    moduleGzip: gzipSync(moduleJs).length,
    all: read.reduce((n, b) => n + b.length, 0),
    allGzip: read.reduce((n, b) => n + gzipSync(b).length, 0),
    scripts: scripts.length,
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(label, dir, build) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    times.push(await build(dir));
  }
  const s = await sizes(path.join(dir, 'dist'));
  return { label, times, ...s };
}

const esbuildDir = await workspace('esbuild');
await mkdir(path.join(esbuildDir, '.config'), { recursive: true });
for (const file of BASELINE_FILES) {
  const show = spawnSync('git', ['show', `${BASELINE_COMMIT}:plugin/.config/${file}`], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (show.status !== 0) {
    throw new Error(`git show ${BASELINE_COMMIT}:plugin/.config/${file} failed: ${show.stderr}`);
  }
  await writeFile(path.join(esbuildDir, '.config', `baseline-${file}`), show.stdout.replaceAll("'./", "'./baseline-"));
}
const webpackDir = await workspace('webpack');
const webpackCache = path.join(pluginRoot, 'node_modules/.cache/webpack');
const webpack = path.join(pluginRoot, 'node_modules/.bin/webpack');
const webpackArgs = ['-c', './webpack.config.ts', '--env', 'production'];

const results = [
  await measure('esbuild + AMD wrapper (before)', esbuildDir, (dir) =>
    run(process.execPath, ['.config/baseline-build.mjs'], dir, { KIT_PLUGIN_DIST: path.join(dir, 'dist') })
  ),
  await measure('create-plugin webpack, cold cache (after)', webpackDir, async (dir) => {
    await rm(webpackCache, { recursive: true, force: true });
    return run(webpack, webpackArgs, dir);
  }),
  await measure('create-plugin webpack, warm cache (after)', webpackDir, (dir) => run(webpack, webpackArgs, dir)),
];

console.log(`frontend build, ${RUNS} runs each, same src/ (baseline from ${BASELINE_COMMIT}):`);
console.log('| build | wall s, median (min-max) | module.js bytes (gzip) | all scripts bytes (gzip) |');
console.log('| --- | --- | --- | --- |');
for (const r of results) {
  const t = `${median(r.times).toFixed(1)} (${Math.min(...r.times).toFixed(1)}-${Math.max(...r.times).toFixed(1)})`;
  console.log(`| ${r.label} | ${t} | ${r.module} (${r.moduleGzip}) | ${r.scripts} files, ${r.all} (${r.allGzip}) |`);
}
await rm(esbuildDir, { recursive: true, force: true });
await rm(webpackDir, { recursive: true, force: true });
