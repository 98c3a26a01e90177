// Checks over the standard (create-plugin webpack) build's output, dist/:
// what Grafana loads must import only Grafana's shared modules, carry no copy
// of them, and have its version filled in. Run after `npm run build:frontend`
// (scripts/tests/20-plugin-build.sh does); prints the bundle's size.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import vm from 'node:vm';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';

import pkg from '../../package.json';
import { AMD_MODULE_META, GRAFANA_SHARED, MUST_NOT_BUNDLE } from './grafanaShared';

const dist = path.resolve(import.meta.dirname, '../../dist');

interface SourceMap {
  sources: string[];
}

let moduleJs: string;
let scripts: string[];

/** The dependency list module.js hands to define(), read by running it with a define() that only records. */
function amdDependencies(code: string): string[] {
  let deps: string[] | undefined;
  const define = (names: unknown, factory: unknown) => {
    if (!Array.isArray(names) || typeof factory !== 'function') {
      throw new Error('module.js did not call define([dependencies], factory)');
    }
    deps = names as string[];
  };
  (define as unknown as { amd: object }).amd = {};
  vm.runInNewContext(code, { define, self: {}, window: {} }, { filename: 'dist/module.js' });
  if (!deps) {
    throw new Error('module.js never called define(): it is not an AMD module');
  }
  return deps;
}

beforeAll(async () => {
  if (!existsSync(path.join(dist, 'module.js'))) {
    throw new Error('dist/module.js is missing: run `npm run build:frontend` in plugin/ first');
  }
  moduleJs = await readFile(path.join(dist, 'module.js'), 'utf8');
  scripts = (await readdir(dist)).filter((name) => name.endsWith('.js'));
});

describe('dist/ from the create-plugin webpack build', () => {
  it('module.js is an AMD module that imports only what Grafana shares', () => {
    const deps = amdDependencies(moduleJs);
    const notShared = deps.filter((name) => name !== AMD_MODULE_META && !GRAFANA_SHARED.includes(name));
    expect(notShared).toEqual([]);
    // The page code really uses these: an empty list would mean they were bundled.
    expect(deps).toEqual(expect.arrayContaining(['react', '@grafana/data', '@grafana/runtime', '@grafana/ui', 'rxjs']));
    expect(deps).toContain('@emotion/css');
  });

  it('carries no copy of a module Grafana shares, in module.js or any lazy chunk', async () => {
    expect(scripts).toContain('module.js');
    const bundled: string[] = [];
    for (const script of scripts) {
      const mapFile = path.join(dist, `${script}.map`);
      expect(existsSync(mapFile), `${script} has no source map`).toBe(true);
      const map = JSON.parse(await readFile(mapFile, 'utf8')) as SourceMap;
      bundled.push(...map.sources.filter((source) => MUST_NOT_BUNDLE.test(source)).map((s) => `${script}: ${s}`));
    }
    expect(bundled).toEqual([]);
  });

  it('fills in plugin.json for this version and a production build', async () => {
    const manifest = await readFile(path.join(dist, 'plugin.json'), 'utf8');
    expect(manifest).not.toMatch(/%[A-Z_]+%/);
    const pluginJson = JSON.parse(manifest);
    expect(pluginJson.info.version).toBe(pkg.version);
    expect(pluginJson.info.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(pluginJson.buildMode).toBe('production');
  });

  it('ships every file the catalog README and plugin.json point at', async () => {
    const pluginJson = JSON.parse(await readFile(path.join(dist, 'plugin.json'), 'utf8'));
    const readme = await readFile(path.join(dist, 'README.md'), 'utf8');
    const linked = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)]
      .map((m) => m[1])
      .filter((l) => !/^https?:/.test(l));
    const files = [
      pluginJson.info.logos.small,
      pluginJson.info.logos.large,
      ...pluginJson.info.screenshots.map((s: { path: string }) => s.path),
      ...linked,
      'LICENSE',
      'CHANGELOG.md',
    ];
    expect(linked.length).toBeGreaterThan(0);
    expect(files.filter((file) => !existsSync(path.join(dist, file)))).toEqual([]);
  });

  it('reports the bundle size', async () => {
    let total = 0;
    let totalGzip = 0;
    for (const script of scripts) {
      const code = await readFile(path.join(dist, script));
      total += code.length;
      totalGzip += gzipSync(code).length;
    }
    const moduleBytes = Buffer.byteLength(moduleJs);
    console.log(
      `bundle: module.js ${moduleBytes} bytes (${gzipSync(moduleJs).length} gzipped); ` +
        `${scripts.length} scripts together ${total} bytes (${totalGzip} gzipped)`
    );
    // Far above today's size and far below a bundled React or @grafana/ui
    // (several MB): catches a shared module slipping into the bundle.
    expect(total).toBeLessThan(300_000);
  });
});
