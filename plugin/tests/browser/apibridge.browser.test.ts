// Real-browser test: Debian Chromium (driven by playwright-core, no browser
// download) opens a harness page that mounts the BUILT plugin (dist/module.js)
// with real @grafana/ui. The page talks HTTP to the Grafana test double, which
// runs the real plugin binary (dist/gpx_apibridge_linux_amd64) against the
// HTTPS API double. Before the first save both pages must guide (the double
// answers like Grafana's checkAppEnabled). A canary key is typed, saved, and
// then searched for everywhere the browser could see it. axe-core checks both pages for
// accessibility problems (labels, names, contrast) in the real rendering.
//
// Screenshots go to plugin/test-results/screenshots/ (ignored by git);
// `npm run screenshots` sets APIBRIDGE_SCREENSHOTS_DIR to refresh the ones the
// README and plugin.json show, in src/img/screenshots/.
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
import { CHROMIUM } from './chromium';

const screenshots = path.resolve(
  pluginRoot,
  process.env.APIBRIDGE_SCREENSHOTS_DIR ?? path.join(pluginRoot, 'test-results/screenshots')
);

const GOOD_KEY = newCanary('good');
const WRONG_KEY = newCanary('wrong');
const ADMIN_PASSWORD = newCanary('admin-pw');
const VIEWER_PASSWORD = newCanary('viewer-pw');

let work: string;
let apiDouble: Started<{ url: string; caFile: string }> | undefined;
let grafana: Started<{ url: string }> | undefined;
let context: BrowserContext | undefined;
let page: Page;
const responseBodies: Artifact[] = [];
const pendingBodies: Promise<void>[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  for (const required of ['module.js', 'plugin.json', 'gpx_apibridge_linux_amd64']) {
    if (!existsSync(path.join(dist, required))) {
      throw new Error(`dist/${required} is missing: run \`npm run build\` in plugin/ first`);
    }
  }
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (scripts/setup/25-plugin-frontend.sh does)`);
  }
  work = await mkdtemp(path.join(tmpdir(), 'apibridge-browser-'));
  await mkdir(screenshots, { recursive: true });
  const [harnessDir, apiBin, grafanaBin] = await Promise.all([
    buildHarness(),
    buildTestkitCommand('api-double', work),
    buildTestkitCommand('grafana-double', work),
  ]);

  const keyFile = path.join(work, 'api-key');
  await writeFile(keyFile, GOOD_KEY, { mode: 0o600 });
  apiDouble = await startDouble(apiBin, ['--key-file', keyFile, '--ca-out', path.join(work, 'ca.pem')]);
  grafana = await startDouble(
    grafanaBin,
    harnessDoubleArgs(work, harnessDir, [
      '--admin',
      `admin:${ADMIN_PASSWORD}`,
      '--user',
      `viewer:${VIEWER_PASSWORD}:Viewer`,
    ])
  );
  ({ context, page } = await launchWatchedPage(work, grafana.ready.url, { responseBodies, pendingBodies, pageErrors }));
}, 300_000);

afterAll(async () => {
  await context?.close();
  await stop(grafana);
  await stop(apiDouble);
  if (work) {
    await rm(work, { recursive: true, force: true });
  }
}, 60_000);

async function saveKey(key: string) {
  await page.getByRole('button', { name: 'Reset' }).click();
  await page.locator('#apibridge-apiKey').fill(key);
  await page.getByTestId('apibridge-config-save').click();
  return page.getByTestId('apibridge-config-health');
}

describe('the plugin in Chromium against the Grafana double, the real backend and the API double', () => {
  it('before the first save: guidance on the app page for each role, and on the config page', async () => {
    // No settings row yet: the double answers resources and health with
    // Grafana's checkAppEnabled 404 "Plugin setting not found".
    await signIn(page, 'viewer', VIEWER_PASSWORD);
    await open(page, 'app');
    let alert = page.getByTestId('apibridge-setup-needed');
    await alert.waitFor();
    let text = await alert.innerText();
    expect(text).toContain('API Bridge is not set up yet');
    expect(text).toContain('"Plugin setting not found" (HTTP 404)');
    expect(text).toContain('Ask a Grafana administrator of this organization to set up API Bridge');
    expect(await alert.getByRole('link').count()).toBe(0);
    expect(await page.getByTestId('apibridge-profile-error').count()).toBe(0);

    await signIn(page, 'admin', ADMIN_PASSWORD);
    await open(page, 'app');
    alert = page.getByTestId('apibridge-setup-needed');
    await alert.waitFor();
    text = await alert.innerText();
    expect(text).toContain('API Bridge is not set up yet');
    expect(await alert.getByRole('link', { name: /Open the configuration page/ }).getAttribute('href')).toBe(
      `/plugins/${PLUGIN_ID}`
    );
    expect(await accessibilityViolations(page)).toEqual([]);

    await open(page, 'config');
    const guidance = page.getByTestId('apibridge-config-not-set-up');
    await guidance.waitFor();
    expect(await guidance.innerText()).toContain('API Bridge is not set up in this organization yet');
    expect(await accessibilityViolations(page)).toEqual([]);
  }, 60_000);

  it('saves the URL, CA and key; after a reload the key is only "configured"', async () => {
    await open(page, 'config');
    const keyInput = page.locator('#apibridge-apiKey');
    await expect(keyInput.getAttribute('type')).resolves.toBe('password');
    await page.locator('#apibridge-apiUrl').fill(apiDouble!.ready.url);
    await page.locator('#apibridge-caCertificate').fill(await readFile(apiDouble!.ready.caFile, 'utf8'));
    await keyInput.fill(GOOD_KEY);
    // Typed but not saved: in the input's value, yet not in the page's markup.
    expect(await page.evaluate(() => document.documentElement.outerHTML)).not.toContain(GOOD_KEY);
    await page.getByTestId('apibridge-config-save').click();

    const verdict = page.getByTestId('apibridge-config-health');
    await verdict.waitFor();
    expect(await verdict.textContent()).toContain('Health check: authenticated');
    // The first save created the settings and enabled the app.
    expect(await page.getByTestId('apibridge-config-not-set-up').count()).toBe(0);
    // Right after Save, before any reload: the page has already let go of the key.
    expect(artifactsContaining(GOOD_KEY, await pageArtifacts(page, 'config page after save'))).toEqual([]);
    await expect(keyInput.inputValue()).resolves.toBe('configured');

    await page.reload();
    await page.waitForSelector('[data-harness-view="config"]');
    await expect(keyInput.inputValue()).resolves.toBe('configured');
    expect(await keyInput.isDisabled()).toBe(true);
    await expect(page.locator('#apibridge-apiUrl').inputValue()).resolves.toBe(apiDouble!.ready.url);
    await page.screenshot({ path: path.join(screenshots, 'config-page.png'), fullPage: true });

    expect(artifactsContaining(GOOD_KEY, await pageArtifacts(page, 'config page'))).toEqual([]);
    expect(await accessibilityViolations(page)).toEqual([]);
  }, 120_000);

  it('shows the reason next to a field and saves nothing when a value is refused', async () => {
    const posts: string[] = [];
    const onRequest = (r: { method(): string; url(): string }) => {
      if (r.method() === 'POST') {
        posts.push(r.url());
      }
    };
    page.on('request', onRequest);
    await open(page, 'config');
    await page.locator('#apibridge-apiUrl').fill('http://127.1:8443');
    await page.locator('#apibridge-timeoutSeconds').fill('0');
    await page.getByTestId('apibridge-config-save').click();
    await page
      .getByText(
        /^apiUrl: "http:\/\/127\.1:8443" uses plain http to a host that is not a loopback address\. Fix: use https:\/\//
      )
      .waitFor();
    await page
      .getByText(
        'timeoutSeconds: is 0, not a whole number from 1 to 300. Fix: set a whole number of seconds from 1 to 300'
      )
      .waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    page.off('request', onRequest);
    expect(posts).toEqual([]);
  }, 60_000);

  it('shows the profile the upstream returned on the app page', async () => {
    await open(page, 'app');
    const profile = page.getByTestId('apibridge-profile');
    await profile.waitFor();
    const text = await profile.innerText();
    expect(text).toContain('Ada Lovelace');
    expect(text).toContain('ada@example.test');
    await page.screenshot({ path: path.join(screenshots, 'app-page.png'), fullPage: true });
    expect(artifactsContaining(GOOD_KEY, await pageArtifacts(page, 'app page'))).toEqual([]);
    expect(await accessibilityViolations(page)).toEqual([]);
  }, 60_000);

  it('shows "key refused" for a wrong key: the verdict on Save, a link for the Admin', async () => {
    await open(page, 'config');
    const verdict = await saveKey(WRONG_KEY);
    await verdict.waitFor();
    expect(await verdict.textContent()).toMatch(/Health check: key refused \(401\)/);
    expect(artifactsContaining(WRONG_KEY, await pageArtifacts(page, 'config page after the wrong key'))).toEqual([]);

    await open(page, 'app');
    const alert = page.getByTestId('apibridge-setup-needed');
    await alert.waitFor();
    expect(await alert.innerText()).toContain('The API refused the key');
    await page.screenshot({ path: path.join(screenshots, 'app-page-key-refused.png'), fullPage: true });
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(await alert.getByRole('link', { name: /Open the configuration page/ }).getAttribute('href')).toBe(
      `/plugins/${PLUGIN_ID}`
    );
  }, 60_000);

  it('tells a Viewer to ask an admin instead of linking to the config page', async () => {
    await signIn(page, 'viewer', VIEWER_PASSWORD);
    await open(page, 'app');
    const alert = page.getByTestId('apibridge-setup-needed');
    await alert.waitFor();
    expect(await alert.innerText()).toContain('Ask a Grafana administrator');
    expect(await alert.getByRole('link').count()).toBe(0);
  }, 60_000);

  it('left neither key in any response, page, storage, log or build output', async () => {
    await Promise.all(pendingBodies);
    expect(responseBodies.length).toBeGreaterThan(10);
    const artifacts: Artifact[] = [
      ...responseBodies,
      ...(await pageArtifacts(page, 'last page')),
      { name: 'cookies', content: JSON.stringify(await context!.cookies()) },
      { name: 'plugin log', content: await readFile(path.join(work, 'plugin.log')) },
      { name: 'grafana double output', content: grafana!.output() },
      { name: 'api double output', content: apiDouble!.output() },
      ...(await filesUnder(dist)),
      ...(await filesUnder(screenshots)),
    ];
    for (const key of [GOOD_KEY, WRONG_KEY]) {
      expect(artifactsContaining(key, artifacts)).toEqual([]);
    }
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
