import { describe, expect, it } from 'vitest';

import { amdWrap } from './amd.mjs';

// Runs wrapped code the way an AMD loader does: a global define() that
// receives the dependency names and the factory.
function loadAmd(code: string, provided: Record<string, unknown>) {
  let deps: string[] = [];
  let exported: unknown;
  const define = (names: string[], factory: (...args: unknown[]) => unknown) => {
    deps = names;
    exported = factory(...names.map((n) => provided[n]));
  };
  new Function('define', code)(define);
  return { deps, exported };
}

describe('amdWrap', () => {
  const cjs = 'var r = require("react"); exports.plugin = { react: r.version };\n//# sourceMappingURL=module.js.map\n';
  const map = JSON.stringify({ version: 3, mappings: 'AAAA', sources: ['a.ts'], names: [] });

  it('names the externals in define() and hands them to require()', () => {
    const { code } = amdWrap(cjs, map, ['react']);
    const { deps, exported } = loadAmd(code, { react: { version: '19' } });
    expect(deps).toEqual(['react']);
    expect(exported).toEqual({ plugin: { react: '19' } });
  });

  it('fails loudly when the bundle asks for a module it did not declare', () => {
    const { code } = amdWrap('require("lodash");', undefined, ['react']);
    expect(() => loadAmd(code, { react: {} })).toThrow('module.js: lodash is not provided by Grafana');
  });

  it('keeps the sourceMappingURL last and shifts the map by the banner line', () => {
    const { code, map: shifted } = amdWrap(cjs, map, ['react']);
    expect(code.trimEnd().split('\n').at(-1)).toBe('//# sourceMappingURL=module.js.map');
    expect(code.split('\n')[0]).toMatch(/^define\(\["react"\], function \(__grafana_dep_0\)/);
    expect(JSON.parse(shifted!).mappings).toBe(';AAAA');
  });
});
