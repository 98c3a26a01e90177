// Against a real Grafana started by docker-compose.yaml with
// provisioning/plugins/app.yaml (key from the compose secret file).
import { expect, test } from '@grafana/plugin-e2e';

const pluginId = 'platformkit-apibridge-app';

test('the provisioned key shows only as "configured"', async ({ gotoAppConfigPage, page }) => {
  await gotoAppConfigPage({ pluginId });
  const key = page.locator('#apibridge-apiKey');
  await expect(key).toHaveValue('configured');
  await expect(key).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Reset' })).toBeVisible();
});

test('an http:// URL is refused next to the field and nothing is saved', async ({ gotoAppConfigPage, page }) => {
  await gotoAppConfigPage({ pluginId });
  let posted = false;
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().includes(`/api/plugins/${pluginId}/settings`)) {
      posted = true;
    }
  });
  await page.locator('#apibridge-apiUrl').fill('http://api.example.com');
  await page.getByTestId('apibridge-config-save').click();
  await expect(
    page.getByText(/^apiUrl: .* uses plain http to a host that is not a loopback address\. Fix: use https:\/\//)
  ).toBeVisible();
  expect(posted).toBe(false);
});

test('Save without a new key keeps the stored key and shows the health verdict', async ({
  gotoAppConfigPage,
  page,
}) => {
  const configPage = await gotoAppConfigPage({ pluginId });
  const saved = configPage.waitForSettingsResponse();
  await page.getByTestId('apibridge-config-save').click();
  const response = await saved;
  expect(response.request().postDataJSON()).not.toHaveProperty('secureJsonData');
  await expect(page.getByTestId('apibridge-config-health')).toContainText('Health check:');
  await page.reload();
  await expect(page.locator('#apibridge-apiKey')).toHaveValue('configured');
});
