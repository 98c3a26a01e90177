// The reason to show beside each field of each connection. The flat
// settings of every connection are checked as the old form's are (every
// problem at once, src/settings.ts validateSettings); the list's own rules
// (names, auth kinds, oauth2, minRoles, cache, rateLimit) come from
// listProblems, whose problems name their field the way the backend does:
// "connections[1] (billing).oauth2.tokenUrl".
import { formatProblem, type SettingProblem } from '../contract/problems';
import { validateSettings } from '../settings';
import { ConnectionForm, jsonDataFromConnection } from './form';
import { listProblems } from './listProblems';

/** Per connection id, per field path ("apiUrl", "oauth2.clientId", "name"), the reason to show. */
type ConnectionErrors = Record<string, Record<string, string>>;

export interface ListValidation {
  byId: ConnectionErrors;
  /** A problem of the list itself ("connections: lists 33 connections"). */
  list?: string;
  valid: boolean;
}

const FIELD = /^connections\[(\d+)\](?: \([^)]*\))?\.(.+)$/;

export function validateConnections(forms: ConnectionForm[]): ListValidation {
  const byId: ConnectionErrors = {};
  let list: string | undefined;
  for (const form of forms) {
    const errors: Record<string, string> = {};
    for (const [field, reason] of Object.entries(validateSettings(form.flat))) {
      // The header settings are not sent for oauth2 and mtls.
      if (form.auth === 'apiKey' || (field !== 'authHeader' && field !== 'authScheme')) {
        errors[field] = reason;
      }
    }
    byId[form.id] = errors;
  }
  const entries = forms.map(jsonDataFromConnection);
  const place = (problem: SettingProblem, offset: number) => {
    const match = FIELD.exec(problem.field);
    const form = match ? forms[Number(match[1]) + offset] : undefined;
    if (!match || !form) {
      list ??= formatProblem(problem);
      return;
    }
    const field = match[2].replace(/\[\d+\]$/, '');
    byId[form.id][field] ??= formatProblem({ ...problem, field: match[2] });
  };
  // The contract stops at the first problem of the list, as the backend
  // does: each connection is checked alone for its own first problem, then
  // the whole list for what is between them (a name used twice, the count).
  entries.forEach((entry, i) => listProblems({ connections: [entry] }).forEach((p) => place(p, i)));
  listProblems({ connections: entries }).forEach((p) => place(p, 0));
  const valid = list === undefined && Object.values(byId).every((e) => Object.keys(e).length === 0);
  return { byId, list, valid };
}
