import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import { caCertificateFinding } from './caCertificate';

// A test CA's certificate (public), also used by tests/settings-parity.
const realCA = readFileSync(
  path.resolve(import.meta.dirname, '../../tests/settings-parity/testdata/ca.pem'),
  'utf8'
).trim();
const pem = (body: string) => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----`;
const body = realCA.split('\n').slice(1, -1).join('\n');

describe('caCertificateFinding', () => {
  it('accepts a bundle with a certificate, also after other blocks', () => {
    expect(caCertificateFinding(realCA)).toBeUndefined();
    expect(caCertificateFinding(`${pem('aGVsbG8=')}\n${realCA}`)).toBeUndefined();
  });

  it.each([
    ['a truncated certificate', pem(body.slice(0, 40))],
    ['a block with PEM headers (Go skips it)', pem(`Proc-Type: 4,ENCRYPTED\n\n${body}`)],
    ['base64 without its padding', pem(body.replace(/=+$/, '') + 'A')],
    ['a private key', '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----'],
    ['no END line', `-----BEGIN CERTIFICATE-----\n${body}`],
  ])('refuses %s', (_what, text) => {
    expect(caCertificateFinding(text)?.problem).toBe('contains no PEM certificate');
  });

  it("defers to a side's X.509 parser when it has one", () => {
    expect(caCertificateFinding(realCA, () => false)?.problem).toBe('contains no PEM certificate');
    expect(caCertificateFinding(realCA, (der) => der[0] === 0x30)).toBeUndefined();
  });
});
