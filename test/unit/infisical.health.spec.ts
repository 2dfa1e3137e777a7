/** The `@nestjs/terminus` indicator of the store, built with terminus's own HealthIndicatorService and no Nest app. */
import { describe, expect, it } from '@jest/globals';
import { HealthIndicatorService } from '@nestjs/terminus';
import { InfisicalHealthIndicator } from '../../src/infisical/health/infisical.health.js';
import { createSecretStore } from '../../src/infisical/assembly/create-secret-store.js';
import type { InfisicalHealthState, InfisicalStatus } from '../../src/infisical/interfaces/infisical-status.interface.js';
import type { SecretStore } from '../../src/infisical/store/secret-store.js';
import { ManualClock } from '../support/manual-clock.js';
import type { DynamicSecretLeases } from '../../src/infisical/leases/dynamic-secret-leases.js';
import type { LeaseStatus } from '../../src/infisical/leases/lease-lifecycle.interface.js';
import { dynamicSecretsHealth, worstState } from '../../src/infisical/health/lease-health.details.js';

const status = (state: InfisicalHealthState): InfisicalStatus => ({
    state,
    enabled: true,
    source: state === 'degraded' ? 'cache' : 'infisical',
    environment: 'prod',
    secretPath: '/app',
    sources: [{ projectId: 'project-1', environment: 'prod', secretPath: '/app' }],
    lastSuccessfulRefresh: '2026-11-23T12:00:00.000Z',
    snapshotAgeSeconds: 12,
    keyCount: 1,
    keys: { DATABASE_URL: { source: 'infisical', version: 3 } },
    keysOmitted: 0,
    consecutiveFailures: state === 'up' ? 0 : 2,
    lastError: state === 'up' ? undefined : 'Infisical could not be reached (ECONNREFUSED)',
    nextRefreshAt: '2026-11-23T12:01:00.000Z',
    refreshStartedAt: undefined,
});

/** A store that answers `status()` with what the test set (the only part the indicator reads). */
const storeWith = (current: InfisicalStatus) => ({ status: () => current }) as unknown as SecretStore;

const detailsOf = (state: InfisicalHealthState) => {
  const { state: _state, ...rest } = status(state);
  return { ...rest, stale: state !== 'up' };
};

describe('InfisicalHealthIndicator', () => {
  it('up when the store is up, under the default key "infisical", with the status as details and stale: false', () => {
    const indicator = new InfisicalHealthIndicator(new HealthIndicatorService(), storeWith(status('up')));
    expect(indicator.isHealthy()).toEqual({ infisical: { status: 'up', ...detailsOf('up') } });
  });

  it('under the key given', () => {
    const indicator = new InfisicalHealthIndicator(new HealthIndicatorService(), storeWith(status('up')));
    expect(Object.keys(indicator.isHealthy('secrets'))).toEqual(['secrets']);
  });

  it('degraded (terminus 12) while serving the last good values, stale: true', () => {
    const indicator = new InfisicalHealthIndicator(new HealthIndicatorService(), storeWith(status('degraded')));
    expect(indicator.isHealthy()).toEqual({ infisical: { status: 'degraded', ...detailsOf('degraded') } });
  });

  it('down when there are no usable values, stale: true', () => {
    const indicator = new InfisicalHealthIndicator(new HealthIndicatorService(), storeWith(status('down')));
    expect(indicator.isHealthy()).toEqual({ infisical: { status: 'down', ...detailsOf('down') } });
  });

  it('with the fleet option, the details carry the fleet entry (Redis and role), in every state', () => {
    const fleet = { redis: 'down', role: 'reading alone' } as const;
    for (const state of ['up', 'degraded', 'down'] as const) {
      const indicator = new InfisicalHealthIndicator(new HealthIndicatorService(), storeWith({ ...status(state), fleet }));
      expect(indicator.isHealthy()).toEqual({ infisical: { status: state, ...detailsOf(state), fleet } });
    }
  });

  it('on a terminus without `degraded` (11), a degraded store reports up with stale: true', () => {
    const service = new HealthIndicatorService();
    const terminus11 = {
      check: (key: string) => {
        const session = service.check(key);
        return { up: session.up.bind(session), down: session.down.bind(session) };
      },
    } as unknown as HealthIndicatorService;
    const indicator = new InfisicalHealthIndicator(terminus11, storeWith(status('degraded')));
    expect(indicator.isHealthy()).toEqual({ infisical: { status: 'up', ...detailsOf('degraded') } });
  });

  it('with a real store: details name keys and their sources, never a value', async () => {
    const env = { DATABASE_URL: 'postgres://user:db-secret-value@db' };
    const store = await createSecretStore({ enabled: false, requiredKeys: ['DATABASE_URL'] }, { clock: new ManualClock(), credentials: [], configService: undefined, configHost: undefined, env });
    const result = new InfisicalHealthIndicator(new HealthIndicatorService(), store).isHealthy();
    expect(result.infisical).toMatchObject({ status: 'up', stale: false, enabled: false, source: 'env', keyCount: 1, keys: { DATABASE_URL: { source: 'env' } } });
    const text = JSON.stringify(result);
    expect(text).not.toContain('db-secret-value');
    expect(text).not.toContain('"state"');
    await store.onApplicationShutdown();
  });

  describe('with dynamic secrets', () => {
    const S = 1000;
    const lease = (overrides: Partial<LeaseStatus> = {}): LeaseStatus => ({
      name: 'postgres-app',
      environment: 'prod',
      path: '/db',
      state: 'active',
      leaseId: 'lease-7',
      createdAt: 0,
      expireAt: 60 * S,
      maxExpireAt: 180 * S,
      renewals: 3,
      handOvers: 1,
      consecutiveFailures: 0,
      lastError: undefined,
      ...overrides,
    });
    const leasesWith = (...statuses: LeaseStatus[]) => ({ statuses: () => statuses }) as unknown as DynamicSecretLeases;
    const clockAt = (now: number) => new ManualClock(now);

    it('lists each lease (ID, expiry, max expiry, renewals, hand-overs), and the store decides while the leases are up', () => {
      const indicator = new InfisicalHealthIndicator(new HealthIndicatorService(), storeWith(status('up')), leasesWith(lease()), clockAt(10 * S));
      expect(indicator.isHealthy()).toEqual({
        infisical: {
          status: 'up',
          ...detailsOf('up'),
          dynamicSecrets: [
            {
              name: 'postgres-app',
              environment: 'prod',
              path: '/db',
              status: 'up',
              leaseId: 'lease-7',
              expiresAt: new Date(60 * S).toISOString(),
              maxExpiresAt: new Date(180 * S).toISOString(),
              renewals: 3,
              handOvers: 1,
              consecutiveFailures: 0,
            },
          ],
        },
      });
      expect('reason' in (indicator.isHealthy().infisical as unknown as { dynamicSecrets: object[] }).dynamicSecrets[0]!).toBe(false);
      const degradedStore = new InfisicalHealthIndicator(new HealthIndicatorService(), storeWith(status('degraded')), leasesWith(lease()), clockAt(10 * S));
      expect(degradedStore.isHealthy().infisical.status).toBe('degraded');
    });

    it('degraded when a lease is in its last fifth and cannot be renewed; down when a lease expired — store up', () => {
      const failing = lease({ consecutiveFailures: 2, lastError: { code: 'INFISICAL_UNREACHABLE', message: 'unreachable' } });
      const atRisk = new InfisicalHealthIndicator(new HealthIndicatorService(), storeWith(status('up')), leasesWith(lease({ name: 'other' }), failing), clockAt(50 * S));
      const result = atRisk.isHealthy().infisical as unknown as { status: string; stale: boolean; dynamicSecrets: Array<{ status: string; reason?: string }> };
      expect(result.status).toBe('degraded');
      expect(result.stale).toBe(false);
      expect(result.dynamicSecrets.map((d) => d.status)).toEqual(['up', 'degraded']);
      expect(result.dynamicSecrets[1]!.reason).toBe('the lease ends in 10 s and could not be renewed or replaced: unreachable');
      const expired = new InfisicalHealthIndicator(new HealthIndicatorService(), storeWith(status('up')), leasesWith(lease({ state: 'expired' })), clockAt(70 * S));
      expect(expired.isHealthy().infisical.status).toBe('down');
    });

    it('worstState: down over degraded over up, up for none', () => {
      expect(worstState([])).toBe('up');
      expect(worstState(['up', 'degraded', 'up'])).toBe('degraded');
      expect(worstState(['degraded', 'down', 'up'])).toBe('down');
      expect(dynamicSecretsHealth([lease({ leaseId: undefined, expireAt: undefined, maxExpireAt: undefined, state: 'starting' })], 0)).toEqual([
        expect.objectContaining({ status: 'down', reason: 'no lease yet', leaseId: undefined, expiresAt: undefined, maxExpiresAt: undefined }),
      ]);
    });
  });
});
