// Component and unit tests (jsdom, Testing Library, files beside the code),
// plus the Node-side checks in tests/ that need no build: settings parity with
// the Go backend, the Docker dev-loop files, create-plugin recognising the
// project, and `npm run sign`'s failure paths.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'jsdom',
    include: [
      'src/**/*.test.{ts,tsx}',
      'tests/settings-parity/*.test.ts',
      'tests/dev-loop/*.test.ts',
      'tests/create-plugin/*.test.ts',
      'tests/sign/*.test.ts',
    ],
    setupFiles: ['./vitest.setup.ts'],
    css: false,
    testTimeout: 20_000,
    server: { deps: { inline: [/@grafana\//] } },
  },
});
