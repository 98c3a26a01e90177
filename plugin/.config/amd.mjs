// Wraps esbuild's CommonJS output in an AMD define() - the module format
// Grafana's SystemJS-based plugin loader reads from module.js. The define()
// names exactly the shared modules the bundle imports; a small require()
// inside the wrapper hands them to the bundled code.
export function amdWrap(cjsCode, sourceMap, externals) {
  const deps = JSON.stringify(externals);
  const params = externals.map((_, i) => `__grafana_dep_${i}`).join(', ');
  const table = externals.map((name, i) => `${JSON.stringify(name)}: __grafana_dep_${i}`).join(', ');
  // Kept on one line so the source map only needs one extra empty line.
  const banner =
    `define(${deps}, function (${params}) { "use strict"; ` +
    `var __deps = { ${table} }; ` +
    `var require = function (name) { if (Object.prototype.hasOwnProperty.call(__deps, name)) return __deps[name]; ` +
    `throw new Error("module.js: " + name + " is not provided by Grafana"); }; ` +
    `var module = { exports: {} }, exports = module.exports;`;
  const footer = `\nreturn module.exports;\n});\n`;
  // The sourceMappingURL comment must stay the last line, outside the wrapper.
  const match = cjsCode.match(/\n?\/\/# sourceMappingURL=[^\n]*\n?$/);
  const body = match ? cjsCode.slice(0, match.index) : cjsCode;
  const trailer = match ? match[0].trim() + '\n' : '';
  const code = banner + '\n' + body + footer + trailer;
  let map = sourceMap;
  if (sourceMap) {
    const parsed = JSON.parse(sourceMap);
    parsed.mappings = ';' + parsed.mappings;
    map = JSON.stringify(parsed);
  }
  return { code, map };
}
