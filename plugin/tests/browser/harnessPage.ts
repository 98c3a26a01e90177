// Test code: what the browser tests do with the harness page - sign in to
// the Grafana double, open a view, and collect everything the page holds
// that a key could leak into.
import AxeBuilder from '@axe-core/playwright';
import { Page } from 'playwright-core';
import { expect } from 'vitest';

import { Artifact } from './canary';

export async function signIn(page: Page, user: string, password: string) {
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
  expect(status).toBe(200);
}

export async function open(page: Page, view: 'config' | 'app') {
  await page.goto(`/harness/index.html?view=${view}`);
  await page.waitForSelector(`[data-harness-view="${view}"], [data-harness-error]`);
  const failure = await page.locator('[data-harness-error]').count();
  expect(failure ? await page.locator('#root').textContent() : '').toBe('');
}

/** DOM text and markup, every form value, and both web storages. */
export async function pageArtifacts(page: Page, label: string): Promise<Artifact[]> {
  const seen = await page.evaluate(() => ({
    html: document.documentElement.outerHTML,
    text: document.body.innerText,
    values: Array.from(document.querySelectorAll('input, textarea'))
      .map((e) => (e as HTMLInputElement).value)
      .join('\n'),
    localStorage: JSON.stringify({ ...localStorage }),
    sessionStorage: JSON.stringify({ ...sessionStorage }),
  }));
  return Object.entries(seen).map(([kind, content]) => ({ name: `${label} ${kind}`, content }));
}

/** axe-core's WCAG A/AA rules on what the page shows now; returns the violations, one line each. */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  // Judge the resting page: a just-clicked button shows Grafana's hover and
  // focus colours, and CSS transitions blend them for a moment.
  await page.mouse.move(0, 0);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.waitForFunction(
    () =>
      new Promise((resolve) =>
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(document.getAnimations().length === 0)))
      )
  );
  const results = await new AxeBuilder({ page })
    .include('[data-harness-view]')
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  // Guard against a scan of nothing: the labels rule alone passes on a form.
  expect(results.passes.map((rule) => rule.id)).toContain('color-contrast');
  return results.violations.map(
    (v) => `${v.id}: ${v.help}: ${v.nodes.map((n) => `${n.html} ${n.failureSummary}`).join('; ')}`
  );
}
