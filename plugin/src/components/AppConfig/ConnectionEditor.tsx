// One connection's section of the list: its name, auth and secrets, where
// it calls and within which limits, its optional access and quota settings,
// its health verdict from the last check, and Remove.
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, ControlledCollapse, Field, Input, Stack, Switch, TextArea, useStyles2 } from '@grafana/ui';

import { ConnectionForm } from '../../connections/form';
import { ConnectionInfo } from '../../connections/shape';
import { JSON_DATA_SETTINGS } from '../../contract/settingsContract';
import { ConnectionAccessFields } from './ConnectionAccessFields';
import { ConnectionAuthFields } from './ConnectionAuthFields';
import { connectionFields } from './connectionFieldProps';
import { testIds } from './testIds';
import { ConnectionSecrets } from './useConnectionSecrets';
import { ConnectionsFormState } from './useConnectionsForm';

const { healthPath, timeoutSeconds, maxResponseBytes } = JSON_DATA_SETTINGS;
const AUTH_WORDS = { apiKey: 'API key', oauth2: 'OAuth2', mtls: 'mTLS' };

interface Props {
  list: ConnectionsFormState;
  form: ConnectionForm;
  index: number;
  secrets: ConnectionSecrets;
  /** The last health verdict of the connection as stored, if it was checked. */
  verdict?: ConnectionInfo['health'];
  canRemove: boolean;
}

export function ConnectionEditor({ list, form, index, secrets, verdict, canRemove }: Props) {
  const styles = useStyles2(getStyles);
  const fields = connectionFields(list, form, index);
  const name = form.name.trim() || 'New connection';
  const headline = verdict ? ` · ${verdict.ok ? 'healthy' : 'failing'}` : '';
  return (
    <section data-testid={testIds.connection(index)} aria-label={`Connection ${name}`}>
      <ControlledCollapse label={`${name} · ${AUTH_WORDS[form.auth]}${headline}`} isOpen>
        {verdict && form.stored && (
          <Alert
            title={`Health of ${form.stored.name}: ${verdict.ok ? 'OK' : 'failing'}`}
            severity={verdict.ok ? 'success' : 'error'}
            data-testid={testIds.verdict(form.stored.name)}
          >
            {verdict.message}
          </Alert>
        )}
        <Field
          {...fields.field(
            'name',
            'Name',
            'Lower-case letters, digits and dashes; the app’s routes name it: connections/<name>/...'
          )}
          required
        >
          <Input
            {...fields.text('name', form.name, (f, value) => ({ ...f, name: value }))}
            width={40}
            placeholder="billing"
          />
        </Field>
        <Field
          {...fields.field(
            'apiUrl',
            'API URL',
            'HTTPS base URL of the API, may include a base path. No user name, password, query or fragment.'
          )}
          required
        >
          <Input {...fields.flatText('apiUrl')} placeholder="https://api.example.com/v1" width={60} />
        </Field>
        <ConnectionAuthFields list={list} form={form} fields={fields} secrets={secrets} />
        <Field
          {...fields.field(
            'caCertificate',
            'CA certificate',
            'Optional PEM bundle trusted instead of the system roots.'
          )}
        >
          <TextArea {...fields.flatText('caCertificate')} rows={3} placeholder="-----BEGIN CERTIFICATE-----" />
        </Field>
        <Field
          label="Allow loopback addresses"
          description="For an API on this machine: lets the plugin call loopback addresses at all, over https:// and plain http://."
        >
          <Switch
            id={fields.id('allowInsecureLoopback')}
            value={form.flat.allowInsecureLoopback}
            onChange={(e) => {
              const checked = e.currentTarget.checked;
              list.update(form.id, (f) => ({ ...f, flat: { ...f.flat, allowInsecureLoopback: checked } }));
            }}
          />
        </Field>
        <Stack gap={2}>
          <Field
            {...fields.field('timeoutSeconds', 'Timeout (seconds)', `${timeoutSeconds.min} to ${timeoutSeconds.max}.`)}
          >
            <Input {...fields.flatText('timeoutSeconds')} inputMode="numeric" width={20} />
          </Field>
          <Field
            {...fields.field(
              'maxResponseBytes',
              'Maximum response size (bytes)',
              `${maxResponseBytes.min} to ${maxResponseBytes.max}.`
            )}
          >
            <Input {...fields.flatText('maxResponseBytes')} inputMode="numeric" width={20} />
          </Field>
          <Field
            {...fields.field('healthPath', 'Health check path', `Checked after Save (default ${healthPath.default}).`)}
          >
            <Input {...fields.flatText('healthPath')} placeholder={healthPath.default} width={30} />
          </Field>
        </Stack>
        <Field
          {...fields.field(
            'allowedPaths',
            'Allowed proxy paths',
            'One upstream path prefix per line; the proxy reaches nothing else.'
          )}
        >
          <TextArea {...fields.flatText('allowedPaths')} rows={2} placeholder="/reports" />
        </Field>
        <ControlledCollapse label="Access, cache and rate limits (optional)" isOpen={false}>
          <ConnectionAccessFields list={list} form={form} fields={fields} />
        </ControlledCollapse>
        <div className={styles.remove}>
          <Button
            variant="destructive"
            fill="outline"
            icon="trash-alt"
            type="button"
            disabled={!canRemove}
            onClick={() => list.remove(form.id)}
            data-testid={testIds.removeConnection(index)}
          >
            Remove {name}
          </Button>
        </div>
      </ControlledCollapse>
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  remove: css({ marginTop: theme.spacing(1) }),
});
