import type { LeaseStatus } from './lease-lifecycle.interface.js';

/** The health of one lease: `up`, `degraded` (still valid, at risk) or `down` (no credentials). */
export interface LeaseHealth {
  status: 'up' | 'degraded' | 'down';
  /** Why it is not up (no credential ever). */
  reason?: string;
}

/** Share of a lease's lifetime at its end in which a failing renewal or replacement degrades health. @internal */
export const LEASE_AT_RISK_FRACTION = 1 / 5;

/**
 * Health of one lease at `now` (pure): `down` when no valid lease can be handed out (not started, expired, stopped);
 * `degraded` when the lease is within the last fifth of its lifetime and the last renewal or replacement failed;
 * otherwise `up`.
 */
export function leaseHealth(status: LeaseStatus, now: number): LeaseHealth {
  const { state, createdAt, lastError } = status;
  const expireAt = status.expireAt ?? Number.NEGATIVE_INFINITY;
  if (state !== 'active' || now >= expireAt) {
    const why = { starting: 'no lease yet', expired: 'the lease expired and no new one could be taken', stopped: 'shut down', active: 'the lease expired' }[state];
    return { status: 'down', reason: lastError ? `${why}: ${lastError.message}` : why };
  }
  const start = createdAt ?? now;
  const atRisk = expireAt - now <= (expireAt - start) * LEASE_AT_RISK_FRACTION;
  if (atRisk && status.consecutiveFailures > 0) {
    const left = Math.ceil((expireAt - now) / 1000);
    return { status: 'degraded', reason: `the lease ends in ${left} s and could not be renewed or replaced${lastError ? `: ${lastError.message}` : ''}` };
  }
  return { status: 'up' };
}

/** The worst health of several leases (`up` when there are none). */
export function worstLeaseHealth(statuses: readonly LeaseStatus[], now: number): LeaseHealth['status'] {
  const order = ['up', 'degraded', 'down'] as const;
  return statuses.reduce<LeaseHealth['status']>((worst, s) => {
    const health = leaseHealth(s, now).status;
    return order.indexOf(health) > order.indexOf(worst) ? health : worst;
  }, 'up');
}
