// Lint rules for the kit's own TypeScript outside the plugin: infra/ (the
// CDK Terrain stacks, constructs, runner and their tests) and audit/ (the
// audit runner and the leak sweep). The same rule set as plugin/eslint.config.mjs
// (ESLint's and typescript-eslint's recommended sets, eqeqeq, unused
// variables), minus React's, which has no place here. plugin/ keeps its own
// config and its own run (scripts/tests/25-plugin-frontend.sh).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'plugin/',
      '**/node_modules/',
      '.tools/',
      '.gen/',
      'cdktf.out/',
      'coverage/',
      '.artifacts/',
      '.demo/',
      '.state/',
      'infra/terraform-provider-grafanaapp/',
      'infra/library/dist/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,mts,mjs}'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // The library (config, constructs, stacks) never prints: what it knows
    // ends up in synth output, and a key must have no other way out. The
    // runner and the CLIs (infra/main.ts, infra/bin/, audit/) report on the
    // console.
    files: ['infra/config/**', 'infra/constructs/**', 'infra/stacks/**'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-console': 'error' },
  }
);
