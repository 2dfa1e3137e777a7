import type { InfisicalHealthState } from '../interfaces/infisical-status.interface.js';
import { leaseHealth } from '../leases/lease-health.js';
import type { LeaseStatus } from '../leases/lease-lifecycle.interface.js';

/** What health shows of one dynamic secret: where it is, its lease (ID, expiry, counts) and its health — no credential. */
export interface DynamicSecretHealth {
  name: string;
  environment: string;
  path: string;
  status: InfisicalHealthState;
  /** Why it is not up. */
  reason?: string;
  leaseId: string | undefined;
  expiresAt: string | undefined;
  /** Renewals cannot extend the lease past this (its max TTL); a new lease replaces it before. */
  maxExpiresAt: string | undefined;
  renewals: number;
  handOvers: number;
  consecutiveFailures: number;
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** The health details of every lease at `now` (pure); see `leaseHealth` for up, degraded and down. */
export function dynamicSecretsHealth(statuses: readonly LeaseStatus[], now: number): DynamicSecretHealth[] {
  return statuses.map((s) => {
    const health = leaseHealth(s, now);
    return {
      name: s.name,
      environment: s.environment,
      path: s.path,
      status: health.status,
      ...(health.reason === undefined ? {} : { reason: health.reason }),
      leaseId: s.leaseId,
      expiresAt: iso(s.expireAt),
      maxExpiresAt: iso(s.maxExpireAt),
      renewals: s.renewals,
      handOvers: s.handOvers,
      consecutiveFailures: s.consecutiveFailures,
    };
  });
}

const ORDER: readonly InfisicalHealthState[] = ['up', 'degraded', 'down'];

/** The worst of several health states (`up` for none). */
export function worstState(states: readonly InfisicalHealthState[]): InfisicalHealthState {
  return states.reduce<InfisicalHealthState>((worst, s) => (ORDER.indexOf(s) > ORDER.indexOf(worst) ? s : worst), 'up');
}
