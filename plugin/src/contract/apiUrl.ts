// The apiUrl rule, as the backend's parseAPIURL (pkg/plugin/settings_fields.go)
// applies it to the text Grafana stores: Go's url.Parse (goUrl.ts), no
// userinfo, query or fragment, https - or http to a loopback address
// (ipAddress.ts) with allowInsecureLoopback - and a base path the path rule
// accepts. Messages quote the URL only as shownUrl leaves it: never its
// userinfo, query or fragment, which can hold a credential.

import { goTrimSpace, toByteString, utf8TextLossy } from './bytes';
import { goParseUrl, hostnameOf } from './goUrl';
import { isLoopbackHost } from './ipAddress';
import { normalizePath } from './pathRule';
import type { Finding } from './problems';

const EXAMPLE = 'e.g. https://api.example.com/v1';
const WRITE_IT = `write it as https://host[:port][/base/path], ${EXAMPLE}`;

export function apiUrlFinding(value: string, allowInsecureLoopback: boolean): Finding | undefined {
  const raw = goTrimSpace(value);
  if (raw === '') {
    return { problem: 'is empty', fix: `set it to the https base URL of the API, ${EXAMPLE}` };
  }
  const shown = `"${shownUrl(raw)}"`;
  const u = goParseUrl(toByteString(raw));
  if (u === undefined) {
    return { problem: `${shown} is not a URL`, fix: WRITE_IT };
  }
  if (u.hasUser) {
    return {
      problem: 'must not contain a user name or password',
      fix: 'remove it and put the credential in the API key (secureJsonData.apiKey)',
    };
  }
  const hostname = utf8TextLossy(hostnameOf(u.host));
  if (u.scheme === '' || hostname === '' || u.opaque !== '') {
    return { problem: `${shown} is not an absolute URL`, fix: WRITE_IT };
  }
  if (u.rawQuery !== '' || u.forceQuery) {
    return {
      problem: `${shown} has a query string`,
      fix: 'give only the base URL: the plugin adds each request path to it',
    };
  }
  if (u.fragment !== '' || raw.includes('#')) {
    return {
      problem: `${shown} has a #fragment`,
      fix: 'give only the base URL: the plugin adds each request path to it',
    };
  }
  if (u.scheme === 'http') {
    if (!isLoopbackHost(hostname)) {
      return {
        problem: `${shown} uses plain http to a host that is not a loopback address`,
        fix: 'use https://; plain http is allowed only with allowInsecureLoopback, to a loopback address written as 127.x.y.z in four decimal numbers (such as 127.0.0.1), [::1] or localhost',
      };
    }
    if (!allowInsecureLoopback) {
      return {
        problem: `${shown} uses plain http`,
        fix: 'use https://, or turn on allowInsecureLoopback for this loopback address',
      };
    }
  } else if (u.scheme !== 'https') {
    return { problem: `${shown} has scheme "${u.scheme}"`, fix: `use https://, ${EXAMPLE}` };
  }
  const base = u.escapedPath.replace(/\/+$/, '');
  if (base !== '') {
    const path = normalizePath(base);
    if (!path.ok) {
      return {
        problem: `${shown} has an unusable base path (${path.reason})`,
        fix: `give a plain base path, ${EXAMPLE}`,
      };
    }
  }
  return undefined;
}

/**
 * The backend's shownURL: apiUrl as a message may quote it, with a query or
 * fragment (which can hold a token) cut to "?..." or "#...", and anything
 * up to an "@" (userinfo) replaced by "...".
 */
function shownUrl(raw: string): string {
  let s = raw;
  const cut = s.search(/[?#]/);
  if (cut >= 0) {
    s = s.slice(0, cut + 1) + '...';
  }
  const at = s.lastIndexOf('@');
  if (at >= 0) {
    const scheme = s.indexOf('://');
    return scheme >= 0 && scheme < at ? s.slice(0, scheme + 3) + '...@' + s.slice(at + 1) : '...@' + s.slice(at + 1);
  }
  return s;
}
