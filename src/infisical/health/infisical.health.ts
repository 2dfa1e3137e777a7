import { Inject, Injectable, Optional } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { INFISICAL_CLOCK, INFISICAL_DYNAMIC_SECRETS } from '../infisical.constants.js';
import type { InfisicalClock } from '../interfaces/infisical-clock.interface.js';
import type { DynamicSecretLeases } from '../leases/dynamic-secret-leases.js';
import { SecretStore } from '../store/secret-store.js';
import { dynamicSecretsHealth, worstState } from './lease-health.details.js';

/**
 * `@nestjs/terminus` indicator of the secret store: `up` when fresh, `degraded` while serving the last good values
 * after a failed or rejected refresh (on terminus 11, which has no `degraded`, `up` with `stale: true`), `down`
 * when there are no usable values or they are older than `maxStaleSeconds`. Details carry key names, sources and
 * versions, never values; with the `dynamicSecrets` option, each dynamic secret's lease (ID, expiry, renewals,
 * hand-overs, never its credentials), and the worst lease health counts too; with the `fleet` option, a `fleet` entry
 * (`redis`: up / down, `role`: lease holder / follower / reading alone in the last refresh window — never the Redis
 * URL, key prefix or fleet key).
 */
@Injectable()
export class InfisicalHealthIndicator {
  /** Created by the module (dependency injection), not by applications. @hidden */
  constructor(
    private readonly healthIndicatorService: HealthIndicatorService,
    private readonly store: SecretStore,
    @Optional() @Inject(INFISICAL_DYNAMIC_SECRETS) private readonly leases?: DynamicSecretLeases | null,
    @Optional() @Inject(INFISICAL_CLOCK) private readonly clock?: InfisicalClock,
  ) {}

  /** The indicator's result under `key`: `up` (fresh), `degraded` (serving the last good values) or `down`, with names, sources and counts, never a value. Use it in a `HealthCheckService.check([...])` list. */
  isHealthy<const Key extends string = 'infisical'>(key: Key = 'infisical' as Key): HealthIndicatorResult<Key> {
    const indicator = this.healthIndicatorService.check(key);
    const { state: storeState, ...status } = this.store.status();
    const dynamicSecrets = this.leases ? dynamicSecretsHealth(this.leases.statuses(), this.clock?.now() ?? Date.now()) : undefined;
    const state = dynamicSecrets ? worstState([storeState, ...dynamicSecrets.map((d) => d.status)]) : storeState;
    const details = { ...status, stale: storeState !== 'up', ...(dynamicSecrets ? { dynamicSecrets } : {}) };
    if (state === 'up') return indicator.up(details);
    if (state === 'down') return indicator.down(details);
    const session = indicator as typeof indicator & { degraded?: (data: object) => HealthIndicatorResult<Key> };
    return typeof session.degraded === 'function' ? session.degraded(details) : indicator.up({ ...details, stale: true });
  }
}
