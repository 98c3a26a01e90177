// Test code: what every browser test starts around the harness page - the
// Grafana double's arguments for the built plugin and its static files, and
// a Chromium whose responses and errors are collected for the canary scans
// and the last test's error check.
import path from 'node:path';
import { BrowserContext, chromium, Page } from 'playwright-core';

import { Artifact } from './canary';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium';

export const PLUGIN_ID = 'platformkit-apibridge-app';
export const pluginRoot = path.resolve(import.meta.dirname, '../..');
export const dist = path.join(pluginRoot, 'dist');

/**
 * The Grafana double serving the built plugin and the harness, with the plugin's log in work/, and
 * the API doubles' loopback addresses allowed by the operator's allowed_networks. `accounts` are the
 * double's --admin/--user flags.
 */
export function harnessDoubleArgs(work: string, harnessDir: string, accounts: string[]): string[] {
  return [
    '--plugin-dir',
    dist,
    ...accounts,
    '--static',
    `/harness/=${harnessDir}`,
    '--static',
    `/public/plugins/${PLUGIN_ID}/=${dist}`,
    '--static',
    `/public/build/img/icons/=${path.join(pluginRoot, 'node_modules/@grafana/ui/dist/public/img/icons')}`,
    '--plugin-log',
    path.join(work, 'plugin.log'),
    '--plugin-setting',
    'allowed_networks=127.0.0.0/8,::1',
  ];
}

/** What a watched page saw: every response body, and every uncaught error or console.error. */
export interface PageWatch {
  responseBodies: Artifact[];
  pendingBodies: Array<Promise<void>>;
  pageErrors: string[];
}

/** Chromium (Debian's) on the double at baseURL, its page watched into `watch`. */
export async function launchWatchedPage(
  work: string,
  baseURL: string,
  watch: PageWatch
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.launchPersistentContext(path.join(work, 'chromium-profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    baseURL,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('response', (response) => {
    watch.pendingBodies.push(
      response
        .body()
        .then((body) => void watch.responseBodies.push({ name: `response ${response.url()}`, content: body }))
        .catch(() => undefined)
    );
  });
  // Uncaught errors and console.error output (React's warnings among them)
  // fail the run in the last test instead of scrolling past in the log.
  page.on('pageerror', (err) => watch.pageErrors.push(`uncaught: ${err.message}`));
  page.on('console', (message) => {
    // Chromium's own "Failed to load resource" lines are left out: the tests
    // provoke error statuses on purpose (key refused), and Grafana's fonts and
    // spinner icon are served by Grafana itself, not shipped in any npm package.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      watch.pageErrors.push(`console.error: ${message.text()} (${message.location().url})`);
    }
  });
  return { context, page };
}
