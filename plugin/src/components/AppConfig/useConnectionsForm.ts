// The list of connections as typed (never a secret; see
// useConnectionSecrets): add, remove, edit one field of one connection,
// which fields the user has left, whether Save was tried, and the reason to
// show beside each field (connections/rules.ts).
import { useState } from 'react';

import { ConnectionForm, newConnection } from '../../connections/form';
import { validateConnections } from '../../connections/rules';

export function useConnectionsForm(initial: ConnectionForm[]) {
  const [forms, setForms] = useState<ConnectionForm[]>(initial);
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const validation = validateConnections(forms);

  const update = (id: string, change: (form: ConnectionForm) => ConnectionForm) =>
    setForms((all) => all.map((f) => (f.id === id ? change(f) : f)));

  return {
    forms,
    valid: validation.valid,
    listProblem: submitted ? validation.list : undefined,
    submit: () => setSubmitted(true),
    /** The reason beside a field of a connection, once the user left it or tried to save. */
    errorFor: (id: string, field: string): string | undefined =>
      submitted || touched.has(`${id}/${field}`) ? validation.byId[id]?.[field] : undefined,
    leave: (id: string, field: string) => setTouched((t) => new Set(t).add(`${id}/${field}`)),
    update,
    add: () => setForms((all) => [...all, newConnection()]),
    remove: (id: string) => setForms((all) => all.filter((f) => f.id !== id)),
    /** After a save: every connection is now stored under its name and auth kind. */
    saved: () => setForms((all) => all.map((f) => ({ ...f, stored: { name: f.name.trim(), auth: f.auth } }))),
  };
}

export type ConnectionsFormState = ReturnType<typeof useConnectionsForm>;
