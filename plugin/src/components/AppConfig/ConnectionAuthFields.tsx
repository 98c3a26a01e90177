// A connection's auth kind and what it needs: the header settings and the
// key (apiKey), the token endpoint, client id, scopes and client secret
// (oauth2), or the client certificate and its private key (mtls). Secrets
// are "configured" while the connection keeps the name and auth kind they
// were stored with; otherwise they must be typed (connections/secrets.ts).
import { Field, Input, RadioButtonGroup, SecretInput, SecretTextArea, Stack } from '@grafana/ui';

import { ConnectionForm } from '../../connections/form';
import { AuthKind, SecretName } from '../../connections/shape';
import { JSON_DATA_SETTINGS } from '../../contract/settingsContract';
import { ConnectionFields } from './connectionFieldProps';
import { ConnectionSecrets } from './useConnectionSecrets';
import { ConnectionsFormState } from './useConnectionsForm';

const AUTH_OPTIONS: Array<{ label: string; value: AuthKind; description: string }> = [
  { label: 'API key', value: 'apiKey', description: 'A static key in a request header' },
  { label: 'OAuth2', value: 'oauth2', description: 'Client credentials: the plugin fetches and refreshes a token' },
  { label: 'mTLS', value: 'mtls', description: 'A client certificate in the TLS handshake' },
];

const SECRET_LABELS: Record<SecretName, { label: string; description: string }> = {
  apiKey: { label: 'API key', description: 'Sent only to this connection’s API URL.' },
  clientSecret: { label: 'Client secret', description: 'Sent only to the token URL, to get tokens.' },
  tlsClientCert: { label: 'Client certificate (PEM)', description: 'Offered to the API in the TLS handshake.' },
  tlsClientKey: { label: 'Client private key (PEM)', description: 'The client certificate’s private key.' },
};

interface Props {
  list: ConnectionsFormState;
  form: ConnectionForm;
  fields: ConnectionFields;
  secrets: ConnectionSecrets;
}

export function ConnectionAuthFields({ list, form, fields, secrets }: Props) {
  const setOauth2 = (key: keyof ConnectionForm['oauth2']) => (f: ConnectionForm, value: string) => ({
    ...f,
    oauth2: { ...f.oauth2, [key]: value },
  });
  return (
    <>
      <Field label="Authentication">
        <RadioButtonGroup
          options={AUTH_OPTIONS}
          value={form.auth}
          onChange={(auth: AuthKind) => list.update(form.id, (f) => ({ ...f, auth }))}
        />
      </Field>
      {form.auth === 'apiKey' && (
        <Stack gap={2}>
          <Field
            {...fields.field(
              'authHeader',
              'Auth header',
              `Header that carries the key (default ${JSON_DATA_SETTINGS.authHeader.default}).`
            )}
          >
            <Input {...fields.flatText('authHeader')} placeholder={JSON_DATA_SETTINGS.authHeader.default} width={30} />
          </Field>
          <Field
            {...fields.field('authScheme', 'Auth scheme', 'Word before the key, e.g. Bearer. Empty sends the raw key.')}
          >
            <Input {...fields.flatText('authScheme')} width={30} />
          </Field>
        </Stack>
      )}
      {form.auth === 'oauth2' && (
        <>
          <Field
            {...fields.field(
              'oauth2.tokenUrl',
              'Token URL',
              'HTTPS URL of the token endpoint (client credentials grant).'
            )}
            required
          >
            <Input
              {...fields.text('oauth2.tokenUrl', form.oauth2.tokenUrl, setOauth2('tokenUrl'))}
              width={60}
              placeholder="https://auth.example.com/oauth2/token"
            />
          </Field>
          <Stack gap={2}>
            <Field {...fields.field('oauth2.clientId', 'Client id')} required>
              <Input {...fields.text('oauth2.clientId', form.oauth2.clientId, setOauth2('clientId'))} width={30} />
            </Field>
            <Field {...fields.field('oauth2.scopes', 'Scopes', 'Separated by spaces; empty asks for none.')}>
              <Input {...fields.text('oauth2.scopes', form.oauth2.scopes, setOauth2('scopes'))} width={30} />
            </Field>
          </Stack>
        </>
      )}
      {secrets.slots(form).map((slot) => {
        const problem = secrets.problemFor(form.id, slot.secret);
        const id = fields.id(slot.secret);
        const { label, description } = SECRET_LABELS[slot.secret];
        const props = {
          id,
          ...secrets.inputProps(form.id, slot.secret),
          isConfigured: slot.configured,
          'aria-invalid': Boolean(problem),
        };
        return (
          <Field
            key={slot.secret}
            label={label}
            description={`${description} Stored encrypted by Grafana as ${slot.key}; never shown again after saving.`}
            invalid={Boolean(problem)}
            error={problem}
            required
          >
            {slot.secret === 'tlsClientCert' || slot.secret === 'tlsClientKey' ? (
              <SecretTextArea
                {...props}
                rows={4}
                cols={60}
                placeholder={`-----BEGIN ${slot.secret === 'tlsClientCert' ? 'CERTIFICATE' : 'PRIVATE KEY'}-----`}
              />
            ) : (
              // Browsers ignore autocomplete="off" on password fields and would
              // autofill a saved Grafana password, to be sent to the API.
              <SecretInput
                {...props}
                width={60}
                autoComplete="new-password"
                placeholder={`Paste the ${label.toLowerCase()}`}
              />
            )}
          </Field>
        );
      })}
    </>
  );
}
