// @grafana/plugin-e2e suite against a real Grafana (docker-compose.yaml at the
// repo root). NOT run by this repo's CI: its machines have no Docker engine.
//
// Browser: a system Chromium, never a Playwright download. CHROMIUM_PATH (or
// Debian's /usr/bin/chromium) is required; `npx playwright install` is not.
// Credentials come from the same files docker compose reads, so neither the
// admin password nor the API key has to sit in an environment variable:
//   GRAFANA_ADMIN_PASSWORD_FILE  the Grafana admin password (compose secret)
//   APIBRIDGE_API_KEY_FILE       the API key, for the canary scan in appPage.spec.ts
import type { PluginOptions } from '@grafana/plugin-e2e';
import { defineConfig, devices } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

// Playwright loads this file as CommonJS (package.json has no "type": "module").
const e2eDir = path.join(__dirname, 'tests/e2e');
const pluginE2eAuthDir = path.join(path.dirname(require.resolve('@grafana/plugin-e2e')), 'auth');

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  throw new Error(
    `${chromium} does not exist: install a Chromium (Debian: apt-get install chromium) or set CHROMIUM_PATH to one`
  );
}
// --headless: the new headless mode of a full Chromium (Playwright's own
// headless shell is what a download would bring).
const launchOptions = {
  executablePath: chromium,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'],
};

const passwordFile = process.env.GRAFANA_ADMIN_PASSWORD_FILE;
if (!passwordFile) {
  throw new Error('set GRAFANA_ADMIN_PASSWORD_FILE to the file docker compose gave Grafana as the admin password');
}
const admin = { user: 'admin', password: readFileSync(passwordFile, 'utf8').trim() };

export default defineConfig<PluginOptions>({
  testDir: e2eDir,
  outputDir: path.join(__dirname, 'test-results/e2e'),
  fullyParallel: false,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: process.env.GRAFANA_URL ?? 'http://127.0.0.1:3000',
    grafanaAPICredentials: admin,
    trace: 'retain-on-failure',
    launchOptions,
  },
  projects: [
    {
      name: 'auth',
      testDir: pluginE2eAuthDir,
      testMatch: [/.*\.js/],
      use: { user: admin },
    },
    {
      name: 'admin',
      testMatch: /.*\.spec\.ts/,
      use: { ...devices['Desktop Chrome'], launchOptions, storageState: 'playwright/.auth/admin.json' },
      dependencies: ['auth'],
    },
  ],
});
