// The configuration page's form over the plugin's settings contract
// (contract/settingsContract.ts): what the form edits, how stored jsonData
// fills it, how it becomes the jsonData Save sends, and the reason to show
// beside each field. The rules themselves are the contract's - the same ones
// the infra validator applies, held to the Go backend's by
// tests/settings-parity - so a user learns what to fix before saving
// instead of from a failed health check.

import { apiUrlAddressFinding } from './contract/addressPolicy';
import { goTrimSpace } from './contract/bytes';
import {
  type AppJsonData,
  checkApiKey,
  checkJsonData,
  formatProblem,
  JSON_DATA_KEYS,
  JSON_DATA_SETTINGS,
  type JsonDataKey,
  type JsonDataSettings,
} from './contract/settingsContract';

export type { AppJsonData };

/** What the form edits: a switch for each true/false setting, text for the others (a list: one entry per line). */
export type SettingsForm = {
  [K in JsonDataKey]: JsonDataSettings[K] extends { type: 'boolean' } ? boolean : string;
};

type SettingsErrors = Partial<Record<JsonDataKey, string>>;

// The page's own conveniences, applied before the contract's rules: an
// emptied field with a placeholder means its default, and so does an empty
// line in a list.
const EMPTY_MEANS_DEFAULT: ReadonlySet<JsonDataKey> = new Set(['authHeader', 'healthPath']);

export function formFromJsonData(jsonData: AppJsonData | undefined): SettingsForm {
  const stored: Record<string, unknown> = jsonData ?? {};
  const form: Record<string, string | boolean> = {};
  for (const key of JSON_DATA_KEYS) {
    const spec = JSON_DATA_SETTINGS[key];
    // An explicit "" (authScheme: send the raw key) is kept; only a missing value defaults.
    const value = stored[key] ?? spec.default;
    if (spec.type === 'boolean') {
      form[key] = value === true;
    } else {
      form[key] = Array.isArray(value) ? value.join('\n') : String(value);
    }
  }
  return form as SettingsForm;
}

/** Converts a form that passed validateSettings into the jsonData Grafana stores. */
export function jsonDataFromForm(form: SettingsForm): AppJsonData {
  return candidateJsonData(form) as AppJsonData;
}

/** The reason to show beside each field, the first per field, in the backend's order. */
export function validateSettings(form: SettingsForm): SettingsErrors {
  const errors: SettingsErrors = {};
  for (const problem of checkJsonData(candidateJsonData(form))) {
    const key = problem.field.replace(/\[\d+\]$/, '') as JsonDataKey;
    errors[key] ??= formatProblem(problem);
  }
  return errors;
}

/**
 * Advice beside an apiUrl the rules accept but the plugin will not call
 * unless the Grafana server's operator allows it (an IP address in a
 * private, loopback or other special range). It does not block Save: the
 * page cannot see the operator's allowed_networks; the health check can.
 */
export function apiUrlAdvice(form: SettingsForm): string | undefined {
  const finding = apiUrlAddressFinding(form.apiUrl, form.allowInsecureLoopback);
  return finding && formatProblem({ field: 'apiUrl', ...finding });
}

/**
 * A newly typed key ("" means none typed). The backend refuses a stored key
 * that cannot travel in an HTTP header; the message never repeats the key.
 */
export function validateApiKey(key: string): string | undefined {
  const problem = key === '' ? undefined : checkApiKey(key);
  return problem && formatProblem(problem);
}

export const API_KEY_REQUIRED = formatProblem({
  field: 'apiKey',
  problem: 'is required',
  fix: 'type the key the API gave you',
});

// The jsonData the form stands for, as Save would send it. Text in a number
// field that is not a number stays text, for the contract to name.
function candidateJsonData(form: SettingsForm): Record<string, unknown> {
  const jsonData: Record<string, unknown> = {};
  for (const key of JSON_DATA_KEYS) {
    const spec = JSON_DATA_SETTINGS[key];
    const value = form[key];
    if (typeof value === 'boolean') {
      jsonData[key] = value;
      continue;
    }
    const text = goTrimSpace(value);
    if (spec.type === 'integer') {
      jsonData[key] = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : text;
    } else if (spec.type === 'string[]') {
      jsonData[key] = splitLines(value);
    } else if (key === 'caCertificate') {
      // Omitted when empty; a PEM file ends with a newline.
      if (text !== '') {
        jsonData[key] = text + '\n';
      }
    } else {
      jsonData[key] = text === '' && EMPTY_MEANS_DEFAULT.has(key) ? spec.default : text;
    }
  }
  return jsonData;
}

function splitLines(raw: string): string[] {
  return raw
    .split('\n')
    .map(goTrimSpace)
    .filter((line) => line !== '');
}
