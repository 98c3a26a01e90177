// The caCertificate rule: the backend (parseCACertificate) keeps the PEM
// CERTIFICATE blocks Go's x509.CertPool.AppendCertsFromPEM can parse and
// refuses a bundle with none. A browser has no X.509 parser, so this reads
// each block as Go's encoding/pem does (strict base64, no headers) and checks
// the DER outline of a certificate: SEQUENCE { tbsCertificate SEQUENCE
// { [0] version?, serial INTEGER, 5 SEQUENCEs ... }, algorithm SEQUENCE,
// signature BIT STRING }, nothing after. That refuses what people paste by
// mistake (a key, a truncated copy, the wrong file); a side that has an X.509
// parser (infra, with Node's) passes it in to be as strict as Go.

import type { Finding } from './problems';

/** A full X.509 parse of one DER certificate, where the side has one. */
export type CertificateParser = (der: Uint8Array) => boolean;

const PEM_BLOCK = /(?:^|\n)-----BEGIN CERTIFICATE-----[ \t\r]*\n([\s\S]*?)\n-----END CERTIFICATE-----[ \t\r]*(?=\n|$)/g;

export function caCertificateFinding(trimmed: string, parse?: CertificateParser): Finding | undefined {
  if (trimmed === '') {
    return undefined;
  }
  for (const [, body] of trimmed.matchAll(PEM_BLOCK)) {
    // A line with a colon is a PEM header; Go skips blocks that have any.
    if (body.split('\n').some((line) => line.includes(':'))) {
      continue;
    }
    const der = strictBase64(body.replace(/[ \t\r\n]/g, ''));
    if (der && hasCertificateOutline(der) && (parse === undefined || parse(der))) {
      return undefined;
    }
  }
  return {
    problem: 'contains no PEM certificate',
    fix: "paste the CA bundle that signed the API's certificate (-----BEGIN CERTIFICATE----- ...), or leave it empty to use the system roots",
  };
}

function strictBase64(text: string): Uint8Array | undefined {
  if (text.length === 0 || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) {
    return undefined;
  }
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

interface Tlv {
  tag: number;
  body: Uint8Array;
  rest: Uint8Array;
}

/** One DER element: tag, minimal definite length, contents. */
function readTlv(der: Uint8Array): Tlv | undefined {
  if (der.length < 2) {
    return undefined;
  }
  let length = der[1];
  let offset = 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n === 0 || n > 4 || der.length < 2 + n || der[2] === 0) {
      return undefined;
    }
    length = 0;
    for (let i = 0; i < n; i++) {
      length = length * 256 + der[2 + i];
    }
    if (length < 0x80) {
      return undefined; // not the minimal encoding DER requires
    }
    offset = 2 + n;
  }
  if (der.length < offset + length) {
    return undefined;
  }
  return { tag: der[0], body: der.subarray(offset, offset + length), rest: der.subarray(offset + length) };
}

/** Reads elements with the given tags in order; a tag in `optional` may be absent. */
function readSequence(der: Uint8Array, tags: number[], optional: number[] = []): Uint8Array | undefined {
  let rest = der;
  for (const tag of tags) {
    const tlv = readTlv(rest);
    if (tlv === undefined || tlv.tag !== tag) {
      if (optional.includes(tag)) {
        continue;
      }
      return undefined;
    }
    rest = tlv.rest;
  }
  return rest;
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const BIT_STRING = 0x03;
const VERSION = 0xa0;

function hasCertificateOutline(der: Uint8Array): boolean {
  const cert = readTlv(der);
  if (cert === undefined || cert.tag !== SEQUENCE || cert.rest.length !== 0) {
    return false;
  }
  if (readSequence(cert.body, [SEQUENCE, SEQUENCE, BIT_STRING])?.length !== 0) {
    return false;
  }
  const tbs = readTlv(cert.body)!;
  const tbsFields = [VERSION, INTEGER, SEQUENCE, SEQUENCE, SEQUENCE, SEQUENCE, SEQUENCE];
  return readSequence(tbs.body, tbsFields, [VERSION]) !== undefined;
}
