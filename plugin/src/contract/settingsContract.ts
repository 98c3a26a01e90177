// The plugin's settings contract, defined once for every TypeScript side:
// the configuration page (src/settings.ts) and the infra validator
// (infra/config/plugin-json-data.ts) both check jsonData with checkJsonData,
// and the jsonData types of both are derived from JSON_DATA_SETTINGS below.
// The reference is the Go backend's LoadSettings (pkg/plugin/settings.go,
// settings_fields.go, pathrules.go): the same keys, types, defaults, bounds
// and rules, checked in the same order, so the first problem names the
// setting the plugin would name in "not configured: <setting>: ...".
// tests/settings-parity runs Go, the page and infra on the same cases.

import { apiUrlFinding } from './apiUrl';
import { goTrimSpace } from './bytes';
import { caCertificateFinding, type CertificateParser } from './caCertificate';
import {
  checkConnectionList,
  checkConnectionSecrets,
  connectionSecureFields,
  type ConnectionExtras,
} from './connections';
import { apiKeyFinding, authHeaderFinding, authSchemeFinding } from './headerRules';
import { normalizePath } from './pathRule';
import type { Finding, SettingProblem } from './problems';

export { formatProblem } from './problems';

/** What a rule may read besides its own value. */
interface RuleContext {
  allowInsecureLoopback: boolean;
  parseCertificate?: CertificateParser;
}

interface StringSpec {
  type: 'string';
  default: string;
  rule: (value: string, context: RuleContext) => Finding | undefined;
}
interface IntegerSpec {
  type: 'integer';
  default: number;
  min: number;
  max: number;
  unit: string;
}
interface BooleanSpec {
  type: 'boolean';
  default: boolean;
}
interface StringListSpec {
  type: 'string[]';
  default: readonly string[];
  itemRule: (value: string) => Finding | undefined;
}
type SettingSpec = (StringSpec | IntegerSpec | BooleanSpec | StringListSpec) & {
  /** A setting the plugin cannot work without (its default is refused). */
  required?: true;
};

/**
 * Every jsonData setting: its JSON type, the default the backend takes when
 * it is absent (or null), its bounds and its rule. The order is the order
 * of the backend's settingParsers.
 */
export const JSON_DATA_SETTINGS = {
  apiUrl: {
    type: 'string',
    default: '',
    required: true,
    rule: (value, { allowInsecureLoopback }) => apiUrlFinding(value, allowInsecureLoopback),
  },
  authHeader: { type: 'string', default: 'Authorization', rule: (value) => authHeaderFinding(goTrimSpace(value)) },
  authScheme: { type: 'string', default: 'Bearer', rule: (value) => authSchemeFinding(goTrimSpace(value)) },
  caCertificate: {
    type: 'string',
    default: '',
    rule: (value, { parseCertificate }) => caCertificateFinding(goTrimSpace(value), parseCertificate),
  },
  timeoutSeconds: { type: 'integer', default: 30, min: 1, max: 300, unit: 'seconds' },
  maxResponseBytes: { type: 'integer', default: 10 * 1024 * 1024, min: 1, max: 1024 * 1024 * 1024, unit: 'bytes' },
  /** Allows calls to loopback addresses at all (https too), and plain http:// to them. */
  allowInsecureLoopback: { type: 'boolean', default: false },
  allowedPaths: { type: 'string[]', default: [], itemRule: allowedPathFinding },
  healthPath: { type: 'string', default: '/profile', rule: healthPathFinding },
} as const satisfies Record<string, SettingSpec>;

export type JsonDataSettings = typeof JSON_DATA_SETTINGS;
type Settings = JsonDataSettings;
export type JsonDataKey = keyof Settings;

type ValueOf<S> = S extends { type: 'string' }
  ? string
  : S extends { type: 'integer' }
    ? number
    : S extends { type: 'boolean' }
      ? boolean
      : S extends { type: 'string[]' }
        ? string[]
        : never;

/** The single-connection settings: every one may be absent. */
type FlatJsonData = { [K in JsonDataKey]?: ValueOf<Settings[K]> };

/** One entry of jsonData.connections (src/contract/connections.ts). */
export type ConnectionJsonData = FlatJsonData & ConnectionExtras;

/**
 * jsonData as Grafana stores it: the single-connection form (every setting
 * may be absent), or - never both - a list of named connections.
 */
export type AppJsonData = {
  [K in keyof FlatJsonData | 'connections']?: K extends JsonDataKey ? FlatJsonData[K] : ConnectionJsonData[];
};

type RequiredKey = { [K in JsonDataKey]: Settings[K] extends { required: true } ? K : never }[JsonDataKey];

/** jsonData as a deployment declares it: the required settings present. */
export type JsonDataInput = FlatJsonData & { [K in RequiredKey]-?: ValueOf<Settings[K]> };

export const JSON_DATA_KEYS = Object.keys(JSON_DATA_SETTINGS) as JsonDataKey[];

interface CheckOptions {
  /** A full X.509 parser for caCertificate, where the side has one. */
  parseCertificate?: CertificateParser;
}

/**
 * Settings of a connection that the single-connection form has no place for
 * (the backend's connectionOnlyKeys): at the top level they would do nothing.
 */
const CONNECTION_ONLY_KEYS = ['name', 'auth', 'oauth2', 'minRoles', 'cache', 'rateLimit'] as const;

/**
 * Every problem with a jsonData value, in the order the backend finds them:
 * values of the wrong JSON type first (in the order they appear), then each
 * setting's rule in settingParsers order. Keys the plugin does not know are
 * not checked here (the backend ignores them). An empty list means the
 * backend's LoadSettings accepts this jsonData.
 */
export function checkJsonData(jsonData: unknown, options: CheckOptions = {}): SettingProblem[] {
  if (jsonData === null || jsonData === undefined) {
    jsonData = {};
  }
  if (typeof jsonData !== 'object' || Array.isArray(jsonData)) {
    return [
      {
        field: 'jsonData',
        problem: `is ${describe(jsonData)}, not an object`,
        fix: 'give the settings as a JSON object',
      },
    ];
  }
  const given = jsonData as Record<string, unknown>;
  if (given.connections !== undefined && given.connections !== null) {
    return checkConnectionList(given, {
      typeFinding: (key, value) => (isKey(key) ? typeFinding(JSON_DATA_SETTINGS[key], value) : undefined),
      ruleProblems: (settings) => {
        const context: RuleContext = {
          allowInsecureLoopback: settings.allowInsecureLoopback === true,
          parseCertificate: options.parseCertificate,
        };
        return JSON_DATA_KEYS.flatMap((key) =>
          ruleProblems(key, settings[key] ?? JSON_DATA_SETTINGS[key].default, context)
        );
      },
    });
  }
  const connectionOnly = CONNECTION_ONLY_KEYS.find((key) => given[key] !== undefined && given[key] !== null);
  if (connectionOnly) {
    return [
      {
        field: connectionOnly,
        problem: 'is a setting of a connection in jsonData.connections; the single-connection form does not read it',
        fix: `write the settings as a list with one connection named "default" (its key in secureJsonData["default.apiKey"]) and set ${connectionOnly} there, or remove it`,
      },
    ];
  }
  const problems: SettingProblem[] = [];
  const mistyped = new Set<string>();
  for (const [key, value] of Object.entries(given)) {
    if (!isKey(key) || value === null || value === undefined) {
      continue;
    }
    const finding = typeFinding(JSON_DATA_SETTINGS[key], value);
    if (finding) {
      mistyped.add(key);
      problems.push({ field: key, ...finding });
    }
  }
  const context: RuleContext = {
    allowInsecureLoopback: given.allowInsecureLoopback === true,
    parseCertificate: options.parseCertificate,
  };
  for (const key of JSON_DATA_KEYS) {
    if (!mistyped.has(key)) {
      problems.push(...ruleProblems(key, given[key] ?? JSON_DATA_SETTINGS[key].default, context));
    }
  }
  return problems;
}

/**
 * The stored secrets, once checkJsonData accepts jsonData: secureJsonData.apiKey
 * for the single-connection form, each connection's own for the list form.
 */
export function checkSecureJsonData(
  jsonData: AppJsonData | null | undefined,
  secure: Record<string, string | undefined>
): SettingProblem | undefined {
  if (Array.isArray(jsonData?.connections)) {
    return checkConnectionSecrets(jsonData.connections as unknown as Array<Record<string, unknown>>, secure);
  }
  return checkApiKey(secure.apiKey ?? '');
}

/** The secureJsonData keys this jsonData needs: apiKey for the single-connection form, each connection's own for the list form. */
export function secureFieldNames(jsonData: AppJsonData | null | undefined): string[] {
  const list = jsonData?.connections as unknown;
  return list !== undefined && list !== null ? (Array.isArray(list) ? connectionSecureFields(list) : []) : ['apiKey'];
}

/** The stored key (secureJsonData.apiKey), as the backend's parseAPIKey checks it. */
export function checkApiKey(key: string): SettingProblem | undefined {
  const finding = apiKeyFinding(key, goTrimSpace(key));
  return finding && { field: 'apiKey', ...finding };
}

function isKey(key: string): key is JsonDataKey {
  return Object.hasOwn(JSON_DATA_SETTINGS, key);
}

function ruleProblems(key: JsonDataKey, value: unknown, context: RuleContext): SettingProblem[] {
  const spec: SettingSpec = JSON_DATA_SETTINGS[key];
  let finding: Finding | undefined;
  switch (spec.type) {
    case 'string':
      finding = spec.rule(value as string, context);
      break;
    case 'integer':
      finding = integerFinding(spec, value as number);
      break;
    case 'string[]':
      // The backend names the first bad entry only.
      for (const [i, item] of (value as Array<string | null>).entries()) {
        const itemFinding = spec.itemRule(item ?? '');
        if (itemFinding) {
          return [{ field: `${key}[${i}]`, ...itemFinding }];
        }
      }
      break;
  }
  return finding ? [{ field: key, ...finding }] : [];
}

function integerFinding({ min, max, unit }: IntegerSpec, value: number): Finding | undefined {
  if (!Number.isInteger(value) || value < min || value > max) {
    return {
      problem: `is ${value}, not a whole number from ${min} to ${max}`,
      fix: `set a whole number of ${unit} from ${min} to ${max}`,
    };
  }
  return undefined;
}

// A JSON null leaves a list entry empty in Go, as it does a setting.
function typeFinding(spec: SettingSpec, value: unknown): Finding | undefined {
  switch (spec.type) {
    case 'string':
      return typeof value === 'string'
        ? undefined
        : { problem: `is ${describe(value)}, not a string`, fix: 'give it as text in quotes' };
    case 'integer':
      return typeof value === 'number'
        ? undefined
        : {
            problem: `is ${describe(value)}, not a number`,
            fix: `set a whole number of ${spec.unit} from ${spec.min} to ${spec.max}`,
          };
    case 'boolean':
      return typeof value === 'boolean'
        ? undefined
        : { problem: `is ${describe(value)}, not true or false`, fix: 'set true or false, without quotes' };
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string' || v === null)
        ? undefined
        : {
            problem: `is ${describe(value)}, not a list of strings`,
            fix: 'give a list of path prefixes, e.g. ["/v1/items"]',
          };
  }
}

/** A value as a message may show it: short, and only its kind when it is not a scalar. */
function describe(value: unknown): string {
  if (Array.isArray(value)) {
    return 'a list';
  }
  if (typeof value === 'object' && value !== null) {
    return 'an object';
  }
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? text.slice(0, 37) + '..."' : text;
}

function allowedPathFinding(path: string): Finding | undefined {
  const verdict = normalizePath(path);
  return verdict.ok
    ? undefined
    : {
        problem: `"${path}" is not a usable path prefix (${verdict.reason})`,
        fix: 'use a plain path such as /v1/items',
      };
}

function healthPathFinding(value: string): Finding | undefined {
  const path = goTrimSpace(value);
  const verdict = path === '' ? { ok: false as const, reason: 'it is empty' } : normalizePath(path);
  return verdict.ok
    ? undefined
    : {
        problem: `"${path}" is not a usable path (${verdict.reason})`,
        fix: 'use a plain path such as /profile that answers GET when the key is valid',
      };
}
