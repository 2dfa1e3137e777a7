import type { DynamicSecretAddress, DynamicSecretsApi } from '../api/dynamic-secrets.api.js';
import type { AccessTokenSession } from '../auth/access-token.session.js';
import type { InfisicalTarget } from '../interfaces/infisical-source.interface.js';
import type { LeaseApi } from './lease-lifecycle.interface.js';

/** What the lease calls of one dynamic secret go through. */
export interface LeaseApiBinding {
  api: Pick<DynamicSecretsApi, 'createLease' | 'renewLease' | 'revokeLease'>;
  /** The access-token session: a rejected token leads to one fresh login and one retry. */
  session: Pick<AccessTokenSession, 'withToken'>;
  /** The project's slug, resolved once for every dynamic secret (see {@link projectSlugOnce}). */
  projectSlug: (signal: AbortSignal) => Promise<string>;
  /** Site and project, with the dynamic secret's environment as `environment` and its folder as `secretPath`. */
  target: InfisicalTarget;
  name: string;
  /** TTL sent on create and renew (ms-style); undefined sends none (the dynamic secret's default TTL). */
  ttl: string | undefined;
}

/** The {@link LeaseApi} of one dynamic secret: its address and TTL bound, each call with a valid access token. */
export function bindLeaseApi(binding: LeaseApiBinding): LeaseApi {
  const { api, session, target, name, ttl } = binding;
  const address = async (signal: AbortSignal): Promise<DynamicSecretAddress> => ({ name, projectSlug: await binding.projectSlug(signal), target });
  return {
    create: async (signal) => {
      const at = await address(signal);
      return session.withToken(signal, (token) => api.createLease(token, at, ttl, signal));
    },
    renew: async (leaseId, signal) => {
      const at = await address(signal);
      return session.withToken(signal, (token) => api.renewLease(token, at, leaseId, ttl, signal));
    },
    revoke: async (leaseId, signal) => {
      const at = await address(signal);
      return session.withToken(signal, (token) => api.revokeLease(token, at, leaseId, signal));
    },
  };
}

/**
 * `lookup` run once: concurrent callers share the pending lookup, a success is kept for good, a failure is not
 * (the next caller asks again).
 */
export function projectSlugOnce(lookup: (signal: AbortSignal) => Promise<string>): (signal: AbortSignal) => Promise<string> {
  let slug: Promise<string> | undefined;
  return (signal) => {
    slug ??= lookup(signal).catch((error: unknown) => {
      slug = undefined;
      throw error;
    });
    return slug;
  };
}
