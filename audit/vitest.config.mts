// Vitest for audit/ (root vitest, Node): the runner's tests. They run OPA,
// terraform, gitleaks and the SARIF Multitool for real, one file at a time
// (2 cores). The global setup runs the whole audit over the repository once;
// the tests that need the real synth output and route table read it.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**'],
    globalSetup: ['./runner/real-audit.global-setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
