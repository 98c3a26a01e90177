// What the sweep looks for: the canary key itself, and the key as it would
// look base64-encoded inside something larger (an Authorization: Basic
// header, a HAR body, a JSON field of a saved plan). The canary is made of
// [a-z0-9-] only (infra/testing/canary.ts), so its JSON-escaped and
// URL-encoded forms are the key itself.
//
// Base64 turns each 3 bytes into 4 characters, so the key's encoding inside
// a longer text depends on where the key starts modulo 3. For each of the
// three offsets, the characters that depend on the key's bytes alone are a
// needle: some needle appears whenever the base64 of any text containing
// the key does.

/** The needles for `key`: the key, then one base64 needle per byte offset. */
export function needles(key: string): string[] {
  if (!/^[a-z0-9-]{24,}$/.test(key)) {
    throw new Error(
      "leak sweep: the canary must be at least 24 characters of a-z, 0-9 and '-', so that its escaped forms are itself and its base64 needles are long"
    );
  }
  const bytes = Buffer.from(key, 'utf8');
  const out = [key];
  for (const offset of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes])
      .toString('base64')
      .replace(/=+$/, '');
    // Skip the characters that share bits with the bytes before the key,
    // and stop at the last group made of the key's bytes alone.
    const start = [0, 2, 3][offset];
    const end = 4 * Math.floor((offset + bytes.length) / 3);
    out.push(encoded.slice(start, end));
  }
  return out;
}
