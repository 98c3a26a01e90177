// The plugin's jsonData settings (see CONTRACTS: the Go backend parses the same
// keys) and the client-side validation that mirrors the backend's, so a user
// learns what to fix before saving instead of from a failed health check.

export interface AppJsonData {
  apiUrl?: string;
  authHeader?: string;
  authScheme?: string;
  caCertificate?: string;
  timeoutSeconds?: number;
  maxResponseBytes?: number;
  allowInsecureLoopback?: boolean;
  allowedPaths?: string[];
  healthPath?: string;
}

export const DEFAULTS = {
  authHeader: 'Authorization',
  authScheme: 'Bearer',
  timeoutSeconds: 30,
  maxResponseBytes: 10 * 1024 * 1024,
  healthPath: '/profile',
} as const;

export const LIMITS = {
  timeoutSeconds: { min: 1, max: 300 },
  maxResponseBytes: { min: 1, max: 1024 * 1024 * 1024 },
} as const;

/** What the form edits: every value as the user typed it. */
export interface SettingsForm {
  apiUrl: string;
  authHeader: string;
  authScheme: string;
  caCertificate: string;
  timeoutSeconds: string;
  maxResponseBytes: string;
  allowInsecureLoopback: boolean;
  /** One path prefix per line. */
  allowedPaths: string;
  healthPath: string;
}

export type SettingsErrors = Partial<Record<keyof SettingsForm, string>>;

export function formFromJsonData(jsonData: AppJsonData | undefined): SettingsForm {
  const d = jsonData ?? {};
  return {
    apiUrl: d.apiUrl ?? '',
    authHeader: d.authHeader ?? DEFAULTS.authHeader,
    // An explicit "" means "send the raw key", so only a missing value defaults.
    authScheme: d.authScheme ?? DEFAULTS.authScheme,
    caCertificate: d.caCertificate ?? '',
    timeoutSeconds: String(d.timeoutSeconds ?? DEFAULTS.timeoutSeconds),
    maxResponseBytes: String(d.maxResponseBytes ?? DEFAULTS.maxResponseBytes),
    allowInsecureLoopback: d.allowInsecureLoopback ?? false,
    allowedPaths: (d.allowedPaths ?? []).join('\n'),
    healthPath: d.healthPath ?? DEFAULTS.healthPath,
  };
}

/** Converts a form that passed validateSettings into the jsonData Grafana stores. */
export function jsonDataFromForm(form: SettingsForm): AppJsonData {
  const jsonData: AppJsonData = {
    apiUrl: form.apiUrl.trim(),
    authHeader: form.authHeader.trim() || DEFAULTS.authHeader,
    authScheme: form.authScheme.trim(),
    timeoutSeconds: Number(form.timeoutSeconds),
    maxResponseBytes: Number(form.maxResponseBytes),
    allowInsecureLoopback: form.allowInsecureLoopback,
    allowedPaths: splitLines(form.allowedPaths),
    healthPath: form.healthPath.trim() || DEFAULTS.healthPath,
  };
  const ca = form.caCertificate.trim();
  if (ca) {
    jsonData.caCertificate = ca + '\n';
  }
  return jsonData;
}

export function validateSettings(form: SettingsForm): SettingsErrors {
  const errors: SettingsErrors = {};
  const set = (field: keyof SettingsForm, message: string | undefined) => {
    if (message) {
      errors[field] = message;
    }
  };
  set('apiUrl', validateApiUrl(form.apiUrl, form.allowInsecureLoopback));
  set('authHeader', validateHeaderName(form.authHeader));
  set('authScheme', validateAuthScheme(form.authScheme));
  set('caCertificate', validateCaCertificate(form.caCertificate));
  set('timeoutSeconds', validateInteger(form.timeoutSeconds, 'Timeout', LIMITS.timeoutSeconds, 'seconds'));
  set('maxResponseBytes', validateInteger(form.maxResponseBytes, 'Maximum response size', LIMITS.maxResponseBytes, 'bytes'));
  set('allowedPaths', validateAllowedPaths(form.allowedPaths));
  set('healthPath', validatePath(form.healthPath.trim() || DEFAULTS.healthPath, 'Health check path'));
  return errors;
}

export function validateApiUrl(raw: string, allowInsecureLoopback: boolean): string | undefined {
  const value = raw.trim();
  if (!value) {
    return 'API URL is required, for example https://api.example.com/v1';
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'API URL is not a valid URL: write it as https://host[:port][/base/path]';
  }
  if (url.username || url.password) {
    return 'API URL must not contain a user name or password: put the key in the API key field';
  }
  // Checked on the raw text: URL drops an empty "?" or "#".
  if (value.includes('?')) {
    return 'API URL must not contain a query string (?...): the plugin adds request paths to it';
  }
  if (value.includes('#')) {
    return 'API URL must not contain a fragment (#...)';
  }
  if (url.protocol === 'https:') {
    return undefined;
  }
  if (url.protocol === 'http:') {
    if (!isLoopbackHost(url.hostname)) {
      return 'API URL must use https:// (plain http:// is only allowed for a loopback host such as 127.0.0.1)';
    }
    if (!allowInsecureLoopback) {
      return 'API URL uses http://: turn on "Allow http:// to loopback" or use https://';
    }
    return undefined;
  }
  return `API URL must use https://, not ${url.protocol}//`;
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host === '::1') {
    return true;
  }
  const octets = host.split('.');
  return octets.length === 4 && octets[0] === '127' && octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255);
}

// RFC 9110 token characters: what Go's net/http accepts as a header name.
const HEADER_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

// Headers that change framing or routing, or that the backend never sends
// upstream, cannot carry the key (the backend refuses the same list).
const FORBIDDEN_AUTH_HEADERS = new Set([
  'host',
  'content-length',
  'content-type',
  'transfer-encoding',
  'connection',
  'cookie',
  'te',
  'upgrade',
  'trailer',
  'keep-alive',
  'proxy-authorization',
  'proxy-connection',
]);

export function validateHeaderName(raw: string): string | undefined {
  const value = raw.trim();
  if (value && !HEADER_TOKEN.test(value)) {
    return 'Auth header must be an HTTP header name: letters, digits and !#$%&\'*+-.^_`|~ only, no spaces or colons';
  }
  const lower = value.toLowerCase();
  if (FORBIDDEN_AUTH_HEADERS.has(lower) || lower.startsWith('x-grafana-')) {
    return `Auth header ${value} cannot carry the API key: use a name such as Authorization or X-Api-Key`;
  }
  return undefined;
}

export function validateAuthScheme(raw: string): string | undefined {
  if (raw.trim() && !HEADER_TOKEN.test(raw.trim())) {
    return 'Auth scheme must be a single word such as Bearer or Token (leave it empty to send the raw key)';
  }
  return undefined;
}

export function validateCaCertificate(raw: string): string | undefined {
  const value = raw.trim();
  if (!value) {
    return undefined;
  }
  if (!value.includes('-----BEGIN CERTIFICATE-----') || !value.includes('-----END CERTIFICATE-----')) {
    return 'CA certificate must be PEM: one or more -----BEGIN CERTIFICATE----- ... -----END CERTIFICATE----- blocks';
  }
  return undefined;
}

export function validateInteger(
  raw: string,
  label: string,
  range: { min: number; max: number },
  unit: string
): string | undefined {
  const value = raw.trim();
  if (!/^\d+$/.test(value) || Number(value) < range.min || Number(value) > range.max) {
    return `${label} must be a whole number of ${unit} from ${range.min} to ${range.max}`;
  }
  return undefined;
}

export function validatePath(value: string, label: string): string | undefined {
  if (!value.startsWith('/')) {
    return `${label} "${value}" must start with "/"`;
  }
  if (/[\s?#\\]/.test(value)) {
    return `${label} "${value}" must not contain spaces, "?", "#" or "\\"`;
  }
  const segments = value.split('/').slice(1);
  if (segments.some((segment) => segment === '..' || segment === '.')) {
    return `${label} "${value}" must not contain "." or ".." segments`;
  }
  if (segments.slice(0, -1).some((segment) => segment === '')) {
    return `${label} "${value}" must not contain an empty segment (//)`;
  }
  // An escaped dot, slash, backslash or percent would let a path hide a "..".
  if (/%(2e|2f|5c|25)/i.test(value) || /%(?![0-9a-f]{2})/i.test(value)) {
    return `${label} "${value}" must not contain an escaped ".", "/", "\\" or "%", nor a malformed %-escape`;
  }
  return undefined;
}

export function validateAllowedPaths(raw: string): string | undefined {
  for (const path of splitLines(raw)) {
    const message = validatePath(path, 'Allowed path');
    if (message) {
      return message;
    }
  }
  return undefined;
}

function splitLines(raw: string): string[] {
  return raw
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}
