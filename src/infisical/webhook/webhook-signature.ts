import { createHmac, timingSafeEqual } from 'node:crypto';

/** Why a delivery was refused (kept for metrics and tests; never sent back to the caller). */
export type SignatureProblem = 'missing' | 'malformed' | 'mismatch' | 'expired';

export type SignatureCheck = { ok: true; timestamp: number; signature: string } | { ok: false; problem: SignatureProblem };

const HEADER_FORMAT = /^t=(\d{1,16});([0-9a-f]{64})$/i;

/**
 * Checks Infisical's `x-infisical-signature: t=<ms>;<hex>` header: `<hex>` is the HMAC-SHA256, keyed with the
 * webhook's secret key, of the request body (Infisical signs `JSON.stringify(payload)` and posts that same JSON;
 * the payload's own `timestamp` is the `t` of the header). Compared in constant time; a timestamp more than
 * `maxAgeMs` away from `now` (either way) is refused. Pure.
 */
export function checkWebhookSignature(header: string | undefined, body: string, secret: string, now: number, maxAgeMs: number): SignatureCheck {
  if (header === undefined || header === '') return { ok: false, problem: 'missing' };
  const match = HEADER_FORMAT.exec(header.trim());
  if (!match) return { ok: false, problem: 'malformed' };
  const timestamp = Number(match[1]);
  const given = Buffer.from(match[2]!.toLowerCase(), 'hex');
  const expected = createHmac('sha256', secret).update(body, 'utf8').digest();
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, problem: 'mismatch' };
  if (Math.abs(now - timestamp) > maxAgeMs) return { ok: false, problem: 'expired' };
  return { ok: true, timestamp, signature: match[2]!.toLowerCase() };
}
