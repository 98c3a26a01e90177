// Real-browser test of named connections: Chromium -> harness -> Grafana
// double -> the real plugin binary -> two HTTPS API doubles, each with its
// own CA and its own canary key. It starts in the old single-connection
// form, adds a second connection (the page asks for the first one's key
// again, see plugin/README.md), sees both health verdicts on the config
// page and the app page, renames one, removes one, and checks after each
// save which secure fields Grafana holds: a renamed or removed
// connection's key is cleared, never left behind. Every key is then
// searched for in every response, page, storage, log and screenshot.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildHarness } from './harness/build.mjs';
import { Artifact, artifactsContaining, filesUnder, newCanary } from './canary';
import { dist, harnessDoubleArgs, launchWatchedPage, PLUGIN_ID, pluginRoot } from './harnessStack';
import { accessibilityViolations, open, pageArtifacts, signIn } from './harnessPage';
import { buildTestkitCommand, startDouble, Started, stop } from './processes';

const screenshots = path.resolve(
  pluginRoot,
  process.env.APIBRIDGE_SCREENSHOTS_DIR ?? path.join(pluginRoot, 'test-results/screenshots')
);

const KEY_A = newCanary('conn-a');
const KEY_B = newCanary('conn-b');
const ADMIN_PASSWORD = newCanary('admin-pw');

type ApiDouble = Started<{ url: string; caFile: string }>;
let work: string;
let apiA: ApiDouble | undefined;
let apiB: ApiDouble | undefined;
let grafana: Started<{ url: string }> | undefined;
let context: BrowserContext | undefined;
let page: Page;
const responseBodies: Artifact[] = [];
const pendingBodies: Promise<void>[] = [];
const pageErrors: string[] = [];

async function startApi(apiBin: string, name: string, key: string): Promise<ApiDouble> {
  const keyFile = path.join(work, `${name}-key`);
  await writeFile(keyFile, key, { mode: 0o600 });
  return startDouble(apiBin, ['--key-file', keyFile, '--ca-out', path.join(work, `${name}-ca.pem`)]);
}

beforeAll(async () => {
  for (const required of ['module.js', 'plugin.json', 'gpx_apibridge_linux_amd64']) {
    if (!existsSync(path.join(dist, required))) {
      throw new Error(`dist/${required} is missing: run \`npm run build\` in plugin/ first`);
    }
  }
  work = await mkdtemp(path.join(tmpdir(), 'apibridge-connections-'));
  await mkdir(screenshots, { recursive: true });
  const [harnessDir, apiBin, grafanaBin] = await Promise.all([
    buildHarness(),
    buildTestkitCommand('api-double', work),
    buildTestkitCommand('grafana-double', work),
  ]);
  apiA = await startApi(apiBin, 'a', KEY_A);
  apiB = await startApi(apiBin, 'b', KEY_B);
  grafana = await startDouble(grafanaBin, harnessDoubleArgs(work, harnessDir, ['--admin', `admin:${ADMIN_PASSWORD}`]));
  ({ context, page } = await launchWatchedPage(work, grafana.ready.url, { responseBodies, pendingBodies, pageErrors }));
}, 300_000);

afterAll(async () => {
  await context?.close();
  await stop(grafana);
  await stop(apiA);
  await stop(apiB);
  if (work) {
    await rm(work, { recursive: true, force: true });
  }
}, 60_000);

/** Which secure fields Grafana holds now (its settings answer never holds their values). */
async function storedSecureFields(): Promise<string[]> {
  const fields = await page.evaluate(async (id) => {
    const res = await fetch(`/api/plugins/${id}/settings`);
    return ((await res.json()) as { secureJsonFields: Record<string, boolean> }).secureJsonFields;
  }, PLUGIN_ID);
  return Object.keys(fields)
    .filter((k) => fields[k])
    .sort();
}

async function saveAndWait() {
  await page.getByTestId('apibridge-config-save').click();
  await page.getByTestId('apibridge-config-health').waitFor();
}

const verdict = (name: string) => page.getByTestId(`apibridge-config-verdict-${name}`);

describe('named connections in Chromium against the Grafana double, the real backend and two API doubles', () => {
  it('starts in the old form: one connection, saved with its key', async () => {
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await open(page, 'config');
    await page.locator('#apibridge-apiUrl').fill(apiA!.ready.url);
    await page.locator('#apibridge-caCertificate').fill(await readFile(apiA!.ready.caFile, 'utf8'));
    await page.locator('#apibridge-apiKey').fill(KEY_A);
    await saveAndWait();
    expect(await page.getByTestId('apibridge-config-health').textContent()).toContain('Health check: authenticated');
    expect(await storedSecureFields()).toEqual(['apiKey']);
  }, 120_000);

  it("adds a second connection: the first one's key is typed again, both verdicts show, the old key is cleared", async () => {
    await open(page, 'config');
    await page.getByTestId('apibridge-config-add-connection').click();
    expect(await page.getByTestId('apibridge-config-switch-notice').innerText()).toContain('Type it again below');
    await expect(page.locator('#apibridge-c0-name').inputValue()).resolves.toBe('default');
    await expect(page.locator('#apibridge-c0-apiUrl').inputValue()).resolves.toBe(apiA!.ready.url);
    await page.locator('#apibridge-c0-apiKey').fill(KEY_A);
    await page.locator('#apibridge-c1-name').fill('billing');
    await page.locator('#apibridge-c1-apiUrl').fill(apiB!.ready.url);
    await page.locator('#apibridge-c1-caCertificate').fill(await readFile(apiB!.ready.caFile, 'utf8'));
    await page.locator('#apibridge-c1-apiKey').fill(KEY_B);
    await saveAndWait();
    await verdict('default').waitFor();
    await verdict('billing').waitFor();
    expect(await verdict('default').innerText()).toContain('authenticated');
    expect(await verdict('billing').innerText()).toContain('authenticated');
    expect(await storedSecureFields()).toEqual(['billing.apiKey', 'default.apiKey']);
    for (const key of [KEY_A, KEY_B]) {
      expect(artifactsContaining(key, await pageArtifacts(page, 'config page after adding'))).toEqual([]);
    }
    await page.screenshot({ path: path.join(screenshots, 'config-connections.png'), fullPage: true });
    expect(await accessibilityViolations(page)).toEqual([]);
  }, 120_000);

  it("shows both connections and their health on the app page, and each one's profile", async () => {
    await open(page, 'app');
    const rows = page.getByTestId('apibridge-connections');
    await rows.waitFor();
    expect(await page.getByTestId('apibridge-connection-default').innerText()).toContain('OK: authenticated');
    expect(await page.getByTestId('apibridge-connection-billing').innerText()).toContain('OK: authenticated');
    await page.getByTestId('apibridge-profile').waitFor();
    await page.getByRole('radio', { name: 'billing' }).click();
    await page.getByTestId('apibridge-profile').waitFor();
    expect(await page.getByTestId('apibridge-profile').innerText()).toContain('Ada Lovelace');
    await page.screenshot({ path: path.join(screenshots, 'app-connections.png'), fullPage: true });
    expect(await accessibilityViolations(page)).toEqual([]);
  }, 60_000);

  it("a rename needs the key again and clears the old name's key", async () => {
    await open(page, 'config');
    await verdict('billing').waitFor();
    await page.locator('#apibridge-c1-name').fill('invoices');
    // Renamed: the stored key is under the old name, which the page cannot move.
    await expect(page.locator('#apibridge-c1-apiKey').inputValue()).resolves.toBe('');
    await page.getByTestId('apibridge-config-save').click();
    await page.getByText('invoices.apiKey: is required. Fix: type the key the API gave you').waitFor();
    await page.locator('#apibridge-c1-apiKey').fill(KEY_B);
    await saveAndWait();
    await verdict('invoices').waitFor();
    expect(await verdict('invoices').innerText()).toContain('authenticated');
    expect(await storedSecureFields()).toEqual(['default.apiKey', 'invoices.apiKey']);
  }, 60_000);

  it("a removal clears the removed connection's key", async () => {
    await open(page, 'config');
    await page.getByTestId('apibridge-config-remove-connection-0').click();
    await saveAndWait();
    await verdict('invoices').waitFor();
    expect(await verdict('default').count()).toBe(0);
    expect(await storedSecureFields()).toEqual(['invoices.apiKey']);
    await page.reload();
    await page.waitForSelector('[data-harness-view="config"]');
    await expect(page.locator('#apibridge-c0-name').inputValue()).resolves.toBe('invoices');
    await expect(page.locator('#apibridge-c0-apiKey').inputValue()).resolves.toBe('configured');
  }, 60_000);

  it('left neither key in any response, page, storage, log or screenshot', async () => {
    await Promise.all(pendingBodies);
    expect(responseBodies.length).toBeGreaterThan(10);
    const artifacts: Artifact[] = [
      ...responseBodies,
      ...(await pageArtifacts(page, 'last page')),
      { name: 'cookies', content: JSON.stringify(await context!.cookies()) },
      { name: 'plugin log', content: await readFile(path.join(work, 'plugin.log')) },
      { name: 'grafana double output', content: grafana!.output() },
      { name: 'api double A output', content: apiA!.output() },
      { name: 'api double B output', content: apiB!.output() },
      ...(await filesUnder(screenshots)),
    ];
    for (const key of [KEY_A, KEY_B]) {
      expect(artifactsContaining(key, artifacts)).toEqual([]);
    }
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
