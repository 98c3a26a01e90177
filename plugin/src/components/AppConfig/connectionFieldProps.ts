// What every field of one connection's section takes: an id unique on the
// page, its label and description, and the reason to show beside it.
import { ChangeEvent } from 'react';

import { ConnectionForm } from '../../connections/form';
import { SettingsForm } from '../../settings';
import { ConnectionsFormState } from './useConnectionsForm';

type TextField = { [K in keyof SettingsForm]: SettingsForm[K] extends string ? K : never }[keyof SettingsForm];

export function connectionFields(list: ConnectionsFormState, form: ConnectionForm, index: number) {
  const id = (field: string) => `apibridge-c${index}-${field.replace(/\W/g, '-')}`;
  const errorFor = (field: string) => list.errorFor(form.id, field);
  return {
    id,
    /** Label, description and reason: what a Field takes. */
    field: (field: string, label: string, description?: string) => ({
      label,
      description,
      invalid: Boolean(errorFor(field)),
      error: errorFor(field),
    }),
    /** A flat setting's Input or TextArea (the same settings as the old form). */
    flatText: (field: TextField) => ({
      id: id(field),
      value: form.flat[field],
      onChange: (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => {
        const value = e.currentTarget.value;
        list.update(form.id, (f) => ({ ...f, flat: { ...f.flat, [field]: value } }));
      },
      onBlur: () => list.leave(form.id, field),
      'aria-invalid': Boolean(errorFor(field)),
    }),
    /** Any other text of the connection, through its own setter. */
    text: (field: string, value: string, set: (f: ConnectionForm, value: string) => ConnectionForm) => ({
      id: id(field),
      value,
      onChange: (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => {
        const v = e.currentTarget.value;
        list.update(form.id, (f) => set(f, v));
      },
      onBlur: () => list.leave(form.id, field),
      'aria-invalid': Boolean(errorFor(field)),
    }),
  };
}

export type ConnectionFields = ReturnType<typeof connectionFields>;
