// Keeps credentials out of messages: a URL shown without its userinfo, query
// or fragment, and text with every given secret taken out.

/** scheme://host[:port]/path of `raw`, never its user:password, query or fragment. */
export function safeUrl(raw: string | undefined): string {
  try {
    const u = new URL(raw ?? '');
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '(not a URL)';
  }
}

/** `text` with each secret (and its URL-encoded and JSON-escaped forms) replaced by [redacted]. */
export function redact(text: string, secrets: (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) {
    if (!s || s.length < 4) continue;
    for (const form of new Set([s, encodeURIComponent(s), JSON.stringify(s).slice(1, -1)]))
      out = out.split(form).join('[redacted]');
  }
  return out;
}

/** `raw` as written, but with any user:password@ before the host replaced by ***@, even when it does not parse as a URL ("admin:pw@host"). */
export function withoutUserinfo(raw: string | undefined): string {
  return String(raw).replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/?#]*@/i, '$1***@');
}
