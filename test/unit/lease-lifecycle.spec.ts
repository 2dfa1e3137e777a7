/**
 * The lease lifecycle of one dynamic secret on a manual clock, against a fake of Infisical's lease routes that
 * follows Infisical's rules (renewal adds the default TTL, refused past createdAt + maxTTL, 404 once expired or
 * revoked): the renew window, the make-before-break hand-over at the max TTL and after a refused renewal, back-off
 * within the lease's remaining life, never serving an expired lease, and shutdown.
 */
import { describe, expect, it } from '@jest/globals';
import { InfisicalDynamicSecretNotFoundError, InfisicalLeaseNotFoundError } from '../../src/infisical/errors/dynamic-secret.errors.js';
import { credentialsOf } from '../support/fakes/dynamic-secrets-api.fake.js';
import { failures } from '../support/fakes/infisical-errors.fake.js';
import { leaseHarness as setup, unavailable } from '../support/lease-harness.js';

const S = 1000;

describe('LeaseLifecycle: start-up and the renew window', () => {
  it('takes one lease at start-up and hands out its credentials, masked, with the renewal due after two thirds', async () => {
    const { start, lifecycle, fake, events, clock, t0 } = setup();
    const lease = await start();
    expect(fake.log).toEqual(['create']);
    expect(lease.leaseId).toBe('lease-1');
    expect(lease.expireAt).toBe(t0 + 60 * S);
    expect(lease.credentials.username).toBe('lease_user_1');
    expect(lease.credentials.password).toBe(credentialsOf(1).DB_PASSWORD);
    expect(lifecycle.current()).toEqual(lease);
    expect(events.masked).toEqual(Object.values(credentialsOf(1)));
    expect(events.created).toBe(1);
    expect(clock.pending).toHaveLength(1);
    expect(clock.pending[0]).toBeCloseTo(40 * S, 0);
    expect(lifecycle.status()).toEqual({
      name: 'postgres-app',
      environment: 'prod',
      path: '/db',
      state: 'active',
      leaseId: 'lease-1',
      expireAt: t0 + 60 * S,
      createdAt: t0,
      maxExpireAt: t0 + 180 * S,
      renewals: 0,
      handOvers: 0,
      consecutiveFailures: 0,
      lastError: undefined,
    });
  });

  it('renews when two thirds of the remaining life have passed, not before, keeping the same credentials', async () => {
    const { start, lifecycle, fake, events, until, t0, rotations } = setup();
    await start();
    await until(39.9);
    expect(fake.log).toEqual(['create']);
    await until(40.1);
    expect(fake.log).toEqual(['create', 'renew lease-1']);
    expect(lifecycle.current().expireAt).toBe(t0 + 120 * S);
    expect(lifecycle.current().credentials.username).toBe('lease_user_1');
    expect(events.renewed).toBe(1);
    expect(lifecycle.status().renewals).toBe(1);
    // Next renewal: two thirds of the 80 s then left, at 93.3 s.
    await until(93.2);
    expect(fake.log).toHaveLength(2);
    await until(93.4);
    expect(fake.log).toEqual(['create', 'renew lease-1', 'renew lease-1']);
    expect(lifecycle.current().expireAt).toBe(t0 + 180 * S);
    expect(rotations).toEqual([]);
  });

  it('fails start-up at once on an answer that needs a human, naming the failure', async () => {
    const { lifecycle, fake } = setup();
    const refused = new InfisicalDynamicSecretNotFoundError('postgres-app', { siteUrl: 's', projectId: 'p', environment: 'prod', secretPath: '/db' }, 'not found');
    fake.onCreate = async () => {
      throw refused;
    };
    await expect(lifecycle.start(new AbortController().signal)).rejects.toBe(refused);
    expect(fake.log).toEqual(['create']);
    expect(lifecycle.status()).toMatchObject({ state: 'starting', consecutiveFailures: 1, lastError: { code: 'INFISICAL_DYNAMIC_SECRET_NOT_FOUND', message: refused.message } });
    expect(unavailable(() => lifecycle.current()).reason).toBe('not-started');
  });

  it('retries transient start-up failures with back-off until the start-up deadline, then throws the last failure', async () => {
    const { lifecycle, fake, clock, tick } = setup();
    const down = failures.network();
    fake.onCreate = async () => {
      throw down;
    };
    const deadline = new AbortController();
    const started = lifecycle.start(deadline.signal);
    const outcome = started.catch((error: unknown) => error);
    await tick(0);
    expect(clock.pending).toEqual([1 * S]);
    await tick(1 * S);
    expect(clock.pending).toEqual([2 * S]);
    expect(fake.log).toEqual(['create', 'create']);
    deadline.abort(new Error('deadline'));
    expect(await outcome).toBe(down);
    expect(clock.pending).toEqual([]);
    expect(fake.log).toEqual(['create', 'create']);
  });

  it('succeeds on a retry within the deadline', async () => {
    const { lifecycle, fake, tick } = setup();
    fake.onCreate = async () => {
      fake.onCreate = (signal) => fake.defaultCreate(signal);
      throw failures.network();
    };
    const started = lifecycle.start(new AbortController().signal);
    await tick(0);
    await tick(1 * S);
    expect((await started).leaseId).toBe('lease-1');
    expect(lifecycle.status().consecutiveFailures).toBe(0);
    expect(lifecycle.status().lastError).toBeUndefined();
  });
});

describe('LeaseLifecycle: hand-over (make-before-break)', () => {
  it('takes a new lease before the old one reaches its max TTL, hands it over, then revokes the old one after the drain period', async () => {
    const { start, lifecycle, fake, events, until, rotations, t0 } = setup();
    await start();
    await until(151);
    expect(fake.log).toEqual(['create', 'renew lease-1', 'renew lease-1']);
    await until(151.2);
    // No renewal past the max TTL is even asked for: a new lease, at once.
    expect(fake.log).toEqual(['create', 'renew lease-1', 'renew lease-1', 'create']);
    expect(rotations).toEqual(['lease-2 lease_user_2']);
    expect(lifecycle.current().leaseId).toBe('lease-2');
    expect(fake.live.has('lease-1')).toBe(true);
    expect(lifecycle.status()).toMatchObject({ handOvers: 1, renewals: 2 });
    expect(lifecycle.current().expireAt - t0).toBeCloseTo(211_111, 0);
    await until(161);
    expect(fake.revoked).toEqual([]);
    await until(161.2);
    expect(fake.revoked).toEqual(['lease-1']);
    expect(events).toMatchObject({ created: 2, renewed: 2, revoked: 1, failed: [] });
    expect(events.masked).toEqual([...Object.values(credentialsOf(1)), ...Object.values(credentialsOf(2))]);
  });

  it('never keeps the old lease past its expiry: a drain period longer than its remaining life ends at its expiry', async () => {
    const { start, fake, until, events } = setup({ drainMs: 60 * S });
    await start();
    await until(151.2);
    expect(fake.log.at(-1)).toBe('create');
    await until(179.9);
    expect(fake.revoked).toEqual([]);
    // At its expiry the server has dropped it already: the 404 counts as revoked, silently.
    fake.onRevoke = async (leaseId) => {
      fake.live.delete(leaseId);
      throw new InfisicalLeaseNotFoundError('postgres-app', { siteUrl: 's', projectId: 'p', environment: 'prod', secretPath: '/db' }, leaseId);
    };
    await until(180.01);
    expect(fake.log.at(-1)).toBe('revoke lease-1');
    expect(events).toMatchObject({ revoked: 0, failed: [], warnings: [] });
  });

  it('replaces the lease when Infisical refuses a renewal the client could not foresee (no createdAt)', async () => {
    const { start, lifecycle, fake, until, rotations, events } = setup({}, { defaultTtlSeconds: 60, maxTtlSeconds: 150, withoutCreatedAt: true });
    await start();
    await until(40.1);
    expect(fake.log).toEqual(['create', 'renew lease-1']);
    await until(93.4);
    expect(fake.log).toEqual(['create', 'renew lease-1', 'renew lease-1', 'create']);
    expect(rotations).toEqual(['lease-2 lease_user_2']);
    expect(lifecycle.status()).toMatchObject({ leaseId: 'lease-2', consecutiveFailures: 0, lastError: undefined });
    expect(events.failed).toEqual([]);
    await until(103.4);
    expect(fake.revoked).toEqual(['lease-1']);
  });

  it('replaces a lease Infisical no longer knows at once, without revoking it', async () => {
    const { start, lifecycle, fake, until, rotations } = setup();
    await start();
    fake.live.delete('lease-1');
    await until(40.1);
    expect(fake.log).toEqual(['create', 'renew lease-1', 'create']);
    expect(rotations).toEqual(['lease-2 lease_user_2']);
    expect(lifecycle.current().leaseId).toBe('lease-2');
    await until(100);
    expect(fake.log.filter((l) => l.startsWith('revoke'))).toEqual([]);
  });

  it('replaces a lease whose renewal does not extend it, instead of renewing it again', async () => {
    const { start, fake, until, t0 } = setup({}, { defaultTtlSeconds: 60 });
    await start();
    fake.onRenew = async (leaseId) => ({ id: leaseId, expireAt: t0 + 60 * S, createdAt: t0 });
    await until(40.1);
    expect(fake.log).toEqual(['create', 'renew lease-1']);
    await until(53.5);
    expect(fake.log).toEqual(['create', 'renew lease-1', 'create']);
  });

  it('plans renewals with the configured ttl: a renewal that would pass the max TTL with it is not asked for', async () => {
    const { start, fake, until } = setup({ ttl: '2m' });
    await start();
    await until(40.1);
    // 60 s + 120 s = 180 s fits the max TTL exactly; the next one would not.
    expect(fake.log).toEqual(['create', 'renew lease-1']);
    await until(93.4);
    expect(fake.log).toEqual(['create', 'renew lease-1', 'create']);
  });

  it('keeps handing over when a listener throws, and reports it', async () => {
    const { start, lifecycle, until, events } = setup();
    await start();
    const seen: string[] = [];
    lifecycle.onRotate(() => {
      throw new Error('listener broke');
    });
    const unsubscribe = lifecycle.onRotate((lease) => seen.push(lease.leaseId));
    await until(151.2);
    expect(seen).toEqual(['lease-2']);
    expect(events.warnings).toEqual(['An onRotate listener of dynamic secret "postgres-app" failed: listener broke']);
    unsubscribe();
    await until(151.2 + 40.1 + 53.4 + 57.8);
    expect(lifecycle.current().leaseId).toBe('lease-3');
    expect(seen).toEqual(['lease-2']);
  });
});
