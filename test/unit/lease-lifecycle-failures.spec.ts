/**
 * The lease lifecycle when things go wrong, on a manual clock: renewals retried with back-off within the lease's
 * remaining life, an expired lease never handed out, revocations that fail, shutdown (also during a renewal or a
 * hand-over, bounded when Infisical hangs), and forced refreshes sharing one new lease.
 */
import { describe, expect, it } from '@jest/globals';
import type { CreatedLease, ParsedLease } from '../../src/infisical/api/lease-response.parser.js';
import { InfisicalLeaseUnavailableError } from '../../src/infisical/errors/dynamic-secret.errors.js';
import { Deferred, failureOf, flushEventLoop } from '../support/deferred.js';
import { credentialsOf } from '../support/fakes/dynamic-secrets-api.fake.js';
import { failures } from '../support/fakes/infisical-errors.fake.js';
import { leaseHarness, unavailable } from '../support/lease-harness.js';

const S = 1000;

function setup(...args: Parameters<typeof leaseHarness>) {
  const harness = leaseHarness(...args);
  /** Fires the next timer (and lets its work finish). */
  const step = () => harness.tick(harness.clock.pending[0]!);
  return { ...harness, step };
}

/** A route that never answers until its signal aborts, then rejects with the abort reason. */
const untilAborted = <T>(signal: AbortSignal) => new Promise<T>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));

describe('LeaseLifecycle: failed renewals', () => {
  it('retries a renewal that failed on the network with exponential back-off, then carries on as before', async () => {
    const { start, fake, clock, step, lifecycle, events, t0 } = setup();
    await start();
    let failing = 3;
    fake.onRenew = async (leaseId) => {
      if (failing-- > 0) throw failures.network();
      return fake.defaultRenew(leaseId);
    };
    await step();
    expect(clock.pending).toEqual([1 * S]);
    expect(lifecycle.status()).toMatchObject({ consecutiveFailures: 1, lastError: { code: 'INFISICAL_UNREACHABLE' } });
    expect(lifecycle.current().leaseId).toBe('lease-1');
    await step();
    expect(clock.pending).toEqual([2 * S]);
    await step();
    expect(clock.pending).toEqual([4 * S]);
    await step();
    expect(fake.log).toEqual(['create', 'renew lease-1', 'renew lease-1', 'renew lease-1', 'renew lease-1']);
    expect(lifecycle.current().expireAt).toBe(t0 + 120 * S);
    expect(lifecycle.status()).toMatchObject({ consecutiveFailures: 0, lastError: undefined, renewals: 1 });
    expect(events.failed).toHaveLength(3);
    expect(clock.pending[0]).toBeCloseTo(((120 - 47) * S * 2) / 3, 0);
  });

  it('keeps every retry within the lease: a long Retry-After is cut to half the remaining life, down to 0.5 s', async () => {
    const { start, fake, clock, step, until } = setup();
    await start();
    fake.onRenew = async () => {
      throw failures.rateLimited(300);
    };
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      await step();
      delays.push(clock.pending[0]!);
    }
    expect(delays.slice(0, 5).map((d) => Math.round(d))).toEqual([10_000, 5_000, 2_500, 1_250, 625]);
    expect(delays.slice(5)).toEqual([500, 500]);
    expect(fake.log.filter((l) => l === 'renew lease-1')).toHaveLength(7);
    await until(60.5);
    // Expired: the next attempt takes a new lease instead.
    expect(fake.log.at(-1)).toBe('create');
  });

  it('never hands out an expired lease: reading it throws, naming the expiry and the last failure, until a new lease arrives', async () => {
    const { start, fake, until, lifecycle, rotations, t0 } = setup();
    await start();
    fake.onRenew = async () => {
      throw failures.network('connection refused');
    };
    fake.onCreate = async () => {
      throw failures.network('connection refused');
    };
    await until(59.9);
    expect(lifecycle.current().leaseId).toBe('lease-1');
    await until(60);
    const error = unavailable(() => lifecycle.current());
    expect(error).toBeInstanceOf(InfisicalLeaseUnavailableError);
    expect(error.code).toBe('INFISICAL_LEASE_UNAVAILABLE');
    expect(error.reason).toBe('expired');
    expect(error.transient).toBe(true);
    expect(error.expiredAt).toBe(t0 + 60 * S);
    expect(error.message).toContain(`expired at ${new Date(t0 + 60 * S).toISOString()}`);
    expect(error.message).toContain('connection refused');
    expect(error.message).not.toContain(credentialsOf(1).DB_PASSWORD);
    expect(lifecycle.status().state).toBe('expired');
    fake.onCreate = (signal) => fake.defaultCreate(signal);
    await until(95);
    expect(lifecycle.current().leaseId).toBe('lease-2');
    expect(rotations).toHaveLength(1);
    expect(lifecycle.status()).toMatchObject({ state: 'active', consecutiveFailures: 0 });
  });

  it('waits at most 30 s between attempts while no lease is valid', async () => {
    const { start, fake, clock, step, until } = setup();
    await start();
    fake.onRenew = async () => {
      throw failures.network();
    };
    fake.onCreate = async () => {
      throw failures.network();
    };
    await until(61);
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      await step();
      delays.push(clock.pending[0]!);
    }
    // The back-off has grown past 5 minutes by now; without a valid lease it is cut to 30 s.
    expect(delays).toEqual(Array(8).fill(30 * S));
  });

  it('reports a revocation that failed after the drain period, naming the lease but no credential', async () => {
    const { start, fake, until, events } = setup();
    await start();
    fake.onRevoke = async () => {
      throw failures.network('connection reset');
    };
    await until(161.2);
    expect(fake.log.at(-1)).toBe('revoke lease-1');
    expect(events.failed).toHaveLength(1);
    expect(events.warnings).toHaveLength(1);
    expect(events.warnings[0]).toContain('Could not revoke lease lease-1 of dynamic secret "postgres-app"');
    expect(events.warnings[0]).toContain('connection reset');
    expect(events.warnings.join()).not.toContain('lease-password');
  });
});

describe('LeaseLifecycle: shutdown', () => {
  it('revokes the current lease and hands out nothing afterwards; a second stop does nothing', async () => {
    const { start, fake, lifecycle, clock, events } = setup();
    await start();
    await lifecycle.stop();
    expect(fake.log).toEqual(['create', 'revoke lease-1']);
    expect(fake.revoked).toEqual(['lease-1']);
    expect(events.revoked).toBe(1);
    expect(unavailable(() => lifecycle.current()).reason).toBe('stopped');
    expect(lifecycle.status()).toMatchObject({ state: 'stopped', leaseId: 'lease-1' });
    expect(clock.pending).toEqual([]);
    await lifecycle.stop();
    expect(fake.log).toHaveLength(2);
    expect((await failureOf<InfisicalLeaseUnavailableError>(lifecycle.forceRefresh())).reason).toBe('stopped');
    expect(fake.log).toHaveLength(2);
  });

  it('cancels a renewal in flight, revokes the lease and schedules nothing more', async () => {
    const { start, fake, lifecycle, clock, step } = setup();
    await start();
    fake.onRenew = (_leaseId, signal) => untilAborted<ParsedLease>(signal);
    await step();
    expect(fake.log).toEqual(['create', 'renew lease-1']);
    await lifecycle.stop();
    expect(fake.calls[1]!.signal.aborted).toBe(true);
    expect(fake.log).toEqual(['create', 'renew lease-1', 'revoke lease-1']);
    expect(clock.pending).toEqual([]);
  });

  it('gives up after the shutdown budget when Infisical does not answer', async () => {
    const { start, fake, lifecycle, tick } = setup({ shutdownBudgetMs: 2 * S });
    await start();
    fake.onRevoke = () => new Promise<void>(() => undefined);
    let done = false;
    const stopping = lifecycle.stop().then(() => (done = true));
    await tick(1999);
    expect(done).toBe(false);
    expect(fake.calls[1]!.signal.aborted).toBe(false);
    await tick(1);
    await stopping;
    expect(done).toBe(true);
    expect(fake.calls[1]!.signal.aborted).toBe(true);
    expect(fake.calls[1]!.signal.reason).toMatchObject({ code: 'INFISICAL_LEASE_UNAVAILABLE', reason: 'stopped' });
  });

  it('is bounded by the same budget when a renewal in flight ignores the cancellation', async () => {
    const { start, fake, lifecycle, tick, step } = setup({ shutdownBudgetMs: 2 * S });
    await start();
    fake.onRenew = () => new Promise<ParsedLease>(() => undefined);
    await step();
    let done = false;
    const stopping = lifecycle.stop().then(() => (done = true));
    await tick(1999);
    expect(done).toBe(false);
    await tick(1);
    await stopping;
    expect(done).toBe(true);
  });

  it('revokes the draining old lease with the current one, and the drain timer no longer fires', async () => {
    const { start, fake, lifecycle, until, clock } = setup();
    await start();
    await until(151.2);
    expect(fake.live.size).toBe(2);
    await lifecycle.stop();
    expect(fake.revoked.sort()).toEqual(['lease-1', 'lease-2']);
    expect(clock.pending).toEqual([]);
  });

  it('revokes a lease that arrives after shutdown began, and the forced refresh that asked for it fails', async () => {
    const { start, fake, lifecycle } = setup();
    await start();
    const creating = new Deferred<CreatedLease>();
    fake.onCreate = () => creating.promise;
    const refresh = failureOf<InfisicalLeaseUnavailableError>(lifecycle.forceRefresh());
    await flushEventLoop();
    const stopping = lifecycle.stop();
    creating.resolve(await fake.defaultCreate());
    await stopping;
    expect((await refresh).reason).toBe('stopped');
    expect(fake.revoked.sort()).toEqual(['lease-1', 'lease-2']);
  });

  it('revokes a lease that arrives after shutdown began during start-up', async () => {
    const { fake, lifecycle } = setup();
    const creating = new Deferred<CreatedLease>();
    fake.onCreate = () => creating.promise;
    const starting = failureOf<InfisicalLeaseUnavailableError>(lifecycle.start(new AbortController().signal));
    await flushEventLoop();
    const stopping = lifecycle.stop();
    creating.resolve(await fake.defaultCreate());
    await stopping;
    expect((await starting).reason).toBe('stopped');
    expect(fake.revoked).toEqual(['lease-1']);
  });
});

describe('LeaseLifecycle: forceRefresh', () => {
  it('shares one new lease between concurrent calls, hands it over and drains the old one', async () => {
    const { start, fake, lifecycle, rotations, tick } = setup();
    await start();
    const [a, b] = await Promise.all([lifecycle.forceRefresh(), lifecycle.forceRefresh()]);
    expect(a).toBe(b);
    expect(a.leaseId).toBe('lease-2');
    expect(a.credentials.password).toBe(credentialsOf(2).DB_PASSWORD);
    expect(fake.log).toEqual(['create', 'create']);
    expect(rotations).toEqual(['lease-2 lease_user_2']);
    await tick(10 * S);
    expect(fake.revoked).toEqual(['lease-1']);
    expect((await lifecycle.forceRefresh()).leaseId).toBe('lease-3');
  });

  it('waits for a renewal in flight, then replaces the lease', async () => {
    const { start, fake, lifecycle, step } = setup();
    await start();
    const renewing = new Deferred<ParsedLease>();
    fake.onRenew = () => renewing.promise;
    await step();
    const refresh = lifecycle.forceRefresh();
    await flushEventLoop();
    expect(fake.log).toEqual(['create', 'renew lease-1']);
    renewing.resolve(await fake.defaultRenew('lease-1'));
    expect((await refresh).leaseId).toBe('lease-2');
    expect(fake.log).toEqual(['create', 'renew lease-1', 'create']);
  });

  it('takes the hand-over in progress as the new lease', async () => {
    const { start, fake, lifecycle, until } = setup();
    await start();
    await until(151);
    const creating = new Deferred<CreatedLease>();
    fake.onCreate = () => creating.promise;
    await until(151.2);
    const refresh = lifecycle.forceRefresh();
    creating.resolve(await fake.defaultCreate());
    expect((await refresh).leaseId).toBe('lease-2');
    expect(fake.log.filter((l) => l === 'create')).toHaveLength(2);
  });

  it('rejects with the failure, keeps the valid lease, and the retry replaces the lease instead of renewing it', async () => {
    const { start, fake, lifecycle, step } = setup();
    await start();
    fake.onCreate = async () => {
      fake.onCreate = (signal) => fake.defaultCreate(signal);
      throw failures.network('down');
    };
    const error = await failureOf<Error>(lifecycle.forceRefresh());
    expect(error.message).toContain('down');
    expect(lifecycle.current().leaseId).toBe('lease-1');
    await step();
    expect(fake.log).toEqual(['create', 'create', 'create']);
    expect(lifecycle.current().leaseId).toBe('lease-2');
  });
});
