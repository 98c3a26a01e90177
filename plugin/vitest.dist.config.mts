// Checks over the built dist/ (tests/dist/): run after `npm run build:frontend`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['tests/dist/**/*.test.ts'],
  },
});
