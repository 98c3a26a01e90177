// @vitest-environment node
// plugin.json's grafanaDependency must name the Grafana line the bundle is
// built for: from the minor release of the installed @grafana/* packages (the
// APIs and React the code was compiled and tested against) up to the next
// major, whose shared React and APIs it has never met.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import pkg from '../package.json';
import pluginJson from './plugin.json';

const nodeModules = path.resolve(import.meta.dirname, '../node_modules');

async function installedVersion(name: string): Promise<string> {
  return JSON.parse(await readFile(path.join(nodeModules, name, 'package.json'), 'utf8')).version;
}

function majorMinor(version: string): [number, number] {
  const match = /^(\d+)\.(\d+)\.\d+/.exec(version);
  if (!match) {
    throw new Error(`not a release version: ${version}`);
  }
  return [Number(match[1]), Number(match[2])];
}

describe('grafanaDependency', () => {
  it.each(['@grafana/runtime', '@grafana/ui', '@grafana/data'])(
    'is ">=<major>.<minor>.0 <<major+1>.0.0" of the installed %s',
    async (name) => {
      const [major, minor] = majorMinor(await installedVersion(name));
      expect(pluginJson.dependencies.grafanaDependency).toBe(`>=${major}.${minor}.0 <${major + 1}.0.0`);
    }
  );

  it('matches the pinned versions in package.json, not only what happens to be installed', async () => {
    for (const name of ['@grafana/runtime', '@grafana/ui', '@grafana/data'] as const) {
      expect(pkg.dependencies[name]).toBe(await installedVersion(name));
    }
  });

  it('goes with React 19, which Grafana 13 shares with plugins', async () => {
    expect(majorMinor(await installedVersion('react'))[0]).toBe(19);
    expect(pluginJson.dependencies.grafanaDependency).toMatch(/^>=13\./);
  });
});
