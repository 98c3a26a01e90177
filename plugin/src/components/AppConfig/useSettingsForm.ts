// The configuration form's state: the values as typed (never the key; see
// useNewApiKey), which fields the user has left, whether Save was tried,
// and what each field should show - its reason once the user has left it or
// tried to save, and the advice on apiUrl's address.
import { ChangeEvent, useState } from 'react';

import { AppJsonData, apiUrlAdvice, formFromJsonData, SettingsForm, validateSettings } from '../../settings';

type TextField = { [K in keyof SettingsForm]: SettingsForm[K] extends string ? K : never }[keyof SettingsForm];
type SwitchField = Exclude<keyof SettingsForm, TextField>;

export function useSettingsForm(stored: AppJsonData | undefined) {
  const [form, setForm] = useState<SettingsForm>(() => formFromJsonData(stored));
  const [touched, setTouched] = useState<Partial<Record<keyof SettingsForm, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);

  const errors = validateSettings(form);
  const shown = (field: keyof SettingsForm) => touched[field] || submitted;
  const errorFor = (field: keyof SettingsForm) => (shown(field) ? errors[field] : undefined);

  return {
    form,
    /** True when no field has a reason: Save may send the form. */
    valid: Object.keys(errors).length === 0,
    /** Marks the form as submitted: every field's reason shows from now on. */
    submit: () => setSubmitted(true),
    /** The advice beside apiUrl, when it has no error to show instead. */
    apiUrlAdvice: shown('apiUrl') && !errors.apiUrl ? apiUrlAdvice(form) : undefined,
    /** Label, description and the reason to show: what every setting's Field takes. */
    fieldProps: (field: keyof SettingsForm, label: string, description: string) => ({
      label,
      description,
      invalid: Boolean(errorFor(field)),
      error: errorFor(field),
    }),
    /** What a text setting's Input or TextArea takes. */
    text: (field: TextField) => ({
      id: `apibridge-${field}`,
      value: form[field],
      onChange: (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => {
        // Read now: React clears currentTarget before a state updater runs.
        const value = e.currentTarget.value;
        setForm((f) => ({ ...f, [field]: value }));
      },
      onBlur: () => setTouched((t) => ({ ...t, [field]: true })),
      // Input derives this from Field's `invalid`; TextArea does not.
      'aria-invalid': Boolean(errorFor(field)),
    }),
    /** What a true/false setting's Switch takes. */
    toggle: (field: SwitchField) => ({
      id: `apibridge-${field}`,
      value: form[field],
      onChange: (e: ChangeEvent<HTMLInputElement>) => {
        const checked = e.currentTarget.checked;
        setForm((f) => ({ ...f, [field]: checked }));
      },
    }),
  };
}
