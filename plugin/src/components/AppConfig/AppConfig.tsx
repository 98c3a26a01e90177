// The plugin's configuration page (Admin only, see plugin.json includes).
// The API key goes through SecretInput: a stored key shows as "configured" and
// is never read back; secureJsonData is sent only when a new key was typed,
// because any value sent, even "", replaces the stored secret. The key input
// is uncontrolled and read once on Save: the key is never in React state, and
// React never copies it into the input's value attribute (page markup).
import { css } from '@emotion/css';
import { AppPluginMeta, GrafanaTheme2, PluginConfigPageProps, PluginMeta } from '@grafana/data';
import {
  Alert,
  Button,
  Field,
  FieldSet,
  Input,
  SecretInput,
  Stack,
  Switch,
  TextArea,
  useStyles2,
} from '@grafana/ui';
import { ChangeEvent, FormEvent, useRef, useState } from 'react';

import { ApiError, checkHealth, HealthVerdict, PluginSettingsBody, saveSettings, toApiError } from '../../api';
import {
  AppJsonData,
  DEFAULTS,
  formFromJsonData,
  jsonDataFromForm,
  LIMITS,
  SettingsForm,
  validateApiKey,
  validateSettings,
} from '../../settings';

export type AppConfigProps = PluginConfigPageProps<AppPluginMeta<AppJsonData>>;

export const testIds = {
  form: 'apibridge-config-form',
  notSetUp: 'apibridge-config-not-set-up',
  disabled: 'apibridge-config-disabled',
  save: 'apibridge-config-save',
  saveError: 'apibridge-config-save-error',
  health: 'apibridge-config-health',
};

type SaveState =
  | { phase: 'idle' }
  | { phase: 'saving' }
  | { phase: 'checking' }
  | { phase: 'failed'; error: ApiError }
  | { phase: 'done'; verdict: HealthVerdict };

export default function AppConfig({ plugin }: AppConfigProps) {
  const meta: PluginMeta<AppJsonData> = plugin.meta;
  const styles = useStyles2(getStyles);
  const [form, setForm] = useState<SettingsForm>(() => formFromJsonData(meta.jsonData));
  const [keyConfigured, setKeyConfigured] = useState<boolean>(Boolean(meta.secureJsonFields?.apiKey));
  const keyInput = useRef<HTMLInputElement>(null);
  const [keyError, setKeyError] = useState<string | undefined>();
  const [touched, setTouched] = useState<Partial<Record<keyof SettingsForm, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [save, setSave] = useState<SaveState>({ phase: 'idle' });
  // Grafana gives an app with no settings row (never saved in this org) the
  // same meta as a disabled one, minus the stored values.
  const [enabled, setEnabled] = useState<boolean>(Boolean(meta.enabled));
  const hasStoredSettings = Boolean(meta.jsonData?.apiUrl) || Boolean(meta.secureJsonFields?.apiKey);

  const errors = validateSettings(form);
  // The key typed since the last save; "" when the stored one stays. While a
  // key is configured the ref points at SecretInput's "configured" box.
  const typedKey = () => (keyConfigured ? '' : (keyInput.current?.value ?? ''));
  const keyProblem = (key: string) =>
    !keyConfigured && key === '' ? 'API key is required: type the key the API gave you' : validateApiKey(key);
  const pending = save.phase === 'saving' || save.phase === 'checking';
  // A field's reason shows once the user has left it or tried to save.
  const errorFor = (field: keyof SettingsForm) => (touched[field] || submitted ? errors[field] : undefined);
  // Label, description and the reason to show: what every setting's Field takes.
  const fieldProps = (field: keyof SettingsForm, label: string, description: string) => ({
    label,
    description,
    invalid: Boolean(errorFor(field)),
    error: errorFor(field),
  });

  const text = (field: keyof SettingsForm) => ({
    id: `apibridge-${field}`,
    value: form[field] as string,
    onChange: (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => {
      // Read now: React clears currentTarget before a state updater runs.
      const value = e.currentTarget.value;
      setForm((f) => ({ ...f, [field]: value }));
    },
    onBlur: () => setTouched((t) => ({ ...t, [field]: true })),
    // Input derives this from Field's `invalid`; TextArea does not.
    'aria-invalid': Boolean(errorFor(field)),
  });

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    const newKey = typedKey();
    const problem = keyProblem(newKey);
    setKeyError(problem);
    if (Object.keys(errors).length > 0 || problem || pending) {
      return;
    }
    const body: PluginSettingsBody = {
      enabled: true,
      pinned: meta.pinned ?? true,
      jsonData: jsonDataFromForm(form),
    };
    if (newKey !== '') {
      body.secureJsonData = { apiKey: newKey };
    }
    setSave({ phase: 'saving' });
    try {
      await saveSettings(body);
    } catch (err) {
      setSave({ phase: 'failed', error: toApiError(err) });
      return;
    }
    if (newKey !== '') {
      // The key now lives only in Grafana: unmounting the input drops it.
      setKeyConfigured(true);
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
          {...fieldProps(
            'apiUrl',
            'API URL',
            'HTTPS base URL of the API, may include a base path. No user name, password, query or fragment.'
          )}
          required
        >
          <Input {...text('apiUrl')} placeholder="https://api.example.com/v1" width={60} />
        </Field>
        <Field
          label="API key"
          description="Stored encrypted by Grafana and only ever sent to the API URL. It is never shown again after saving."
          invalid={Boolean(keyError)}
          error={keyError}
          required
        >
          <SecretInput
            id="apibridge-apiKey"
            width={60}
            ref={keyInput}
            isConfigured={keyConfigured}
            placeholder="Paste the API key"
            // Browsers ignore "off" on password fields and would autofill a
            // saved Grafana password here, to be sent to the third-party API.
            autoComplete="new-password"
            onChange={(e) => submitted && setKeyError(keyProblem(e.currentTarget.value))}
            onReset={() => {
              setKeyConfigured(false);
              setKeyError(undefined);
            }}
          />
        </Field>
        <Stack gap={2}>
          <Field {...fieldProps('authHeader', 'Auth header', `Header that carries the key (default ${DEFAULTS.authHeader}).`)}>
            <Input {...text('authHeader')} placeholder={DEFAULTS.authHeader} width={30} />
          </Field>
          <Field {...fieldProps('authScheme', 'Auth scheme', 'Word before the key, e.g. Bearer. Empty sends the raw key.')}>
            <Input {...text('authScheme')} width={30} />
          </Field>
        </Stack>
        <Field
          {...fieldProps(
            'caCertificate',
            'CA certificate',
            'Optional PEM bundle trusted instead of the system roots, for APIs behind a private CA.'
          )}
        >
          <TextArea {...text('caCertificate')} rows={4} placeholder="-----BEGIN CERTIFICATE-----" />
        </Field>
        <Field
          label="Allow http:// to loopback"
          description="Only for local development: permits plain http:// when the host is 127.0.0.1, ::1 or localhost."
        >
          <Switch
            id="apibridge-allowInsecureLoopback"
            value={form.allowInsecureLoopback}
            onChange={(e) => {
              const checked = e.currentTarget.checked;
              setForm((f) => ({ ...f, allowInsecureLoopback: checked }));
            }}
          />
        </Field>
      </FieldSet>

      <FieldSet label="Limits and routes">
        <Stack gap={2}>
          <Field {...fieldProps('timeoutSeconds', 'Timeout (seconds)', rangeText(LIMITS.timeoutSeconds))}>
            <Input {...text('timeoutSeconds')} inputMode="numeric" width={20} />
          </Field>
          <Field
            {...fieldProps('maxResponseBytes', 'Maximum response size (bytes)', rangeText(LIMITS.maxResponseBytes))}
          >
            <Input {...text('maxResponseBytes')} inputMode="numeric" width={20} />
          </Field>
        </Stack>
        <Field
          {...fieldProps(
            'allowedPaths',
            'Allowed proxy paths',
            'One upstream path prefix per line, each starting with /. The generic proxy reaches nothing else.'
          )}
        >
          <TextArea {...text('allowedPaths')} rows={3} placeholder="/reports" />
        </Field>
        <Field
          {...fieldProps(
            'healthPath',
            'Health check path',
            `Called by "Save" to check the key (default ${DEFAULTS.healthPath}).`
          )}
        >
          <Input {...text('healthPath')} placeholder={DEFAULTS.healthPath} width={30} />
        </Field>
      </FieldSet>

      <Button type="submit" disabled={pending} icon={pending ? 'spinner' : undefined} data-testid={testIds.save}>
        {save.phase === 'saving' ? 'Saving…' : save.phase === 'checking' ? 'Checking…' : 'Save settings'}
      </Button>

      {save.phase === 'failed' && (
        <Alert title="Settings were not saved" severity="error" data-testid={testIds.saveError} className={styles.alert}>
          {save.error.message} (HTTP {save.error.status})
        </Alert>
      )}
      {save.phase === 'done' && <HealthAlert verdict={save.verdict} className={styles.alert} />}
    </form>
  );
}

/**
 * Before the first save (and while disabled) Grafana answers the app's page,
 * routes and health check with 404 (checkAppEnabled), so the page says what
 * Save will do instead of letting the first call fail.
 */
function NotEnabledAlert({ hasStoredSettings }: { hasStoredSettings: boolean }) {
  if (hasStoredSettings) {
    return (
      <Alert title="API Bridge is disabled in this organization" severity="info" data-testid={testIds.disabled}>
        Its settings are kept. Save settings enables it again; until then Grafana answers its page, routes and
        health check with 404 &quot;Plugin is not enabled&quot;.
      </Alert>
    );
  }
  return (
    <Alert title="API Bridge is not set up in this organization yet" severity="info" data-testid={testIds.notSetUp}>
      Enter the API URL and the API key, then Save settings: saving stores them (the key encrypted by Grafana),
      enables the app and checks the key. Until then Grafana answers the app&apos;s page, routes and health check
      with 404 &quot;Plugin setting not found&quot;, and Viewers see a note to ask an administrator.
    </Alert>
  );
}

function HealthAlert({ verdict, className }: { verdict: HealthVerdict; className: string }) {
  const ok = verdict.status === 'OK';
  return (
    <Alert
      title={ok ? 'Settings saved: the API accepted the key' : 'Settings saved, but the health check failed'}
      severity={ok ? 'success' : 'error'}
      data-testid={testIds.health}
      className={className}
    >
      Health check: {verdict.message}
    </Alert>
  );
}

const rangeText = ({ min, max }: { min: number; max: number }) => `${min} to ${max}.`;

const getStyles = (theme: GrafanaTheme2) => ({
  form: css({ maxWidth: theme.spacing(120) }),
  alert: css({ marginTop: theme.spacing(2) }),
});
