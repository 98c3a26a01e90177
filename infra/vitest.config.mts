// Vitest for infra/: unit and synth tests (*.test.ts, scripts/tests/40-infra.sh)
// and integration tests (*.integration.test.ts, 42-infra-integration.sh),
// which start real processes. Both run files in parallel: each integration
// file has its own temporary directories, synth output, state, ports, doubles
// and stores, and most of its time is spent waiting on them, so three at a
// time fill two cores.
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
    fileParallelism: true,
    ...(integration ? { maxWorkers: 3 } : {}),
    testTimeout: integration ? 240_000 : 60_000,
    hookTimeout: integration ? 240_000 : 60_000,
  },
});
