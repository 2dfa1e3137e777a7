/**
 * RS256 verification of platform JWTs (GCP ID tokens, Kubernetes service-account tokens, OIDC / JWT Auth tokens)
 * against public keys the test controls, with `jsonwebtoken`'s messages ("jwt malformed", "invalid signature",
 * "jwt expired", "jwt issuer invalid. expected: …").
 */
import { createPublicKey, createVerify, type KeyObject } from 'node:crypto';

import { decodeJwt, JwtVerifyError, type JwtPayload } from './jwt.js';

/** A PEM public key (SPKI) or a KeyObject. */
export type PublicKeyInput = string | KeyObject;

export function verifyRs256(token: string, keys: readonly PublicKeyInput[], nowSeconds: number, opts: { issuer?: string } = {}): JwtPayload {
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwtVerifyError('jwt malformed');
  const payload = decodeJwt(token);
  let header: { alg?: unknown } | undefined;
  try {
    header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as { alg?: unknown };
  } catch {
    header = undefined;
  }
  if (!payload || !header) throw new JwtVerifyError('invalid token');
  if (header.alg !== 'RS256') throw new JwtVerifyError('invalid algorithm');
  const signed = `${parts[0]}.${parts[1]}`;
  const signature = Buffer.from(parts[2]!, 'base64url');
  const valid = keys.some((key) => createVerify('RSA-SHA256').update(signed).verify(typeof key === 'string' ? createPublicKey(key) : key, signature));
  if (!valid) throw new JwtVerifyError('invalid signature');
  if (payload['nbf'] !== undefined && typeof payload['nbf'] === 'number' && payload['nbf'] > nowSeconds) throw new JwtVerifyError('jwt not active');
  if (typeof payload.exp === 'number' && nowSeconds >= payload.exp) throw new JwtVerifyError('jwt expired');
  if (opts.issuer !== undefined && payload['iss'] !== opts.issuer) throw new JwtVerifyError(`jwt issuer invalid. expected: ${opts.issuer}`);
  return payload;
}
