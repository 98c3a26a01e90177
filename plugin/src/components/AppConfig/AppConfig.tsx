// The plugin's configuration page (Admin only, see plugin.json includes):
// the form (useSettingsForm: values, reasons beside each field, from the
// settings contract), the API key (useNewApiKey) and Save, which stores
// both, enables the app and runs the health check.
// The API key goes through SecretInput: a stored key shows as "configured" and
// is never read back; secureJsonData is sent only when a new key was typed,
// because any value sent, even "", replaces the stored secret. The key input
// is uncontrolled and read once on Save: the key is never in React state, and
// React never copies it into the input's value attribute (page markup).
import { css } from '@emotion/css';
import { AppPluginMeta, GrafanaTheme2, PluginConfigPageProps, PluginMeta } from '@grafana/data';
import { Alert, Button, Field, FieldSet, Input, SecretInput, Stack, Switch, TextArea, useStyles2 } from '@grafana/ui';
import { FormEvent, useState } from 'react';

import { ApiError, checkHealth, HealthVerdict, PluginSettingsBody, saveSettings, toApiError } from '../../api';
import { JSON_DATA_SETTINGS } from '../../contract/settingsContract';
import { AppJsonData, jsonDataFromForm } from '../../settings';
import { ApiUrlAdvice, HealthAlert, NotEnabledAlert } from './AppConfigAlerts';
import { testIds } from './testIds';
import { useNewApiKey } from './useNewApiKey';
import { useSaveSpacing } from './useSaveSpacing';
import { useSettingsForm } from './useSettingsForm';

export { testIds };

export type AppConfigProps = PluginConfigPageProps<AppPluginMeta<AppJsonData>>;

type SaveState =
  | { phase: 'idle' }
  | { phase: 'saving' }
  | { phase: 'checking' }
  | { phase: 'failed'; error: ApiError }
  | { phase: 'done'; verdict: HealthVerdict };

const { authHeader, healthPath, timeoutSeconds, maxResponseBytes } = JSON_DATA_SETTINGS;

export default function AppConfig({ plugin }: AppConfigProps) {
  const meta: PluginMeta<AppJsonData> = plugin.meta;
  const styles = useStyles2(getStyles);
  const settings = useSettingsForm(meta.jsonData);
  const apiKey = useNewApiKey(Boolean(meta.secureJsonFields?.apiKey));
  const spacing = useSaveSpacing();
  const [save, setSave] = useState<SaveState>({ phase: 'idle' });
  // Grafana gives an app with no settings row (never saved in this org) the
  // same meta as a disabled one, minus the stored values.
  const [enabled, setEnabled] = useState<boolean>(Boolean(meta.enabled));
  const hasStoredSettings = Boolean(meta.jsonData?.apiUrl) || Boolean(meta.secureJsonFields?.apiKey);
  const pending = save.phase === 'saving' || save.phase === 'checking';

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    settings.submit();
    const newKey = apiKey.read();
    if (!settings.valid || newKey.problem || pending) {
      return;
    }
    const body: PluginSettingsBody = {
      enabled: true,
      pinned: meta.pinned ?? true,
      jsonData: jsonDataFromForm(settings.form),
    };
    if (newKey.key !== '') {
      body.secureJsonData = { apiKey: newKey.key };
    }
    setSave({ phase: 'saving' });
    try {
      await spacing.ready();
      await saveSettings(body);
      spacing.answered();
    } catch (err) {
      setSave({ phase: 'failed', error: toApiError(err) });
      return;
    }
    if (newKey.key !== '') {
      apiKey.saved();
    }
    setEnabled(true);
    setSave({ phase: 'checking' });
    setSave({ phase: 'done', verdict: await checkHealth() });
  };

  return (
    <form onSubmit={onSubmit} data-testid={testIds.form} className={styles.form} noValidate>
      {!enabled && <NotEnabledAlert hasStoredSettings={hasStoredSettings} />}
      <FieldSet label="Third-party API">
        <Field
          {...settings.fieldProps(
            'apiUrl',
            'API URL',
            'HTTPS base URL of the API, may include a base path. No user name, password, query or fragment.'
          )}
          required
        >
          <Input {...settings.text('apiUrl')} placeholder="https://api.example.com/v1" width={60} />
        </Field>
        {settings.apiUrlAdvice && <ApiUrlAdvice advice={settings.apiUrlAdvice} />}
        <Field
          label="API key"
          description="Stored encrypted by Grafana and only ever sent to the API URL. It is never shown again after saving."
          invalid={Boolean(apiKey.error)}
          error={apiKey.error}
          required
        >
          <SecretInput
            id="apibridge-apiKey"
            width={60}
            {...apiKey.inputProps}
            placeholder="Paste the API key"
            // Browsers ignore "off" on password fields and would autofill a
            // saved Grafana password here, to be sent to the third-party API.
            autoComplete="new-password"
          />
        </Field>
        <Stack gap={2}>
          <Field
            {...settings.fieldProps(
              'authHeader',
              'Auth header',
              `Header that carries the key (default ${authHeader.default}).`
            )}
          >
            <Input {...settings.text('authHeader')} placeholder={authHeader.default} width={30} />
          </Field>
          <Field
            {...settings.fieldProps(
              'authScheme',
              'Auth scheme',
              'Word before the key, e.g. Bearer. Empty sends the raw key.'
            )}
          >
            <Input {...settings.text('authScheme')} width={30} />
          </Field>
        </Stack>
        <Field
          {...settings.fieldProps(
            'caCertificate',
            'CA certificate',
            'Optional PEM bundle trusted instead of the system roots, for APIs behind a private CA.'
          )}
        >
          <TextArea {...settings.text('caCertificate')} rows={4} placeholder="-----BEGIN CERTIFICATE-----" />
        </Field>
        <Field
          label="Allow loopback addresses"
          description="For an API on this machine: lets the plugin call loopback addresses (127.0.0.0/8, ::1, localhost) at all, over https:// and over plain http://. Off, it calls no loopback address unless the Grafana server's operator allows it."
        >
          <Switch {...settings.toggle('allowInsecureLoopback')} />
        </Field>
      </FieldSet>

      <FieldSet label="Limits and routes">
        <Stack gap={2}>
          <Field {...settings.fieldProps('timeoutSeconds', 'Timeout (seconds)', rangeText(timeoutSeconds))}>
            <Input {...settings.text('timeoutSeconds')} inputMode="numeric" width={20} />
          </Field>
          <Field
            {...settings.fieldProps('maxResponseBytes', 'Maximum response size (bytes)', rangeText(maxResponseBytes))}
          >
            <Input {...settings.text('maxResponseBytes')} inputMode="numeric" width={20} />
          </Field>
        </Stack>
        <Field
          {...settings.fieldProps(
            'allowedPaths',
            'Allowed proxy paths',
            'One upstream path prefix per line, such as /reports. The generic proxy reaches nothing else.'
          )}
        >
          <TextArea {...settings.text('allowedPaths')} rows={3} placeholder="/reports" />
        </Field>
        <Field
          {...settings.fieldProps(
            'healthPath',
            'Health check path',
            `Called by "Save" to check the key (default ${healthPath.default}).`
          )}
        >
          <Input {...settings.text('healthPath')} placeholder={healthPath.default} width={30} />
        </Field>
      </FieldSet>

      <Button type="submit" disabled={pending} icon={pending ? 'spinner' : undefined} data-testid={testIds.save}>
        {save.phase === 'saving' ? 'Saving…' : save.phase === 'checking' ? 'Checking…' : 'Save settings'}
      </Button>

      {save.phase === 'failed' && (
        <Alert
          title="Settings were not saved"
          severity="error"
          data-testid={testIds.saveError}
          className={styles.alert}
        >
          {save.error.message} (HTTP {save.error.status})
        </Alert>
      )}
      {save.phase === 'done' && <HealthAlert verdict={save.verdict} className={styles.alert} />}
    </form>
  );
}

const rangeText = ({ min, max }: { min: number; max: number }) => `${min} to ${max}.`;

const getStyles = (theme: GrafanaTheme2) => ({
  form: css({ maxWidth: theme.spacing(120) }),
  alert: css({ marginTop: theme.spacing(2) }),
});
