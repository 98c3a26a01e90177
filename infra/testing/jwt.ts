// Test helper: a signing key and JWTs shaped like a CI provider's ID token
// (GitHub Actions' claims), signed in the test with ES256 so OpenBao's jwt
// auth can verify them against the public key (jwt_validation_pubkeys).
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

export interface JwtSigner {
  publicKeyPem: string;
  issuer: string;
  /** A token valid for five minutes with these claims (plus iss, iat, nbf, exp). */
  token(claims: Record<string, string>): string;
}

export function jwtSigner(issuer = 'https://token.actions.githubusercontent.test'): JwtSigner {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    issuer,
    token: (claims) => signEs256({ iss: issuer, ...claims }, privateKey),
  };
}

function signEs256(claims: Record<string, string>, key: KeyObject): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const signed = `${b64({ alg: 'ES256', typ: 'JWT' })}.${b64({ ...claims, iat: now, nbf: now - 5, exp: now + 300 })}`;
  return `${signed}.${sign('sha256', Buffer.from(signed), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}
