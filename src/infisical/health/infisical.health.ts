import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { SecretStore } from '../store/secret-store.js';

/**
 * `@nestjs/terminus` indicator of the secret store: `up` when fresh, `degraded` while serving the last good values
 * after a failed or rejected refresh (on terminus 11, which has no `degraded`, `up` with `stale: true`), `down`
 * when there are no usable values or they are older than `maxStaleSeconds`. Details carry key names, sources and
 * versions, never values.
 */
@Injectable()
export class InfisicalHealthIndicator {
  constructor(
    private readonly healthIndicatorService: HealthIndicatorService,
    private readonly store: SecretStore,
  ) {}

  isHealthy<const Key extends string = 'infisical'>(key: Key = 'infisical' as Key): HealthIndicatorResult<Key> {
    const indicator = this.healthIndicatorService.check(key);
    const { state, ...status } = this.store.status();
    const details = { ...status, stale: state !== 'up' };
    if (state === 'up') return indicator.up(details);
    if (state === 'down') return indicator.down(details);
    const session = indicator as typeof indicator & { degraded?: (data: object) => HealthIndicatorResult<Key> };
    return typeof session.degraded === 'function' ? session.degraded(details) : indicator.up(details);
  }
}
