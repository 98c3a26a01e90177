// @grafana/plugin-e2e suite against a real Grafana (docker-compose.yaml at the
// repo root). NOT run by this repo's CI: its machines have no Docker engine.
// Playwright's own browser download is not needed: when Debian's chromium is
// installed it is used instead (CHROMIUM_PATH overrides).
import type { PluginOptions } from '@grafana/plugin-e2e';
import { defineConfig, devices } from '@playwright/test';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const pluginE2eAuthDir = path.join(path.dirname(fileURLToPath(import.meta.resolve('@grafana/plugin-e2e'))), 'auth');
const systemChromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const launchOptions = existsSync(systemChromium)
  ? { executablePath: systemChromium, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'] }
  : {};
const adminPassword = process.env.GRAFANA_ADMIN_PASSWORD;

export default defineConfig<PluginOptions>({
  testDir: here,
  outputDir: path.join(here, '../../test-results'),
  fullyParallel: false,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: process.env.GRAFANA_URL ?? 'http://127.0.0.1:3000',
    grafanaAPICredentials: { user: 'admin', password: adminPassword ?? 'admin' },
    trace: 'retain-on-failure',
    launchOptions,
  },
  projects: [
    {
      name: 'auth',
      testDir: pluginE2eAuthDir,
      testMatch: [/.*\.js/],
      use: { user: { user: 'admin', password: adminPassword ?? 'admin' } },
    },
    {
      name: 'admin',
      testMatch: /.*\.spec\.ts/,
      use: { ...devices['Desktop Chrome'], launchOptions, storageState: 'playwright/.auth/admin.json' },
      dependencies: ['auth'],
    },
  ],
});
