// The real-browser test (tests/browser/): Node environment, one file at a
// time, long timeouts for building the doubles on a cold Go cache.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['tests/browser/**/*.browser.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
