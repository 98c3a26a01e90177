import { expect, test } from '@grafana/plugin-e2e';
import { readFileSync } from 'node:fs';

const pluginId = 'platformkit-apibridge-app';

test('the app page shows the profile or says why it cannot', async ({ gotoAppPage, page }) => {
  await gotoAppPage({ pluginId });
  // Which one depends on APIBRIDGE_API_URL and the key given to docker compose.
  await expect(
    page
      .getByTestId('apibridge-profile')
      .or(page.getByTestId('apibridge-setup-needed'))
      .or(page.getByTestId('apibridge-profile-error'))
  ).toBeVisible();
  await expect(page.getByRole('button', { name: /Refresh/ })).toBeVisible();
});

test('no response the browser receives contains the key', async ({ gotoAppPage, page }) => {
  // The file docker compose hands Grafana as a secret; Grafana trims it too.
  const keyFile = process.env.APIBRIDGE_API_KEY_FILE;
  expect(keyFile, 'set APIBRIDGE_API_KEY_FILE to the key file docker compose was started with').toBeTruthy();
  const key = readFileSync(keyFile!, 'utf8').trim();
  expect(key.length, 'the key file is empty').toBeGreaterThan(0);
  const bodies: Promise<string>[] = [];
  page.on('response', (r) => bodies.push(r.text().catch(() => '')));
  await gotoAppPage({ pluginId });
  await page.getByRole('button', { name: /Refresh/ }).click();
  for (const body of await Promise.all(bodies)) {
    expect(body).not.toContain(key);
  }
  expect(await page.content()).not.toContain(key);
});
