import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { MAX_RETRY_AFTER_MS } from '../infisical.defaults.js';
import { FLEET_CLOCK_SKEW_MS, type FleetKeyring } from './fleet-envelope.js';

const HKDF_INFO = 'nestjs-infisical fleet back-off v1';
const FORMAT = /^v1\.(\d{1,16})\.([A-Za-z0-9_-]{43})$/;

/** Longest back-off value read from Redis (one is about 60 characters). */
export const MAX_BACKOFF_BYTES = 256;

/** What a back-off value read from Redis says: the instant it ends, or why it is ignored. */
export type BackoffReading = { until: number; refused?: undefined } | { until?: undefined; refused: string };

/**
 * The value of the shared back-off ending at `until` (epoch ms), authenticated for the Redis key `redisKey` with the
 * current fleet key: `v1.<until>.<HMAC-SHA256>`. Pure.
 */
export function sealBackoff(until: number, redisKey: string, keyring: FleetKeyring): string {
  return `v1.${until}.${mac(until, redisKey, keyring[0]).toString('base64url')}`;
}

/**
 * Reads a shared back-off: the instant it ends when a fleet key authenticates it for `redisKey` and it ends at most
 * the longest back-off (300 s, plus the allowed clock skew) after `now`; otherwise why it is ignored (a plain number,
 * another key, another Redis key, or an end too far ahead). Pure.
 */
export function openBackoff(text: string, redisKey: string, keyring: FleetKeyring, now: number): BackoffReading {
  const match = FORMAT.exec(text);
  const until = Number(match?.[1]);
  if (!match || !keyring.some((key) => timingSafeEqual(mac(until, redisKey, key), Buffer.from(match[2]!, 'base64url')))) {
    return { refused: 'it is not authenticated with the fleet key (a value written by something other than an instance of this fleet)' };
  }
  if (until - now > MAX_RETRY_AFTER_MS + FLEET_CLOCK_SKEW_MS) return { refused: `it ends more than ${MAX_RETRY_AFTER_MS / 1000} s from now, beyond the longest back-off` };
  return { until };
}

function mac(until: number, redisKey: string, key: string): Buffer {
  const macKey = Buffer.from(hkdfSync('sha256', key, '', HKDF_INFO, 32));
  return createHmac('sha256', macKey).update(`${redisKey}\n${until}`).digest();
}
