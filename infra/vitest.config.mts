// Vitest for infra/: unit and synth tests (*.test.ts) run in parallel;
// integration tests (*.integration.test.ts) start real processes and run one
// file at a time (scripts/tests/40-infra.sh runs the two groups).
import { defineConfig } from 'vitest/config';

const integration = process.env.KIT_TEST_GROUP === 'integration';

export default defineConfig({
  test: {
    root: import.meta.dirname,
    globals: true, // cdktn's matchers extend the global `expect`
    setupFiles: ['./vitest.setup.ts'],
    include: integration ? ['**/*.integration.test.ts'] : ['**/*.test.ts'],
    exclude: [
      'terraform-provider-grafanaapp/**',
      'node_modules/**',
      ...(integration ? [] : ['**/*.integration.test.ts']),
    ],
    fileParallelism: !integration,
    testTimeout: integration ? 240_000 : 60_000,
    hookTimeout: integration ? 240_000 : 60_000,
  },
});
