// Component and unit tests: jsdom, Testing Library, files beside the code.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}', '.config/**/*.test.ts', 'tests/settings-parity/*.test.ts', 'tests/dev-loop/*.test.ts'],
    setupFiles: ['./.config/vitest.setup.ts'],
    css: false,
    testTimeout: 20_000,
    server: { deps: { inline: [/@grafana\//] } },
  },
});
