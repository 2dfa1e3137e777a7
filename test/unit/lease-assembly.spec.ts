/**
 * The leases of every configured dynamic secret built from resolved options (no Nest): a handle per name, start-up
 * together (a failure stops the others), shutdown, the project slug looked up once for all; and the health of a
 * lease (down without credentials, degraded in its last fifth when renewing or replacing fails).
 */
import { describe, expect, it } from '@jest/globals';
import type { CreatedLease } from '../../src/infisical/api/lease-response.parser.js';
import { InfisicalDynamicSecretNotFoundError } from '../../src/infisical/errors/dynamic-secret.errors.js';
import type { ResolvedDynamicSecret } from '../../src/infisical/interfaces/dynamic-secret-options.interface.js';
import { DynamicSecretLeases, type DynamicSecretLeasesDeps } from '../../src/infisical/leases/dynamic-secret-leases.js';
import { leaseHealth, worstLeaseHealth } from '../../src/infisical/leases/lease-health.js';
import type { LeaseStatus } from '../../src/infisical/leases/lease-lifecycle.interface.js';
import { failureOf, flushEventLoop } from '../support/deferred.js';
import { FakeLeaseApi } from '../support/fakes/dynamic-secrets-api.fake.js';
import { ManualClock } from '../support/manual-clock.js';

const S = 1000;
const SECRETS: ResolvedDynamicSecret[] = [
  { name: 'postgres-app', environment: 'prod', path: '/db', ttl: undefined, drainMs: 5 * S },
  { name: 'redis-cache', environment: 'staging', path: '/', ttl: '2m', drainMs: 30 * S },
];

function setup(secrets = SECRETS) {
  const clock = new ManualClock();
  const fakes = new Map<string, FakeLeaseApi>();
  const events: string[] = [];
  const deps: DynamicSecretLeasesDeps = {
    secrets,
    siteUrl: 'https://i.test',
    projectId: 'p-1',
    api: {} as DynamicSecretLeasesDeps['api'],
    session: { withToken: (signal, call) => call('tok') },
    clock,
    random: () => 1,
    shutdownBudgetMs: 2 * S,
    events: (name) => ({ onCreated: () => events.push(`created ${name}`) }),
    leaseApi: (secret) => {
      const fake = new FakeLeaseApi(clock);
      fakes.set(secret.name, fake);
      return fake.api;
    },
  };
  const leases = new DynamicSecretLeases(deps);
  return { clock, fakes, events, leases, tick: (ms: number) => clock.advanceAsync(ms, flushEventLoop) };
}

describe('DynamicSecretLeases', () => {
  it('starts a lease per dynamic secret, each with its own settings, and hands out a handle per name', async () => {
    const { leases, fakes, events, tick } = setup();
    expect(leases.names).toEqual(['postgres-app', 'redis-cache']);
    await leases.start(new AbortController().signal);
    expect(events).toEqual(['created postgres-app', 'created redis-cache']);
    expect(leases.handle('postgres-app').leaseId).toBe('lease-1');
    expect(leases.handle('redis-cache').credentials.username).toBe('lease_user_1');
    expect(leases.statuses().map((s) => [s.name, s.environment, s.path, s.state])).toEqual([
      ['postgres-app', 'prod', '/db', 'active'],
      ['redis-cache', 'staging', '/', 'active'],
    ]);
    await leases.handle('postgres-app').forceRefresh();
    await leases.handle('redis-cache').forceRefresh();
    await tick(5 * S);
    expect(fakes.get('postgres-app')!.revoked).toEqual(['lease-1']);
    expect(fakes.get('redis-cache')!.revoked).toEqual([]);
  });

  it('names the configured dynamic secrets when asked for another', () => {
    expect(() => setup().leases.handle('mongo')).toThrow(
      'No dynamic secret "mongo" is configured (the configured ones are "postgres-app", "redis-cache"); add it to dynamicSecrets (INFISICAL_DYNAMIC_SECRETS).',
    );
    expect(() => setup([]).leases.handle('mongo')).toThrow('No dynamic secret "mongo" is configured (none is configured)');
  });

  it('fails start-up with the first failure and revokes the leases already taken', async () => {
    const { leases, fakes } = setup();
    const missing = new InfisicalDynamicSecretNotFoundError('redis-cache', { siteUrl: 's', projectId: 'p-1', environment: 'staging', secretPath: '/' }, 'not found');
    fakes.get('redis-cache')!.onCreate = async () => {
      throw missing;
    };
    expect(await failureOf(leases.start(new AbortController().signal))).toBe(missing);
    expect(fakes.get('postgres-app')!.revoked).toEqual(['lease-1']);
    expect(leases.statuses().map((s) => s.state)).toEqual(['stopped', 'stopped']);
  });

  it('revokes every lease at shutdown', async () => {
    const { leases, fakes } = setup();
    await leases.start(new AbortController().signal);
    await leases.stop();
    expect([...fakes.values()].map((f) => f.revoked)).toEqual([['lease-1'], ['lease-1']]);
  });

  it('binds each secret to its folder and ttl, with the project slug looked up once for all', async () => {
    const clock = new ManualClock();
    const calls: string[] = [];
    const answer = (n: number): CreatedLease => ({
      lease: { id: `lease-${n}`, expireAt: clock.now() + 60 * S, createdAt: clock.now() },
      dynamicSecret: { name: undefined, type: undefined, defaultTtl: '1m', maxTtl: undefined },
      data: { DB_USERNAME: `u${n}`, DB_PASSWORD: `p${n}-secret` },
    });
    let n = 0;
    const api: DynamicSecretLeasesDeps['api'] = {
      projectSlug: async (token, target) => {
        calls.push(`slug ${token} ${target.projectId}`);
        return 'shop';
      },
      createLease: async (token, address, ttl) => {
        calls.push(`create ${token} ${address.name} ${address.projectSlug} ${address.target.environment} ${address.target.secretPath} ${ttl}`);
        return answer(++n);
      },
      renewLease: async () => {
        throw new Error('not expected');
      },
      revokeLease: async (token, address, leaseId) => void calls.push(`revoke ${address.name} ${leaseId}`),
    };
    const leases = new DynamicSecretLeases({ secrets: SECRETS, siteUrl: 'https://i.test', projectId: 'p-1', api, session: { withToken: (_s, call) => call('tok') }, clock });
    await leases.start(new AbortController().signal);
    await leases.stop();
    expect(calls.sort()).toEqual([
      'create tok postgres-app shop prod /db undefined',
      'create tok redis-cache shop staging / 2m',
      'revoke postgres-app lease-1',
      'revoke redis-cache lease-2',
      'slug tok p-1',
    ]);
  });
});

describe('leaseHealth', () => {
  const T = 1_000_000;
  const status = (over: Partial<LeaseStatus>): LeaseStatus => ({
    name: 'db',
    environment: 'prod',
    path: '/',
    state: 'active',
    leaseId: 'l',
    expireAt: T + 100 * S,
    createdAt: T,
    maxExpireAt: undefined,
    renewals: 0,
    handOvers: 0,
    consecutiveFailures: 0,
    lastError: undefined,
    ...over,
  });
  const failing = { consecutiveFailures: 2, lastError: { code: 'INFISICAL_UNREACHABLE', message: 'connection refused' } };

  it('is up while the lease is valid, even in its last fifth when nothing failed', () => {
    expect(leaseHealth(status({}), T)).toEqual({ status: 'up' });
    expect(leaseHealth(status({}), T + 99 * S)).toEqual({ status: 'up' });
    expect(leaseHealth(status(failing), T + 79 * S)).toEqual({ status: 'up' });
  });

  it('is degraded in the last fifth when renewing or replacing fails', () => {
    expect(leaseHealth(status(failing), T + 80 * S)).toEqual({ status: 'degraded', reason: 'the lease ends in 20 s and could not be renewed or replaced: connection refused' });
    expect(leaseHealth(status({ consecutiveFailures: 1 }), T + 99.5 * S)).toEqual({ status: 'degraded', reason: 'the lease ends in 1 s and could not be renewed or replaced' });
  });

  it('is down without a valid lease, naming why', () => {
    expect(leaseHealth(status({ state: 'expired', ...failing }), T + 101 * S)).toEqual({ status: 'down', reason: 'the lease expired and no new one could be taken: connection refused' });
    expect(leaseHealth(status({ state: 'starting', leaseId: undefined, expireAt: undefined }), T)).toEqual({ status: 'down', reason: 'no lease yet' });
    expect(leaseHealth(status({ state: 'stopped' }), T)).toEqual({ status: 'down', reason: 'shut down' });
    expect(leaseHealth(status({}), T + 100 * S)).toEqual({ status: 'down', reason: 'the lease expired' });
  });

  it('reports the worst of several leases', () => {
    expect(worstLeaseHealth([], T)).toBe('up');
    expect(worstLeaseHealth([status({}), status(failing)], T + 90 * S)).toBe('degraded');
    expect(worstLeaseHealth([status({ state: 'stopped' }), status(failing)], T + 90 * S)).toBe('down');
    expect(worstLeaseHealth([status(failing), status({})], T + 90 * S)).toBe('degraded');
  });
});
