// The plugin's jsonData settings (the Go backend parses the same keys, in
// pkg/plugin/settings.go) and the client-side validation that mirrors the
// backend's, so a user learns what to fix before saving instead of from a
// failed health check.

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
  // Split the text as typed, the way the backend's Go url.Parse sees it: the
  // browser's URL parser would rewrite it first (127.1 -> 127.0.0.1, "\\" ->
  // "/", "a/../b" -> "/b") and so accept URLs the backend refuses.
  const parts = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)/.exec(value);
  if (!parts) {
    return 'API URL is not an absolute URL: write it as https://host[:port][/base/path]';
  }
  const [, rawScheme, authority, basePath] = parts;
  if (authority.includes('@')) {
    return 'API URL must not contain a user name or password: put the key in the API key field';
  }
  if (value.includes('?')) {
    return 'API URL must not contain a query string (?...): the plugin adds request paths to it';
  }
  if (value.includes('#')) {
    return 'API URL must not contain a fragment (#...)';
  }
  const scheme = rawScheme.toLowerCase();
  if (scheme !== 'https' && scheme !== 'http') {
    return `API URL must use https://, not ${scheme}://`;
  }
  const host = hostOf(authority);
  if (!host || !URL.canParse(value)) {
    return 'API URL is not a valid URL: write it as https://host[:port][/base/path]';
  }
  if (scheme === 'http') {
    if (!isLoopbackHost(host)) {
      return 'API URL must use https:// (plain http:// is only allowed for a loopback host such as 127.0.0.1)';
    }
    if (!allowInsecureLoopback) {
      return 'API URL uses http://: turn on "Allow http:// to loopback" or use https://';
    }
  }
  const base = basePath.replace(/\/+$/, '');
  const problem = base ? pathProblem(base) : undefined;
  if (problem) {
    return `API URL's base path "${base}" must not contain ${problem}`;
  }
  return undefined;
}

/** The host of "host[:port]" or "[ipv6][:port]", brackets removed. */
function hostOf(authority: string): string {
  if (authority.startsWith('[')) {
    return authority.slice(1, authority.indexOf(']'));
  }
  const colon = authority.lastIndexOf(':');
  return colon < 0 ? authority : authority.slice(0, colon);
}

/**
 * Loopback as the backend decides it (Go's net.ParseIP(host).IsLoopback() or
 * the name localhost): 127.0.0.0/8 written as four plain decimal numbers,
 * ::1 in any spelling, or ::ffff:127.x.y.z. Names are never resolved.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost') {
    return true;
  }
  if (host.includes(':')) {
    if (!/^[0-9a-f:.]+$/.test(host) || !URL.canParse(`http://[${host}]/`)) {
      return false;
    }
    const ipv6 = new URL(`http://[${host}]/`).hostname;
    return ipv6 === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(ipv6);
  }
  const octets = host.split('.');
  return (
    octets.length === 4 &&
    octets[0] === '127' &&
    octets.every((o) => /^(0|[1-9]\d{0,2})$/.test(o) && Number(o) <= 255)
  );
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

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----([^-]*)-----END CERTIFICATE-----/g;

/**
 * The backend keeps the PEM blocks Go's x509 can parse and refuses a bundle
 * with none. Parsing X.509 here would take a library; a block whose body is
 * base64 of a DER SEQUENCE catches what people actually paste by mistake
 * (a key, a fragment, the wrong file).
 */
export function validateCaCertificate(raw: string): string | undefined {
  const value = raw.trim();
  if (!value) {
    return undefined;
  }
  const bodies = Array.from(value.matchAll(PEM_CERTIFICATE), (m) => m[1].replace(/\s+/g, ''));
  if (!bodies.some(isDerSequenceBase64)) {
    return 'CA certificate must be PEM: one or more -----BEGIN CERTIFICATE----- ... -----END CERTIFICATE----- blocks';
  }
  return undefined;
}

function isDerSequenceBase64(body: string): boolean {
  if (body.length < 8 || body.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(body)) {
    return false;
  }
  return atob(body.slice(0, 8)).charCodeAt(0) === 0x30;
}

/**
 * A newly typed key. The backend refuses a stored key that cannot travel in
 * an HTTP header; the message never repeats the key.
 */
export function validateApiKey(key: string): string | undefined {
  if (key !== key.trim()) {
    return 'API key must not start or end with spaces or line breaks: paste only the key';
  }
  // Go's httpguts.ValidHeaderFieldValue: no control characters except a tab.
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(key)) {
    return 'API key must not contain control characters such as line breaks: paste only the key';
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

const MAX_PATH_LENGTH = 2048;

/**
 * What the backend's NormalizePath (pkg/plugin/pathrules.go) refuses in a path,
 * as the end of "must not contain ...", or undefined when it accepts it.
 */
export function pathProblem(path: string): string | undefined {
  if (path.length > MAX_PATH_LENGTH) {
    return `more than ${MAX_PATH_LENGTH} characters`;
  }
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) {
      return 'a control character (such as a tab or a line break)';
    }
    if (path[i] === '\\') {
      return 'a backslash';
    }
    if (path[i] === '%') {
      const hex = path.slice(i + 1, i + 3);
      if (!/^[0-9a-f]{2}$/i.test(hex)) {
        return 'a malformed %-escape (% must be followed by two hex digits)';
      }
      const b = parseInt(hex, 16);
      // An escaped dot, slash, backslash or percent would let a path hide a "..".
      if (b === 0x2e || b === 0x2f || b === 0x5c || b === 0x25 || b < 0x20 || b === 0x7f) {
        return 'an escaped ".", "/", "\\", "%" or control character';
      }
    }
  }
  // The other escapes decode to ordinary characters; bytes above 0x7f stay
  // opaque, which is all the checks below need.
  const decoded = path.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  const firstSegment = decoded.replace(/^\//, '').split('/')[0];
  if (decoded.includes('://') || firstSegment.includes(':')) {
    return 'a scheme such as "https:" (give a path such as /v1/items)';
  }
  const segments = (decoded.startsWith('/') ? decoded.slice(1) : decoded).split('/');
  if (segments.some((segment) => segment === '.' || segment === '..')) {
    return '"." or ".." segments';
  }
  if (segments.slice(0, -1).some((segment) => segment === '')) {
    return 'an empty segment (//)';
  }
  return otherServersDotProblem(path);
}

const WORD_CHARS = /^[\p{L}\p{M}\p{N}]+$/u;

/**
 * Forms other servers read as dot segments or separators, as the backend
 * refuses them: bytes that are not UTF-8, ";" parameters ("..;/"), non-ASCII
 * characters that are not letters, marks or numbers or that Unicode
 * normalization (NFKC) turns into something else (fullwidth dots), and
 * segments of only dots and spaces, also once accents are removed.
 */
function otherServersDotProblem(path: string): string | undefined {
  let text: string;
  try {
    text = decodeURIComponent(path);
  } catch {
    return 'bytes that are not UTF-8 (such as %C0%AE)';
  }
  if (text.includes(';')) {
    return 'a semicolon (servers that strip ;parameters read "..;/" as "../")';
  }
  for (const ch of text) {
    if (ch.charCodeAt(0) >= 0x80 && (!WORD_CHARS.test(ch) || !WORD_CHARS.test(ch.normalize('NFKC')))) {
      return `"${ch}", which Unicode normalization or a code page can turn into a dot, slash or other URL syntax`;
    }
  }
  const onlyDots = (segment: string) => segment !== '' && segment.replace(/[. ]/g, '') === '';
  const folded = (segment: string) => segment.normalize('NFKD').replace(/\p{M}/gu, '');
  if (text.split('/').some((segment) => onlyDots(segment) || onlyDots(folded(segment)))) {
    return 'a segment of only dots and spaces, which some servers read as "." or ".."';
  }
  return undefined;
}

/**
 * A path setting (allowed proxy path, health path). Stricter than the
 * backend in two ways that only refuse values that could never match a
 * request: it must start with "/", and it must not hold spaces, "?" or "#".
 */
export function validatePath(value: string, label: string): string | undefined {
  if (!value.startsWith('/')) {
    return `${label} "${value}" must start with "/"`;
  }
  if (/[\s?#]/.test(value)) {
    return `${label} "${value}" must not contain spaces, "?" or "#"`;
  }
  const problem = pathProblem(value);
  return problem ? `${label} "${value}" must not contain ${problem}` : undefined;
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
