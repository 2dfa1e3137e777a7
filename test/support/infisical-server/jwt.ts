/**
 * Minimal HS256 JWT signing/verification with node:crypto, reproducing the error messages of
 * the `jsonwebtoken` package that Infisical maps to 403 TokenError.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type JwtPayload = Record<string, unknown> & { iat?: number; exp?: number };

/** Error carrying a raw jsonwebtoken message ("jwt expired", "invalid signature", ...). */
export class JwtVerifyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonWebTokenError';
  }
}

const b64url = (input: Buffer | string): string => Buffer.from(input).toString('base64url');

function hmac(secret: string, data: string): Buffer {
  return createHmac('sha256', secret).update(data).digest();
}

/** Signs `payload` (which must already contain iat/exp if wanted). */
export function signJwt(payload: JwtPayload, secret: string): string {
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify(payload));
  const signature = hmac(secret, `${header}.${body}`).toString('base64url');
  return `${header}.${body}.${signature}`;
}

const JWS_REGEX = /^[a-zA-Z0-9\-_]+?\.[a-zA-Z0-9\-_]+?\.([a-zA-Z0-9\-_]+)?$/;

function parseJsonSegment(segment: string): unknown {
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Decodes without verifying (like jwt.decode). Returns null for anything that is not a JWT. */
export function decodeJwt(token: string): JwtPayload | null {
  if (!JWS_REGEX.test(token)) return null;
  const payload = parseJsonSegment(token.split('.')[1] ?? '');
  return payload !== null && typeof payload === 'object' ? (payload as JwtPayload) : null;
}

/**
 * Verifies like `jsonwebtoken.verify(token, secret)` with HS256/384/512 allowed, in the same
 * order and with the same messages: "jwt must be provided", "jwt malformed", "invalid token",
 * "jwt signature is required", "invalid algorithm", "invalid signature", "jwt not active",
 * "invalid exp value", "jwt expired".
 */
export function verifyJwt(token: string, secret: string, nowSeconds: number): JwtPayload {
  if (!token) throw new JwtVerifyError('jwt must be provided');
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwtVerifyError('jwt malformed');
  if (!JWS_REGEX.test(token)) throw new JwtVerifyError('invalid token');
  const header = parseJsonSegment(parts[0]!) as { alg?: unknown } | undefined;
  const payload = parseJsonSegment(parts[1]!);
  if (!header || typeof header !== 'object' || payload === undefined) throw new JwtVerifyError('invalid token');
  if (parts[2]!.trim() === '') throw new JwtVerifyError('jwt signature is required');
  if (header.alg !== 'HS256' && header.alg !== 'HS384' && header.alg !== 'HS512') {
    throw new JwtVerifyError('invalid algorithm');
  }
  if (header.alg !== 'HS256') {
    // The server only ever signs HS256; another HMAC size can never match our signature.
    throw new JwtVerifyError('invalid signature');
  }
  const expected = hmac(secret, `${parts[0]}.${parts[1]}`);
  const given = Buffer.from(parts[2]!, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new JwtVerifyError('invalid signature');
  }
  if (payload === null || typeof payload !== 'object') throw new JwtVerifyError('invalid token');
  const claims = payload as JwtPayload;
  if (claims['nbf'] !== undefined) {
    if (typeof claims['nbf'] !== 'number') throw new JwtVerifyError('invalid nbf value');
    if (claims['nbf'] > nowSeconds) throw new JwtVerifyError('jwt not active');
  }
  if (claims.exp !== undefined) {
    if (typeof claims.exp !== 'number') throw new JwtVerifyError('invalid exp value');
    if (nowSeconds >= claims.exp) throw new JwtVerifyError('jwt expired');
  }
  return claims;
}

/** Infisical's error-handler wording for jsonwebtoken messages. */
export function tokenErrorMessage(jwtMessage: string): string {
  switch (jwtMessage) {
    case 'jwt expired':
      return 'Your token has expired. Please re-authenticate.';
    case 'jwt malformed':
      return 'The provided access token is malformed. Please use a valid token or generate a new one and try again.';
    case 'invalid algorithm':
      return 'The access token is signed with an invalid algorithm. Please provide a valid token and try again.';
    default:
      return jwtMessage;
  }
}
