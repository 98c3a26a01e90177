// The part of Go's net/url (Go 1.26, src/net/url/url.go: Parse, parse,
// getScheme, parseAuthority, parseHost, setPath, EscapedPath, Hostname) that
// the backend's apiUrl rule depends on. The browser's URL parser is not a
// substitute: it repairs what Go refuses ("https:\\host") and refuses what
// Go accepts (port 99999). Everything here works on byte strings (bytes.ts).

import { isHex } from './bytes';
import { parseIpAddress } from './ipAddress';

/** What url.Parse yields, in the fields the apiUrl rule reads. */
interface GoUrl {
  scheme: string;
  opaque: string;
  /** Any userinfo, even empty ("https://@host"). */
  hasUser: boolean;
  /** host[:port], unescaped. */
  host: string;
  rawQuery: string;
  forceQuery: boolean;
  fragment: string;
  /** URL.EscapedPath(). */
  escapedPath: string;
}

type Mode = 'path' | 'host' | 'zone' | 'fragment';

// Bytes each mode leaves as they are (net/url's encoding_table.go); every
// other byte, and every byte >= 0x80, is escaped.
const UNESCAPED: Record<Mode, RegExp> = {
  path: /^[A-Za-z0-9\-._~$&+,/:;=@]$/,
  host: /^[A-Za-z0-9\-._~!"$&'()*+,:;<=>[\]]$/,
  zone: /^[A-Za-z0-9\-._~!"$&'()*+,:;<=>[\]]$/,
  fragment: /^[A-Za-z0-9\-._~!$&()*+,/:;=?@]$/,
};

function shouldEscape(c: string, mode: Mode): boolean {
  return !UNESCAPED[mode].test(c);
}

/** url.Parse; undefined where it returns an error. */
export function goParseUrl(raw: string): GoUrl | undefined {
  const hash = raw.indexOf('#');
  const u = hash < 0 ? raw : raw.slice(0, hash);
  const parsed = parse(u);
  if (parsed === undefined || hash < 0) {
    return parsed;
  }
  const fragment = unescape(raw.slice(hash + 1), 'fragment');
  return fragment === undefined ? undefined : { ...parsed, fragment };
}

function parse(raw: string): GoUrl | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(raw)) {
    return undefined;
  }
  const url: GoUrl = {
    scheme: '',
    opaque: '',
    hasUser: false,
    host: '',
    rawQuery: '',
    forceQuery: false,
    fragment: '',
    escapedPath: '',
  };
  if (raw === '*') {
    return { ...url, escapedPath: '*' };
  }
  const scheme = getScheme(raw);
  if (scheme === undefined) {
    return undefined;
  }
  url.scheme = scheme.scheme.toLowerCase();
  let rest = scheme.rest;
  if (rest.endsWith('?') && rest.split('?').length === 2) {
    url.forceQuery = true;
    rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf('?');
    if (q >= 0) {
      url.rawQuery = rest.slice(q + 1);
      rest = rest.slice(0, q);
    }
  }
  if (!rest.startsWith('/')) {
    if (url.scheme !== '') {
      return { ...url, opaque: rest };
    }
    if (rest.split('/')[0].includes(':')) {
      return undefined;
    }
  }
  if ((url.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const slash = authority.indexOf('/');
    if (slash >= 0) {
      rest = authority.slice(slash);
      authority = authority.slice(0, slash);
    }
    // Userinfo, valid or not, is refused by the apiUrl rule either way; the
    // host after it must still parse for url.Parse to succeed.
    const at = authority.lastIndexOf('@');
    const host = parseHost(url.scheme, authority.slice(at + 1));
    if (host === undefined || (at >= 0 && !validUserinfo(authority.slice(0, at)))) {
      return undefined;
    }
    url.host = host;
    url.hasUser = at >= 0;
  }
  const escapedPath = escapedPathOf(rest);
  return escapedPath === undefined ? undefined : { ...url, escapedPath };
}

function getScheme(raw: string): { scheme: string; rest: string } | undefined {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (/[A-Za-z]/.test(c)) {
      continue;
    }
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) {
        return { scheme: '', rest: raw };
      }
      continue;
    }
    if (c === ':') {
      return i === 0 ? undefined : { scheme: raw.slice(0, i), rest: raw.slice(i + 1) };
    }
    return { scheme: '', rest: raw };
  }
  return { scheme: '', rest: raw };
}

// validUserinfo: RFC 3986 userinfo characters, plus "@"; no byte >= 0x80.
function validUserinfo(s: string): boolean {
  return /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(s);
}

/** parseHost: "[IPv6]:port" or "name:port", unescaped; undefined on error. */
function parseHost(scheme: string, host: string): string | undefined {
  const open = host.lastIndexOf('[');
  if (open > 0) {
    return undefined;
  }
  if (open === 0) {
    const close = host.lastIndexOf(']');
    if (close < 0) {
      return undefined;
    }
    const colonPort = host.slice(close + 1);
    if (!validOptionalPort(colonPort)) {
      return undefined;
    }
    const hostname = host.slice(1, close);
    const zoneAt = hostname.indexOf('%25');
    const unescaped =
      zoneAt >= 0
        ? join(unescape(hostname.slice(0, zoneAt), 'host'), unescape(hostname.slice(zoneAt), 'zone'))
        : unescape(hostname, 'host');
    // Only an IPv6 address may stand in brackets (IPv4-mapped included).
    const addr = unescaped === undefined ? undefined : parseIpAddress(unescaped);
    if (addr === undefined || addr.is4) {
      return undefined;
    }
    return `[${unescaped}]${colonPort}`;
  }
  const colon = host.indexOf(':');
  if (colon >= 0) {
    // Since Go 1.26 a second colon is an error for http and https
    // (urlstrictcolons); other schemes use the last one.
    const at =
      colon !== host.lastIndexOf(':') && scheme !== 'http' && scheme !== 'https' ? host.lastIndexOf(':') : colon;
    if (!validOptionalPort(host.slice(at))) {
      return undefined;
    }
  }
  return unescape(host, 'host');
}

function join(a: string | undefined, b: string | undefined): string | undefined {
  return a === undefined || b === undefined ? undefined : a + b;
}

function validOptionalPort(port: string): boolean {
  return port === '' || /^:[0-9]*$/.test(port);
}

/** url.Hostname(): the host without its port and brackets. */
export function hostnameOf(hostPort: string): string {
  let host = hostPort;
  const colon = host.lastIndexOf(':');
  if (colon >= 0 && validOptionalPort(host.slice(colon))) {
    host = host.slice(0, colon);
  }
  if (host.startsWith('[') && host.endsWith(']')) {
    host = host.slice(1, -1);
  }
  return host;
}

/** net/url's unescape; undefined on a malformed escape or a byte the mode refuses. */
function unescape(s: string, mode: Mode): string | undefined {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '%') {
      if (!isHex(s[i + 1]) || !isHex(s[i + 2])) {
        return undefined;
      }
      const esc = s.slice(i, i + 3);
      const v = parseInt(s.slice(i + 1, i + 3), 16);
      // In a host, %-escapes may only stand for bytes >= 0x80 (and %25).
      if (mode === 'host' && v < 0x80 && esc !== '%25') {
        return undefined;
      }
      const b = String.fromCharCode(v);
      if (mode === 'zone' && esc !== '%25' && b !== ' ' && shouldEscape(b, 'host')) {
        return undefined;
      }
      out += b;
      i += 2;
      continue;
    }
    if ((mode === 'host' || mode === 'zone') && c < '\x80' && shouldEscape(c, mode)) {
      return undefined;
    }
    out += c;
  }
  return out;
}

function escape(s: string, mode: Mode): string {
  let out = '';
  for (const c of s) {
    out += shouldEscape(c, mode) ? '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0') : c;
  }
  return out;
}

// validEncoded: what EscapedPath accepts as an encoding of the path as given.
function validEncoded(s: string): boolean {
  for (const c of s) {
    if (!"!$&'()*+,;=:@[]%".includes(c) && shouldEscape(c, 'path')) {
      return false;
    }
  }
  return true;
}

/** setPath then EscapedPath: the path as given when it is a valid encoding, else Go's own. */
function escapedPathOf(rest: string): string | undefined {
  const path = unescape(rest, 'path');
  if (path === undefined) {
    return undefined;
  }
  const rawPath = escape(path, 'path') === rest ? '' : rest;
  if (rawPath !== '' && validEncoded(rawPath)) {
    return rawPath;
  }
  return path === '*' ? '*' : escape(path, 'path');
}
