// Bundles the browser harness (test code, this folder) into
// node_modules/.cache/apibridge-harness/: one IIFE with real React and
// @grafana/ui, plus index.html. The plugin itself is not in it: the harness
// loads the built dist/module.js (create-plugin's webpack build).
import * as esbuild from 'esbuild';
import { cp, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const harnessSrc = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(harnessSrc, '../../..');
// Under node_modules/.cache so the build output is never committed.
const harnessOut = path.join(root, 'node_modules/.cache/apibridge-harness');

export async function buildHarness() {
  await rm(harnessOut, { recursive: true, force: true });
  await mkdir(harnessOut, { recursive: true });
  const result = await esbuild.build({
    entryPoints: [path.join(harnessSrc, 'harness.tsx')],
    outfile: path.join(harnessOut, 'harness.js'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    minify: true,
    logLevel: 'error',
    metafile: true,
    // @grafana/ui pulls in fonts, images and CSS for components the harness
    // never shows; load them as files so the bundle builds.
    loader: { '.svg': 'file', '.png': 'file', '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.css': 'css' },
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
  });
  await cp(path.join(harnessSrc, 'index.html'), path.join(harnessOut, 'index.html'));
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  console.log(`harness: ${path.relative(root, harnessOut)} (${(bytes / 1e6).toFixed(1)} MB)`);
  return harnessOut;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildHarness();
}
