// The backend's path rule (NormalizePath in pkg/plugin/pathrules.go), for
// the settings that hold paths: allowedPaths, healthPath and apiUrl's base
// path. It refuses instead of repairing, including every form some server on
// the way could read as a dot segment or separator: "..;/", %2e, fullwidth
// dots, dot leaders, dots with combining accents, overlong UTF-8. The reasons
// are the backend's, so the page, infra and the plugin explain a refusal in
// the same words.

import { isHex, toByteString, utf8Text } from './bytes';

const MAX_PATH_BYTES = 2048;

type PathVerdict = { ok: true; path: string } | { ok: false; reason: string };

/** NormalizePath: the clean absolute path, or why the path is refused. */
export function normalizePath(path: string): PathVerdict {
  const refuse = (reason: string): PathVerdict => ({ ok: false, reason });
  const bytes = toByteString(path);
  if (bytes.length > MAX_PATH_BYTES) {
    return refuse(`the path is longer than ${MAX_PATH_BYTES} characters`);
  }
  const rawProblem = rawBytesProblem(bytes);
  if (rawProblem) {
    return refuse(rawProblem);
  }
  const decodedBytes = bytes.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  let decoded = utf8Text(decodedBytes);
  if (decoded === undefined) {
    return refuse('the path is not valid UTF-8 (such as the overlong %C0%AE for a dot)');
  }
  if (decoded.includes(';')) {
    return refuse('the path contains a semicolon (servers that strip ;parameters read "..;/" as "../")');
  }
  const nonASCII = nonASCIIProblem(decoded);
  if (nonASCII) {
    return refuse(nonASCII);
  }
  if (decoded.includes('://') || decoded.replace(/^\//, '').split('/')[0].includes(':')) {
    return refuse('the path looks like an absolute URL; give a path such as /v1/items');
  }
  if (!decoded.startsWith('/')) {
    decoded = '/' + decoded;
  }
  const segments = decoded.slice(1).split('/');
  for (const [i, segment] of segments.entries()) {
    if (segment === '') {
      if (i === segments.length - 1) {
        continue; // "/" itself, or a trailing slash
      }
      return refuse('the path contains an empty segment (//)');
    }
    const problem = segmentProblem(segment);
    if (problem) {
      return refuse(problem);
    }
  }
  return { ok: true, path: decoded };
}

// checkRawPathBytes: the byte rules, applied to the still-encoded path.
function rawBytesProblem(bytes: string): string | undefined {
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) {
      return 'the path contains a control character (CR, LF, NUL or similar)';
    }
    if (bytes[i] === '\\') {
      return 'the path contains a backslash';
    }
    if (bytes[i] === '%') {
      if (!isHex(bytes[i + 1]) || !isHex(bytes[i + 2])) {
        return 'the path contains a malformed %-escape';
      }
      const b = parseInt(bytes.slice(i + 1, i + 3), 16);
      if (b === 0x2e || b === 0x2f || b === 0x5c || b === 0x25 || b < 0x20 || b === 0x7f) {
        return 'the path contains a percent-encoded dot, slash, backslash, percent sign or control character';
      }
    }
  }
  return undefined;
}

// Built at run time from a pattern that is not one literal: the bundler's
// ES2015 target rewrites a literal \p{...} (even in new RegExp('...')) into
// a class of thousands of ranges, 23 kB of the page's bundle; every browser
// Grafana supports reads \p{...} itself.
const MARK = '\\p{M}';
const WORD_RUNE = new RegExp(`^[\\p{L}${MARK}\\p{N}]$`, 'u');
const MARKS = new RegExp(`${MARK}`, 'gu');

// checkNonASCII: a non-ASCII character must be a letter, mark or number, and
// stay made of those under NFKC ("．" becomes ".", "½" becomes "1⁄2").
function nonASCIIProblem(decoded: string): string | undefined {
  for (const r of decoded) {
    if (r.charCodeAt(0) < 0x80) {
      continue;
    }
    const code = 'U+' + r.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    if (!WORD_RUNE.test(r)) {
      return `the path contains ${code} "${r}", which is not a letter or digit; a server that normalizes Unicode or maps it to a code page may read it as a dot, slash or other URL syntax`;
    }
    const nfkc = r.normalize('NFKC');
    if (!Array.from(nfkc).every((n) => WORD_RUNE.test(n))) {
      return `the path contains ${code} "${r}", which Unicode normalization (NFKC) turns into "${nfkc}"`;
    }
  }
  return undefined;
}

// checkSegment: ".", "..", segments of only dots and spaces ("...", ". ."),
// and segments that are only dots once their accents are removed.
function segmentProblem(segment: string): string | undefined {
  const onlyDotsAndSpaces = (s: string) => s.replace(/^[. ]+|[. ]+$/g, '') === '';
  if (segment === '.' || segment === '..') {
    return 'the path contains a . or .. segment';
  }
  if (onlyDotsAndSpaces(segment)) {
    return 'the path contains a segment of only dots and spaces, which some servers read as . or ..';
  }
  if (onlyDotsAndSpaces(segment.normalize('NFKD').replace(MARKS, ''))) {
    return 'the path contains a segment that is only dots once its accents are removed';
  }
  return undefined;
}
