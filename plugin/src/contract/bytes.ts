// Go strings are bytes; JavaScript strings are UTF-16. The rules that mirror
// Go's net/url and the backend's path rule work on "byte strings": one char
// per UTF-8 byte (0x00-0xFF), so an index, a length or a %-escape means what
// it means in Go. A lone surrogate becomes U+FFFD, as it does when the
// jsonData goes through JSON on its way to Go.

export function toByteString(text: string): string {
  let out = '';
  for (const b of new TextEncoder().encode(text)) {
    out += String.fromCharCode(b);
  }
  return out;
}

/** The UTF-8 text of a byte string, or undefined when it is not valid UTF-8. */
export function utf8Text(bytes: string): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(byteArray(bytes));
  } catch {
    return undefined;
  }
}

/** Like utf8Text, but each invalid byte becomes U+FFFD (Go's range loop over a string). */
export function utf8TextLossy(bytes: string): string {
  return new TextDecoder('utf-8').decode(byteArray(bytes));
}

function byteArray(bytes: string): Uint8Array {
  return Uint8Array.from(bytes, (c) => c.charCodeAt(0));
}

export function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9A-Fa-f]$/.test(c);
}

/** Go's unicode.IsSpace over the code points strings.TrimSpace trims. */
const GO_SPACE =
  /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

/**
 * Go's strings.TrimSpace. JavaScript's trim() differs at two code points:
 * it trims U+FEFF, which Go keeps, and keeps U+0085, which Go trims.
 */
export function goTrimSpace(text: string): string {
  return text.replace(GO_SPACE, '');
}

/** Go's strings.EqualFold, close enough for ASCII targets: "localhoſt" equals "localhost". */
export function equalFold(a: string, b: string): boolean {
  const ra = Array.from(a);
  const rb = Array.from(b);
  return (
    ra.length === rb.length &&
    ra.every(
      (c, i) => c === rb[i] || c.toLowerCase() === rb[i].toLowerCase() || c.toUpperCase() === rb[i].toUpperCase()
    )
  );
}
