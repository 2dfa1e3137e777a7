import type { DynamicSecretsApi } from '../api/dynamic-secrets.api.js';
import type { AccessTokenSession } from '../auth/access-token.session.js';
import type { ResolvedDynamicSecret } from '../interfaces/dynamic-secret-options.interface.js';
import type { InfisicalClock } from '../interfaces/infisical-clock.interface.js';
import { DynamicSecretHandle } from './dynamic-secret.handle.js';
import { bindLeaseApi, projectSlugOnce } from './lease-api.binding.js';
import type { LeaseApi, LeaseEvents, LeaseStatus } from './lease-lifecycle.interface.js';
import { LeaseLifecycle } from './lease.lifecycle.js';

/** What the leases of a module instance are built from (Nest-free; the module's providers pass them in). */
export interface DynamicSecretLeasesDeps {
  secrets: readonly ResolvedDynamicSecret[];
  /** Site and project the dynamic secrets belong to. */
  siteUrl: string;
  projectId: string;
  api: Pick<DynamicSecretsApi, 'projectSlug' | 'createLease' | 'renewLease' | 'revokeLease'>;
  session: Pick<AccessTokenSession, 'withToken'>;
  clock: InfisicalClock;
  /** Events of one dynamic secret's lease (metrics, logs, masking). */
  events?: (name: string) => LeaseEvents;
  /** Longest time shutdown spends revoking. @default 5000 */
  shutdownBudgetMs?: number;
  random?: () => number;
  /** Replaces the HTTP calls of one dynamic secret (tests). @internal */
  leaseApi?: (secret: ResolvedDynamicSecret) => LeaseApi;
}

/**
 * The leases of every configured dynamic secret: started together inside the start-up deadline (the first failure
 * stops the others and fails start-up), stopped together, a handle per name.
 */
export class DynamicSecretLeases {
  readonly #lifecycles: LeaseLifecycle[];
  readonly #handles: ReadonlyMap<string, DynamicSecretHandle>;

  constructor(deps: DynamicSecretLeasesDeps) {
    const target = (secret: ResolvedDynamicSecret) => ({ siteUrl: deps.siteUrl, projectId: deps.projectId, environment: secret.environment, secretPath: secret.path });
    // One lookup for every dynamic secret (the project is the same); errors name the first one's place.
    const first = deps.secrets[0];
    const slug = projectSlugOnce((signal) => deps.session.withToken(signal, (token) => deps.api.projectSlug(token, target(first!), signal)));
    this.#lifecycles = deps.secrets.map((secret) => {
      const api = deps.leaseApi?.(secret) ?? bindLeaseApi({ api: deps.api, session: deps.session, projectSlug: slug, target: target(secret), name: secret.name, ttl: secret.ttl });
      const options = { ...secret, shutdownBudgetMs: deps.shutdownBudgetMs, random: deps.random };
      return new LeaseLifecycle(api, deps.clock, options, deps.events?.(secret.name));
    });
    this.#handles = new Map(this.#lifecycles.map((lifecycle) => [lifecycle.name, new DynamicSecretHandle(lifecycle)]));
  }

  /** Names of the configured dynamic secrets. */
  get names(): string[] {
    return [...this.#handles.keys()];
  }

  /** The handle of dynamic secret `name`; throws naming the configured ones when there is none. */
  handle(name: string): DynamicSecretHandle {
    const handle = this.#handles.get(name);
    if (handle) return handle;
    const known = this.names.length ? `the configured ones are ${this.names.map((n) => `"${n}"`).join(', ')}` : 'none is configured';
    throw new Error(`No dynamic secret "${name}" is configured (${known}); add it to dynamicSecrets (INFISICAL_DYNAMIC_SECRETS).`);
  }

  /** Takes every first lease; on the first failure stops (revokes) the others and rethrows it. */
  async start(signal: AbortSignal): Promise<void> {
    const results = await Promise.allSettled(this.#lifecycles.map((lifecycle) => lifecycle.start(signal)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (!failed) return;
    await this.stop();
    throw failed.reason;
  }

  /** Revokes every lease, in parallel, each within the shutdown budget. */
  async stop(): Promise<void> {
    await Promise.all(this.#lifecycles.map((lifecycle) => lifecycle.stop()));
  }

  /** Every lease's status, for health and metrics (never the credentials). */
  statuses(): LeaseStatus[] {
    return this.#lifecycles.map((lifecycle) => lifecycle.status());
  }
}
