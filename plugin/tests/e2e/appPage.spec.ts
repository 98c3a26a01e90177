import { expect, test } from '@grafana/plugin-e2e';

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
  const key = process.env.APIBRIDGE_API_KEY_CANARY;
  test.skip(!key, 'set APIBRIDGE_API_KEY_CANARY to the value in APIBRIDGE_API_KEY_FILE to run this scan');
  const bodies: Promise<string>[] = [];
  page.on('response', (r) => bodies.push(r.text().catch(() => '')));
  await gotoAppPage({ pluginId });
  await page.getByRole('button', { name: /Refresh/ }).click();
  for (const body of await Promise.all(bodies)) {
    expect(body).not.toContain(key);
  }
  expect(await page.content()).not.toContain(key);
});
