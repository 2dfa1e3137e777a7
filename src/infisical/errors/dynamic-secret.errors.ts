import type { InfisicalTarget } from '../interfaces/infisical-source.interface.js';
import { InfisicalError } from './infisical.error.js';

/** `dynamic secret "postgres-app" (environment "prod", folder "/db", project …)` — never a credential. */
export function describeDynamicSecret(name: string, target: Pick<InfisicalTarget, 'projectId' | 'environment' | 'secretPath'>): string {
  return `dynamic secret "${name}" (environment "${target.environment}", folder "${target.secretPath}", project ${target.projectId})`;
}

const OPTION = 'dynamicSecrets[].name / .environment / .path (INFISICAL_DYNAMIC_SECRETS=name[@/path])';

/** Infisical has no such dynamic secret (or no such folder) where the options point. */
export class InfisicalDynamicSecretNotFoundError extends InfisicalError {
  readonly code = 'INFISICAL_DYNAMIC_SECRET_NOT_FOUND';
  constructor(
    readonly dynamicSecret: string,
    readonly target: InfisicalTarget,
    /** The server's message, shortened and masked. */
    readonly serverMessage: string,
  ) {
    super(
      `Infisical at ${target.siteUrl} has no ${describeDynamicSecret(dynamicSecret, target)}: ${serverMessage}.`,
      `create the dynamic secret in that folder (Infisical → Secrets → the environment → Add Dynamic Secret), or correct ${OPTION}; names are lower-case, folders start with "/".`,
      { siteUrl: target.siteUrl, projectId: target.projectId, environment: target.environment, secretPath: target.secretPath, dynamicSecret },
    );
  }
}

/** The identity may not lease this dynamic secret (HTTP 403). */
export class InfisicalDynamicSecretForbiddenError extends InfisicalError {
  readonly code = 'INFISICAL_DYNAMIC_SECRET_FORBIDDEN';
  constructor(
    readonly dynamicSecret: string,
    readonly target: InfisicalTarget,
    readonly serverMessage: string,
  ) {
    super(
      `The machine identity may not lease the ${describeDynamicSecret(dynamicSecret, target)}: ${serverMessage}.`,
      `give the identity's project role the "Lease" permission on dynamic secrets in "${target.environment}" at "${target.secretPath}" (Project → Access Control), or correct ${OPTION}.`,
      { siteUrl: target.siteUrl, projectId: target.projectId, environment: target.environment, secretPath: target.secretPath, dynamicSecret },
    );
  }
}

/** Why Infisical refused to create or renew a lease (HTTP 400). */
export type LeaseRefusal = 'max-ttl' | 'other';

/** Infisical refused a lease or a renewal: past the max TTL, a TTL out of range, the plan, the lease limit (HTTP 400). */
export class InfisicalLeaseRefusedError extends InfisicalError {
  readonly code = 'INFISICAL_LEASE_REFUSED';
  constructor(
    readonly dynamicSecret: string,
    readonly target: InfisicalTarget,
    readonly operation: 'create' | 'renew',
    readonly reason: LeaseRefusal,
    readonly serverMessage: string,
  ) {
    super(
      `Infisical refused to ${operation} a lease of the ${describeDynamicSecret(dynamicSecret, target)}: ${serverMessage}.`,
      reason === 'max-ttl'
        ? 'nothing to do for a renewal (a new lease replaces the old one); for a new lease, set dynamicSecrets[].ttl at or below the max TTL.'
        : 'set dynamicSecrets[].ttl between "1m" and the max TTL of the dynamic secret, or check the plan and the lease limit of the instance.',
      { siteUrl: target.siteUrl, projectId: target.projectId, environment: target.environment, secretPath: target.secretPath, dynamicSecret, operation, reason },
    );
  }
}

/** The lease is gone on Infisical's side (expired, revoked): HTTP 404 on a renewal, revocation or read. */
export class InfisicalLeaseNotFoundError extends InfisicalError {
  readonly code = 'INFISICAL_LEASE_NOT_FOUND';
  constructor(
    readonly dynamicSecret: string,
    readonly target: InfisicalTarget,
    readonly leaseId: string,
  ) {
    super(
      `Infisical no longer knows lease ${leaseId} of the ${describeDynamicSecret(dynamicSecret, target)} (expired or revoked).`,
      'nothing to do: a new lease is taken. If this repeats, check that nothing else revokes the leases of this identity.',
      { siteUrl: target.siteUrl, dynamicSecret, leaseId },
    );
  }
}

/** Why no credentials can be handed out. */
export type LeaseUnavailableReason = 'not-started' | 'expired' | 'stopped';

/** There are no valid credentials to hand out: never leased, the lease expired without a replacement, or shut down. */
export class InfisicalLeaseUnavailableError extends InfisicalError {
  readonly code = 'INFISICAL_LEASE_UNAVAILABLE';
  override readonly transient: boolean;
  constructor(
    readonly dynamicSecret: string,
    readonly reason: LeaseUnavailableReason,
    /** When the last lease expired (epoch ms), for `expired`. */
    readonly expiredAt?: number,
    /** The last renewal or lease failure, when there was one. */
    readonly lastError?: InfisicalError,
  ) {
    const problem = {
      'not-started': `Dynamic secret "${dynamicSecret}" has no lease yet: its credentials are read before the module started.`,
      expired: `The lease of dynamic secret "${dynamicSecret}" expired at ${new Date(expiredAt ?? 0).toISOString()} and no new lease could be taken yet; expired credentials are never handed out.`,
      stopped: `Dynamic secret "${dynamicSecret}" was shut down and its lease revoked: its credentials are no longer handed out.`,
    }[reason];
    super(
      lastError ? `${problem} Last failure: ${lastError.problem}` : problem,
      reason === 'expired'
        ? (lastError?.fix ?? 'check that Infisical is reachable; a new lease is taken as soon as it answers.')
        : reason === 'not-started'
          ? 'read the credentials after the application has started (onModuleInit or later), not at import time.'
          : 'read credentials only while the application runs.',
      { dynamicSecret, reason, expiredAt, lastErrorCode: lastError?.code },
    );
    this.transient = reason === 'expired';
  }
}
