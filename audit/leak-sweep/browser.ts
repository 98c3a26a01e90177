// The sweep's browser step: Debian's Chromium, driven by the plugin's own
// playwright-core, opens the plugin's browser harness (built by the browser
// test's own plugin/tests/browser/harness/build.mjs: React and @grafana/ui
// around the BUILT plugin/dist/module.js, served by the Grafana double
// exactly as plugin/tests/browser/apibridge.browser.test.ts serves it),
// signs in, and shows the app page (the profile the upstream returned,
// through the real plugin binary) and the configuration page. It keeps what a browser
// keeps: every response body, a HAR of the traffic, the DOM, form values,
// both web storages, the cookies, and the Chromium profile on disk.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Playwright from 'playwright-core';
import { REPO_ROOT } from '../../infra/testing/doubles';
import { CHROMIUM, CHROMIUM_ARGS } from '../../plugin/tests/browser/chromium';

export const PLUGIN_ID = 'platformkit-apibridge-app';
const PLUGIN_DIR = join(REPO_ROOT, 'plugin');

/** The browser test's harness, built by its own script (not a copy of it); returns its directory. */
export async function buildHarness(): Promise<string> {
  const script = join(PLUGIN_DIR, 'tests', 'browser', 'harness', 'build.mjs');
  const mod = (await import(pathToFileURL(script).href)) as { buildHarness(): Promise<string> };
  return mod.buildHarness();
}

/** --static arguments for the Grafana double, as the browser test passes them: the harness, the built plugin, @grafana/ui's icons. */
export function harnessStaticArgs(harnessDir: string, dist: string): string[] {
  return [
    '--static',
    `/harness/=${harnessDir}`,
    '--static',
    `/public/plugins/${PLUGIN_ID}/=${dist}`,
    '--static',
    `/public/build/img/icons/=${join(PLUGIN_DIR, 'node_modules', '@grafana', 'ui', 'dist', 'public', 'img', 'icons')}`,
  ];
}

export interface BrowserArtifacts {
  /** Response bodies, DOM, storages, cookies, the HAR. */
  pages: string[];
  /** The Chromium profile directory (caches, Local Storage, cookies database). */
  profileDir: string;
  /** What the app page showed, for the sweep's own sanity check. */
  profileText: string;
}

export async function browse(baseURL: string, user: string, password: string, dir: string): Promise<BrowserArtifacts> {
  const { chromium } = createRequire(join(PLUGIN_DIR, 'package.json'))('playwright-core') as typeof Playwright;
  const pagesDir = join(dir, 'pages');
  const bodiesDir = join(dir, 'response-bodies');
  mkdirSync(pagesDir, { recursive: true });
  mkdirSync(bodiesDir, { recursive: true });
  const profileDir = join(dir, 'chromium-profile');
  const harFile = join(pagesDir, 'traffic.har');
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    baseURL,
    recordHar: { path: harFile, content: 'embed' },
  });
  const pages: string[] = [harFile];
  const bodies: Promise<void>[] = [];
  let n = 0;
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('response', (response) => {
      const file = join(
        bodiesDir,
        `${String(++n).padStart(3, '0')}-${new URL(response.url()).pathname.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80)}`
      );
      bodies.push(
        response.body().then(
          (body) => void writeFileSync(file, body),
          () => undefined // redirects and aborted requests have no body
        )
      );
      pages.push(file);
    });
    await page.goto('/harness/index.html');
    const status = await page.evaluate(
      async ([u, p]) =>
        (
          await fetch('/login', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ user: u, password: p }),
          })
        ).status,
      [user, password]
    );
    if (status !== 200) throw new Error(`leak sweep: signing in to the Grafana double failed (${status})`);

    await page.goto('/harness/index.html?view=app');
    const profile = page.getByTestId('apibridge-profile');
    await profile.waitFor({ timeout: 60_000 });
    const profileText = await profile.innerText();
    pages.push(...(await snapshot(page, pagesDir, 'app-page')));

    await page.goto('/harness/index.html?view=config');
    await page.waitForSelector('[data-harness-view="config"]', { timeout: 60_000 });
    await page.locator('#apibridge-apiKey').waitFor();
    pages.push(...(await snapshot(page, pagesDir, 'config-page')));

    writeFileSync(join(pagesDir, 'cookies.json'), JSON.stringify(await context.cookies(), null, 2));
    pages.push(join(pagesDir, 'cookies.json'));
    await Promise.all(bodies);
    return { pages: pages.filter((f, i) => pages.indexOf(f) === i), profileDir, profileText };
  } finally {
    await context.close(); // writes the HAR
  }
}

/** DOM markup and text, every form value, both web storages: one file each. */
async function snapshot(page: Playwright.Page, dir: string, label: string): Promise<string[]> {
  const seen = await page.evaluate(() => ({
    html: document.documentElement.outerHTML,
    text: document.body.innerText,
    values: Array.from(document.querySelectorAll('input, textarea'))
      .map((e) => (e as HTMLInputElement).value)
      .join('\n'),
    localStorage: JSON.stringify({ ...localStorage }),
    sessionStorage: JSON.stringify({ ...sessionStorage }),
  }));
  return Object.entries(seen).map(([kind, content]) => {
    const file = join(dir, `${label}.${kind}.txt`);
    writeFileSync(file, content);
    return file;
  });
}
