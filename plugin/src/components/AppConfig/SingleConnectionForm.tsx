// The old single-connection form (jsonData.apiUrl, ... and secureJsonData.apiKey,
// read by the backend as connection "default"): the form (useSettingsForm:
// values, reasons beside each field, from the settings contract), the API
// key (useNewApiKey) and Save, which stores both, enables the app and runs
// the health check. "Add a connection" switches the page to the list of
// named connections, carrying these settings over as connection "default"
// (see ConnectionsForm and plugin/README.md for what happens to the key).
// The API key goes through SecretInput: a stored key shows as "configured" and
// is never read back; secureJsonData is sent only when a new key was typed,
// because any value sent, even "", replaces the stored secret. The key input
// is uncontrolled and read once on Save: the key is never in React state, and
// React never copies it into the input's value attribute (page markup).
import { PluginMeta } from '@grafana/data';
import { Button, Field, FieldSet, Input, SecretInput, Stack, Switch, TextArea } from '@grafana/ui';
import { FormEvent } from 'react';

import { PluginSettingsBody } from '../../api';
import { JSON_DATA_SETTINGS } from '../../contract/settingsContract';
import { AppJsonData, jsonDataFromForm, SettingsForm } from '../../settings';
import { ApiUrlAdvice } from './AppConfigAlerts';
import { SaveFooter } from './SaveFooter';
import { testIds } from './testIds';
import { useNewApiKey } from './useNewApiKey';
import { useSaveFlow } from './useSaveFlow';
import { useSettingsForm } from './useSettingsForm';

const { authHeader, healthPath, timeoutSeconds, maxResponseBytes } = JSON_DATA_SETTINGS;

interface Props {
  meta: PluginMeta<AppJsonData>;
  save: ReturnType<typeof useSaveFlow>;
  /** Switches to the list of connections with these settings as connection "default". */
  onAddConnection: (current: SettingsForm) => void;
}

export function SingleConnectionForm({ meta, save, onAddConnection }: Props) {
  const settings = useSettingsForm(meta.jsonData);
  const apiKey = useNewApiKey(Boolean(meta.secureJsonFields?.apiKey));

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    settings.submit();
    const newKey = apiKey.read();
    if (!settings.valid || newKey.problem || save.pending) {
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
    await save.run(body, () => {
      if (newKey.key !== '') {
        apiKey.saved();
      }
    });
  };

  return (
    <form onSubmit={onSubmit} data-testid={testIds.form} noValidate>
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

      <SaveFooter state={save.state} pending={save.pending}>
        <Button
          variant="secondary"
          icon="plus"
          type="button"
          disabled={save.pending}
          onClick={() => onAddConnection(settings.form)}
          data-testid={testIds.addConnection}
        >
          Add a connection
        </Button>
      </SaveFooter>
    </form>
  );
}

const rangeText = ({ min, max }: { min: number; max: number }) => `${min} to ${max}.`;
