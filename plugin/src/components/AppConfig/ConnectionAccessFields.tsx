// A connection's optional access and quota settings: minimum roles that
// raise the route table's per method, the GET cache and the rate limits.
// All are off unless set; the backend checks the values again.
import { Field, Input, Select, Stack, Switch } from '@grafana/ui';

import { ConnectionForm, RateLimitField } from '../../connections/form';
import { OVERRIDE_METHODS, OverrideMethod, RoleName, ROLES } from '../../connections/shape';
import { ConnectionFields } from './connectionFieldProps';
import { ConnectionsFormState } from './useConnectionsForm';

// The route table's minimum per method: an override can only raise it.
const FLOOR: Record<OverrideMethod, RoleName> = {
  GET: 'Viewer',
  POST: 'Editor',
  PUT: 'Editor',
  PATCH: 'Editor',
  DELETE: 'Editor',
};

const roleOptions = (method: OverrideMethod) => [
  { label: `Default (${FLOOR[method]})`, value: '' as const },
  ...ROLES.slice(ROLES.indexOf(FLOOR[method])).map((r) => ({ label: r, value: r })),
];

const RATE_FIELDS: Array<[RateLimitField, string]> = [
  ['perUserPerSecond', 'Per user, requests per second'],
  ['perUserBurst', 'Per user, burst'],
  ['perConnectionPerSecond', 'Whole connection, requests per second'],
  ['perConnectionBurst', 'Whole connection, burst'],
];

interface Props {
  list: ConnectionsFormState;
  form: ConnectionForm;
  fields: ConnectionFields;
}

export function ConnectionAccessFields({ list, form, fields }: Props) {
  const setCache = (key: 'maxEntries' | 'maxBytes') => (f: ConnectionForm, value: string) => ({
    ...f,
    cache: { ...f.cache, [key]: value },
  });
  const setRate = (key: RateLimitField) => (f: ConnectionForm, value: string) => ({
    ...f,
    rateLimit: { ...f.rateLimit, [key]: value },
  });
  return (
    <>
      <Stack gap={2} wrap="wrap">
        {OVERRIDE_METHODS.map((method) => (
          <Field
            key={method}
            {...fields.field(
              `minRoles.${method}`,
              `Minimum role for ${method}`,
              method === 'GET' ? 'Also HEAD and OPTIONS; below it the connection is hidden.' : undefined
            )}
          >
            <Select
              inputId={fields.id(`minRoles-${method}`)}
              width={20}
              options={roleOptions(method)}
              value={form.minRoles[method]}
              onChange={(v) =>
                list.update(form.id, (f) => ({ ...f, minRoles: { ...f.minRoles, [method]: v.value ?? '' } }))
              }
            />
          </Field>
        ))}
      </Stack>
      <Field
        label="Cache GET answers"
        description="Honours the API’s Cache-Control and ETag; entries are never shared across roles."
      >
        <Switch
          id={fields.id('cache-enabled')}
          value={form.cache.enabled}
          onChange={(e) => {
            const enabled = e.currentTarget.checked;
            list.update(form.id, (f) => ({ ...f, cache: { ...f.cache, enabled } }));
          }}
        />
      </Field>
      {form.cache.enabled && (
        <Stack gap={2}>
          <Field {...fields.field('cache.maxEntries', 'Cache entries at most', 'Empty: the plugin’s default.')}>
            <Input
              {...fields.text('cache.maxEntries', form.cache.maxEntries, setCache('maxEntries'))}
              inputMode="numeric"
              width={20}
            />
          </Field>
          <Field {...fields.field('cache.maxBytes', 'Cache bytes at most', 'Empty: the plugin’s default.')}>
            <Input
              {...fields.text('cache.maxBytes', form.cache.maxBytes, setCache('maxBytes'))}
              inputMode="numeric"
              width={20}
            />
          </Field>
        </Stack>
      )}
      <Stack gap={2} wrap="wrap">
        {RATE_FIELDS.map(([key, label]) => (
          <Field key={key} {...fields.field(`rateLimit.${key}`, label, 'Empty: no limit.')}>
            <Input
              {...fields.text(`rateLimit.${key}`, form.rateLimit[key], setRate(key))}
              inputMode="decimal"
              width={20}
            />
          </Field>
        ))}
      </Stack>
    </>
  );
}
