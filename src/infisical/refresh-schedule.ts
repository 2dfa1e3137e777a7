import {
  BACKOFF_BASE_MS,
  BACKOFF_CAP_MS,
  REFRESH_JITTER_RATIO,
} from './infisical.constants.js';
import {
  InfisicalAuthenticationError,
  InfisicalConfigValidationError,
  InfisicalEnvironmentNotFoundError,
  InfisicalIdentityLockedError,
  InfisicalPermissionError,
  InfisicalProjectAccessError,
  InfisicalRateLimitError,
  InfisicalRequestError,
  InfisicalSecretPathNotFoundError,
} from './infisical.errors.js';

/** Longest `Retry-After` honoured (a larger one would overflow Node's timers, which then fire at once). */
const MAX_RETRY_AFTER_MS = 3_600_000;

/** Delay until the next regular refresh: the TTL ± 10 % so that a fleet of instances spreads its requests. */
export function refreshDelayMs(ttlSeconds: number, random: () => number = Math.random): number {
  return ttlSeconds * 1000 * (1 + REFRESH_JITTER_RATIO * (2 * random() - 1));
}

/**
 * Delay before retrying after the `failures`-th consecutive failed refresh:
 * - transient trouble: exponential back-off with full jitter (1 s, 2 s, 4 s … capped at 5 min), and never sooner
 *   than a 429's `Retry-After`;
 * - an answer that needs a human (bad credentials, lockout, no access, unknown environment or folder, another
 *   refusal): the cap,
 *   so a revoked identity is not hammered;
 * - a rejected snapshot (a key deleted or malformed): the regular TTL cadence.
 */
export function retryDelayMs(failures: number, error: unknown, ttlSeconds: number, random: () => number = Math.random): number {
  if (
    error instanceof InfisicalAuthenticationError ||
    error instanceof InfisicalIdentityLockedError ||
    error instanceof InfisicalProjectAccessError ||
    error instanceof InfisicalEnvironmentNotFoundError ||
    error instanceof InfisicalSecretPathNotFoundError ||
    error instanceof InfisicalRequestError
  ) {
    return BACKOFF_CAP_MS;
  }
  if ((error instanceof InfisicalConfigValidationError || error instanceof InfisicalPermissionError) && ttlSeconds > 0) {
    return Math.min(BACKOFF_CAP_MS, refreshDelayMs(ttlSeconds, random));
  }
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
  const delay = Math.max(100, random() * ceiling);
  if (error instanceof InfisicalRateLimitError && error.retryAfterSeconds !== undefined) {
    return Math.max(delay, Math.min(error.retryAfterSeconds * 1000, MAX_RETRY_AFTER_MS));
  }
  return delay;
}
