import { createHmac, timingSafeEqual } from 'node:crypto';

/** Why a delivery was refused (kept for metrics and the debug log; never sent back to the caller). */
export type SignatureProblem = 'missing' | 'malformed' | 'oversized' | 'mismatch' | 'unsigned-timestamp' | 'timestamp-mismatch' | 'expired';

/** A delivery that passed every check: its signed timestamp, its signature (lower case) and its parsed body. */
export interface SignedDelivery {
  timestamp: number;
  signature: string;
  payload: unknown;
}

export type SignatureCheck = ({ ok: true } & SignedDelivery) | { ok: false; problem: SignatureProblem };

/** What a delivery is judged against. */
export interface SignatureRules {
  secret: string;
  now: number;
  /** The freshness window: the signed timestamp may be this far from `now`, either way. */
  maxAgeMs: number;
  /** Longest body verified; a longer one is refused before any HMAC is computed. */
  maxBodyBytes: number;
}

const HEADER_FORMAT = /^t=(\d{1,16});([0-9a-f]{64})$/i;

/**
 * Checks an Infisical delivery. Infisical posts `JSON.stringify({ ...payload, timestamp: Date.now() })` with
 * `x-infisical-signature: t=<that timestamp>;<hex HMAC-SHA256(secret key, body)>`, so the body's `timestamp` is
 * signed and the header's `t` is not. In order, each step refusing with its problem: a well-formed header; a body
 * of at most `maxBodyBytes` (so a refusal costs at most one HMAC over a bounded body); the HMAC of the raw body,
 * compared in constant time; a JSON body with a numeric `timestamp`; `t` written exactly as that timestamp;
 * that timestamp within `maxAgeMs` of `now`. Freshness is judged on the signed value only. Pure.
 */
export function checkWebhookSignature(header: string | undefined, body: string, rules: SignatureRules): SignatureCheck {
  if (header === undefined || header === '') return refused('missing');
  const match = HEADER_FORMAT.exec(header.trim());
  if (!match) return refused('malformed');
  if (Buffer.byteLength(body) > rules.maxBodyBytes) return refused('oversized');
  const signature = match[2]!.toLowerCase();
  const expected = createHmac('sha256', rules.secret).update(body).digest();
  if (!timingSafeEqual(Buffer.from(signature, 'hex'), expected)) return refused('mismatch');
  const payload = parseJson(body);
  const timestamp = signedTimestamp(payload);
  if (timestamp === undefined) return refused('unsigned-timestamp');
  if (String(timestamp) !== match[1]) return refused('timestamp-mismatch');
  if (Math.abs(rules.now - timestamp) > rules.maxAgeMs) return refused('expired');
  return { ok: true, timestamp, signature, payload };
}

const refused = (problem: SignatureProblem): SignatureCheck => ({ ok: false, problem });

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/**
 * The body's `timestamp` when it is a number (a fraction, a negative or an exponent never equals the digits of `t`,
 * so the comparison with the header refuses those).
 */
function signedTimestamp(payload: unknown): number | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const { timestamp } = payload as { timestamp?: unknown };
  return typeof timestamp === 'number' ? timestamp : undefined;
}
