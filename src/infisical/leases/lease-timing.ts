/** Share of a lease's remaining lifetime after which it is renewed (or replaced): a third is left. @internal */
export const RENEW_AT_FRACTION = 2 / 3;
/** Shortest wait before retrying a failed renewal or lease. @internal */
export const MIN_LEASE_RETRY_MS = 500;
/** Longest wait between two attempts while no lease is valid (the app has no credentials meanwhile). @internal */
export const EXPIRED_LEASE_RETRY_CAP_MS = 30_000;

/** When to renew a lease that expires at `expireAt`: after two thirds of its remaining lifetime. @internal */
export function renewDelayMs(now: number, expireAt: number): number {
  return Math.max(0, (expireAt - now) * RENEW_AT_FRACTION);
}

/**
 * Whether renewing a lease that expires at `expireAt` by `ttlMs` stays within its max TTL (`createdAt + maxTtlMs`),
 * as Infisical checks it; true when any of them is unknown (Infisical then decides, and a refusal is handled).
 * @internal
 */
export function renewalFits(expireAt: number, ttlMs: number | undefined, createdAt: number | undefined, maxTtlMs: number | undefined): boolean {
  if (ttlMs === undefined || createdAt === undefined || maxTtlMs === undefined) return true;
  return expireAt + ttlMs <= createdAt + maxTtlMs;
}

/** How long an old lease is kept after a hand-over: the drain period, never past its expiry. @internal */
export function drainDelayMs(now: number, expireAt: number, drainMs: number): number {
  return Math.max(0, Math.min(drainMs, expireAt - now));
}

/**
 * The wait before the next attempt after a failure: the back-off, but while the current lease is valid at most half
 * of its remaining life (so that several attempts fit before it expires), and without a valid lease at most
 * {@link EXPIRED_LEASE_RETRY_CAP_MS}.
 * @internal
 */
export function retryWithinMs(now: number, expireAt: number | undefined, backoffMs: number): number {
  if (expireAt === undefined || expireAt <= now) return Math.min(backoffMs, EXPIRED_LEASE_RETRY_CAP_MS);
  return Math.min(backoffMs, Math.max(MIN_LEASE_RETRY_MS, (expireAt - now) / 2));
}
