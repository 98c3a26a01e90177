// Extends create-plugin's webpack configuration (.config/webpack/, which
// `create-plugin update` owns and overwrites) the way its .config/README.md
// describes: a root config that starts from it. Two changes:
//
// - The entry. create-plugin 7.1.7 finds entries by globbing
//   **/src/**/plugin.json from the plugin root, node_modules included, so with
//   @grafana/create-plugin installed locally (pinned, for `create-plugin
//   update` and its test) it would also bundle the templates it ships. This
//   plugin has exactly one entry, src/module.tsx.
// - JSX. The template's swc-loader compiles JSX to React.createElement and
//   expects `import React` in every file; this code uses React 19's automatic
//   runtime (tsconfig "jsx": "react-jsx"), which imports react/jsx-runtime, a
//   module Grafana shares with plugins.
import type { Configuration, RuleSetRule } from 'webpack';

import grafanaConfig, { type Env } from './.config/webpack/webpack.config.ts';

function isSwcRule(rule: unknown): rule is RuleSetRule & { use: { loader: string; options: { jsc: object } } } {
  const use = (rule as RuleSetRule | undefined)?.use as { loader?: string } | undefined;
  return use?.loader === 'swc-loader';
}

const config = async (env: Env): Promise<Configuration> => {
  const base = await grafanaConfig(env);
  const rules = base.module?.rules ?? [];
  const swc = rules.find(isSwcRule);
  if (!swc) {
    throw new Error(
      "webpack.config.ts: create-plugin's swc-loader rule was not found in .config/webpack/webpack.config.ts. " +
        'Fix: after `create-plugin update`, adapt the JSX override here to the new rule.'
    );
  }
  const jsc = swc.use.options.jsc;
  swc.use.options.jsc = { ...jsc, transform: { react: { runtime: 'automatic' } } };
  return { ...base, entry: { module: './module.tsx' } };
};

export default config;
