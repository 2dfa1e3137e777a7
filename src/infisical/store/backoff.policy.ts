import { InfisicalPermissionError } from '../errors/access.errors.js';
import { InfisicalConfigValidationError } from '../errors/configuration.errors.js';
import { InfisicalError } from '../errors/infisical.error.js';
import { InfisicalPlatformCredentialError } from '../errors/keyless-login.errors.js';
import { InfisicalRateLimitError } from '../errors/transport.errors.js';
import {
  BACKOFF_BASE_MS,
  BACKOFF_CAP_MS,
  MAX_RETRY_AFTER_MS,
  REFRESH_JITTER_RATIO,
  RETRY_AFTER_JITTER_MS,
} from '../infisical.defaults.js';

/** Delay until the next regular refresh: the TTL ± 10 %, so that a fleet of instances spreads its requests. */
export function refreshDelayMs(ttlSeconds: number, random: () => number = Math.random): number {
  return ttlSeconds * 1000 * (1 + REFRESH_JITTER_RATIO * (2 * random() - 1));
}

/** Whether `error` is an answer that was received and rejected (a key deleted or malformed, an unreadable environment). */
export function isRejectedAnswer(error: unknown): boolean {
  return error instanceof InfisicalConfigValidationError || error instanceof InfisicalPermissionError;
}

/**
 * Whether `error` is a platform token file this process could not use (missing, empty, not a regular file, too
 * large, unreadable, too slow): nothing reached Infisical, and the next attempt succeeds once the file is fixed.
 */
export function isTokenFileFailure(error: unknown): boolean {
  return error instanceof InfisicalPlatformCredentialError && error.reason.startsWith('token-file-');
}

/**
 * Whether `error` needs a human (bad credentials, lockout, no access, unknown environment or folder, a redirect, an
 * unexpected refusal): retrying sooner than the cap would only hammer Infisical, or lock an identity out.
 */
export function needsHuman(error: unknown): boolean {
  return error instanceof InfisicalError && !error.transient && !isRejectedAnswer(error) && !isTokenFileFailure(error);
}

/**
 * What a failed refresh holds back until its retry is due:
 * - `rejected`: an answer was received and rejected (a key deleted or malformed) — nothing is held;
 * - `backoff`: no usable answer (network, timeout, 5xx): the exponential back-off;
 * - `server`: Infisical asked to wait (429, with or without `Retry-After`);
 * - `human`: the failure needs a human (login refused, lockout, no access): the 5 min pause.
 */
export type RefreshHold = 'rejected' | 'backoff' | 'server' | 'human';

/**
 * Who asks for a refresh: `change` — a channel announcing a change (webhook, fleet notice); `explicit` — application
 * code calling `refresh()` / `refreshNow()`. The timer that ends a hold is never held; `getAsync` waits for it.
 */
export type RefreshCause = 'change' | 'explicit';

/** The hold that `error` (the last refresh failure) puts on the next triggers. */
export function holdAfter(error: unknown): RefreshHold {
  if (needsHuman(error)) return 'human';
  if (isRejectedAnswer(error)) return 'rejected';
  return error instanceof InfisicalRateLimitError ? 'server' : 'backoff';
}

/**
 * What a trigger of `cause` does while `hold` lasts:
 * - `run`: refresh now — after a rejected answer nothing is held (a change or a call may come with the fix);
 * - `wait`: send nothing and take the outcome of the attempt at the hold's end — every trigger during the back-off,
 *   and a change during Infisical's wait or the human pause;
 * - `refuse`: send nothing and answer false at once — an explicit call during Infisical's wait (429) or the pause
 *   after a failure that needs a human: the answer is known, and a wait of up to 5 minutes would block the caller.
 */
export function heldAs(hold: RefreshHold, cause: RefreshCause): 'run' | 'wait' | 'refuse' {
  if (hold === 'rejected') return 'run';
  return hold === 'backoff' || cause === 'change' ? 'wait' : 'refuse';
}

/**
 * Delay before the next attempt after a failed refresh:
 * - an answer that needs a human (bad credentials, lockout, no access, unknown environment or folder, a redirect,
 *   another refusal): the cap (5 min), so a revoked identity is not hammered;
 * - a rejected answer (a key deleted or malformed) or an unusable token file: the regular TTL cadence — neither
 *   is a transport failure, and the file is read again (nothing sent) so a fixed one is used within one TTL;
 * - a 429 with `Retry-After` (or "try again in N seconds"): what it asks, capped, plus up to 1 s of jitter;
 * - any other transport failure: exponential back-off with full jitter over the consecutive transport failures
 *   (1 s, 2 s, 4 s … capped at 5 min).
 */
export function retryDelayMs(transportFailures: number, error: unknown, ttlSeconds: number, random: () => number = Math.random): number {
  if (needsHuman(error)) return BACKOFF_CAP_MS;
  if (isRejectedAnswer(error) || isTokenFileFailure(error)) return ttlSeconds > 0 ? Math.min(BACKOFF_CAP_MS, refreshDelayMs(ttlSeconds, random)) : BACKOFF_BASE_MS;
  if (error instanceof InfisicalRateLimitError && error.retryAfterSeconds !== undefined) {
    return Math.min(error.retryAfterSeconds * 1000, MAX_RETRY_AFTER_MS) + random() * RETRY_AFTER_JITTER_MS;
  }
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, transportFailures - 1));
  return Math.max(100, random() * ceiling);
}
