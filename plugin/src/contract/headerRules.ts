// The rules for the header that carries the key (authHeader), the word
// before it (authScheme) and the key itself, as the backend applies them
// (validateAuthHeaderName, parseAuthScheme and parseAPIKey in
// pkg/plugin/settings_fields.go, with x/net's httpguts for tokens and values).

import type { Finding } from './problems';

// RFC 9110 token characters: httpguts.ValidHeaderFieldName.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

// Headers that would change framing or routing, or that the proxy never sends
// upstream, cannot carry the key (the backend's forbiddenAuthHeaders).
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

const HEADER_EXAMPLE = 'use a name such as Authorization or X-Api-Key';

export function authHeaderFinding(trimmed: string): Finding | undefined {
  if (!TOKEN.test(trimmed)) {
    return {
      problem: `"${trimmed}" is not a valid HTTP header name`,
      fix: `${HEADER_EXAMPLE}: letters, digits and !#$%&'*+-.^_\`|~ only, no spaces or colons`,
    };
  }
  const lower = trimmed.toLowerCase();
  if (FORBIDDEN_AUTH_HEADERS.has(lower) || lower.startsWith('x-grafana-')) {
    return {
      problem: `"${trimmed}" cannot carry the API key`,
      fix: `${HEADER_EXAMPLE}; framing, routing and cookie headers and X-Grafana-* are refused`,
    };
  }
  return undefined;
}

export function authSchemeFinding(trimmed: string): Finding | undefined {
  if (trimmed !== '' && !TOKEN.test(trimmed)) {
    return {
      problem: `"${trimmed}" is not a single word such as Bearer or Token`,
      fix: 'set the word the API expects before the key, or "" to send the raw key',
    };
  }
  return undefined;
}

/**
 * The stored key must be able to travel in a header: no spaces at its ends
 * and no control characters but a tab (httpguts.ValidHeaderFieldValue).
 * The key is never quoted.
 */
export function apiKeyFinding(key: string, trimmed: string): Finding | undefined {
  if (trimmed === '') {
    return {
      problem: 'no API key is stored',
      fix: 'set secureJsonData.apiKey: the API key field of the configuration page, or the grafanaapp_plugin_settings resource',
    };
  }
  // eslint-disable-next-line no-control-regex
  if (trimmed !== key || /[\x00-\x08\x0a-\x1f\x7f]/.test(key)) {
    return {
      problem:
        'the API key has spaces or line breaks at its ends, or control characters inside, and cannot be sent in a header',
      fix: 'paste only the key and store it again',
    };
  }
  return undefined;
}
