// Builds plugin/dist/ the way Grafana loads an app plugin: module.js (AMD,
// Grafana's shared modules left external), plugin.json with version and date
// filled in, img/, README.md, CHANGELOG.md and LICENSE. It replaces only the
// files it writes, so the backend binaries (dist/gpx_apibridge_*, written by
// `go tool mage`) survive a frontend rebuild in either order.
// Usage: node .config/build.mjs [--watch]
import * as esbuild from 'esbuild';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

import { amdWrap } from './amd.mjs';
import { GRAFANA_SHARED } from './externals.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'src');
const dist = process.env.KIT_PLUGIN_DIST || path.join(root, 'dist');
const watch = process.argv.includes('--watch');
const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));

const OWNED = ['module.js', 'module.js.map', 'plugin.json', 'img', 'README.md', 'CHANGELOG.md', 'LICENSE'];

// Dates come from SOURCE_DATE_EPOCH when set so that two builds of one commit match.
function today() {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  const date = epoch ? new Date(Number(epoch) * 1000) : new Date();
  return date.toISOString().slice(0, 10);
}

async function copyAssets() {
  const manifest = (await readFile(path.join(src, 'plugin.json'), 'utf8'))
    .replaceAll('%VERSION%', pkg.version)
    .replaceAll('%TODAY%', today());
  JSON.parse(manifest); // fail the build on a broken plugin.json, not Grafana's start-up
  await writeFile(path.join(dist, 'plugin.json'), manifest);
  await cp(path.join(src, 'img'), path.join(dist, 'img'), { recursive: true });
  for (const file of ['CHANGELOG.md', 'LICENSE']) {
    await cp(path.join(root, file), path.join(dist, file));
  }
  // In the repository the README sits beside src/; in dist/ it sits beside
  // img/, so its image links lose the src/ prefix.
  const readme = await readFile(path.join(root, 'README.md'), 'utf8');
  await writeFile(path.join(dist, 'README.md'), readme.replaceAll('](src/img/', '](img/'));
}

/** Writes module.js from one esbuild result and reports what went into it. */
async function writeModule(result) {
  const [, output] = Object.entries(result.metafile.outputs).find(([file]) => file.endsWith('.js'));
  const externals = [...new Set(output.imports.filter((i) => i.external).map((i) => i.path))].sort();
  const unknown = externals.filter((name) => !GRAFANA_SHARED.includes(name));
  if (unknown.length > 0) {
    throw new Error(`module.js imports modules Grafana does not provide: ${unknown.join(', ')}`);
  }
  const jsFile = result.outputFiles.find((f) => f.path.endsWith('.js'));
  const mapFile = result.outputFiles.find((f) => f.path.endsWith('.js.map'));
  const { code, map } = amdWrap(jsFile.text, mapFile?.text, externals);
  await writeFile(path.join(dist, 'module.js'), code);
  if (map) {
    await writeFile(path.join(dist, 'module.js.map'), map);
  }
  const bundled = Object.keys(result.metafile.inputs).filter((p) => p.includes('node_modules/'));
  const sharedCopies = bundled.filter((p) => GRAFANA_SHARED.some((name) => p.includes(`node_modules/${name.split('/')[0]}/`)));
  if (sharedCopies.length > 0) {
    throw new Error(`module.js would carry its own copy of modules Grafana shares: ${sharedCopies.join(', ')}`);
  }
  const bytes = Buffer.byteLength(code);
  console.log(
    `module.js: ${bytes} bytes (${gzipSync(code).length} gzipped), ` +
      `${Object.keys(result.metafile.inputs).length} inputs (${bundled.length} from node_modules), ` +
      `external: ${externals.join(', ')}`
  );
}

const options = {
  entryPoints: [path.join(src, 'module.tsx')],
  outfile: path.join(dist, 'module.js'),
  bundle: true,
  format: 'cjs',
  platform: 'browser',
  target: 'es2022',
  jsx: 'automatic',
  external: GRAFANA_SHARED,
  minify: !watch,
  sourcemap: 'linked',
  sourcesContent: true,
  legalComments: 'linked',
  metafile: true,
  write: false,
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': JSON.stringify(watch ? 'development' : 'production') },
};

await mkdir(dist, { recursive: true });
await Promise.all(OWNED.map((name) => rm(path.join(dist, name), { recursive: true, force: true })));
await copyAssets();

if (watch) {
  const rebuild = {
    name: 'write-amd-module',
    setup(build) {
      build.onEnd(async (result) => {
        if (result.errors.length === 0) {
          await writeModule(result);
          await copyAssets();
        }
      });
    },
  };
  const ctx = await esbuild.context({ ...options, plugins: [rebuild] });
  await ctx.watch();
  console.log(`watching ${path.relative(process.cwd(), src)} -> ${path.relative(process.cwd(), dist)}`);
} else {
  await writeModule(await esbuild.build(options));
}
