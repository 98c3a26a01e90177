// One formatter for all of the kit's TypeScript (plugin/, infra/, audit/):
// Prettier with the settings @grafana/create-plugin scaffolds into a plugin
// (its .config/.prettierrc.js). scripts/tests/05-lint.sh checks it;
// `npm run format` applies it.
export default {
  endOfLine: 'auto',
  printWidth: 120,
  trailingComma: 'es5',
  semi: true,
  jsxSingleQuote: false,
  singleQuote: true,
  useTabs: false,
  tabWidth: 2,
};
