/**
 * Edge cases of the lease lifecycle on a manual clock: timers that fire late or while a hand-over runs, answers that
 * arrive after shutdown, what the status shows when Infisical leaves fields out, a lifecycle without event callbacks,
 * and forced refreshes around start-up.
 */
import { describe, expect, it } from '@jest/globals';
import type { CreatedLease, ParsedLease } from '../../src/infisical/api/lease-response.parser.js';
import { LeaseLifecycle } from '../../src/infisical/leases/lease.lifecycle.js';
import { Deferred, failureOf, flushEventLoop } from '../support/deferred.js';
import { FakeLeaseApi } from '../support/fakes/dynamic-secrets-api.fake.js';
import { failures } from '../support/fakes/infisical-errors.fake.js';
import { leaseHarness } from '../support/lease-harness.js';
import { ManualClock } from '../support/manual-clock.js';

const S = 1000;
const untilAborted = <T>(signal: AbortSignal) => new Promise<T>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));

function setup(...args: Parameters<typeof leaseHarness>) {
  const harness = leaseHarness(...args);
  return { ...harness, step: () => harness.tick(harness.clock.pending[0]!) };
}

describe('LeaseLifecycle: timers', () => {
  it('takes a new lease without asking to renew when a late timer fires at the expiry', async () => {
    const { start, fake, clock, tick, lifecycle } = setup();
    await start();
    clock.jump(60 * S);
    await tick(0);
    expect(fake.log).toEqual(['create', 'create']);
    expect(lifecycle.current().leaseId).toBe('lease-2');
  });

  it('sends no renewal while a forced hand-over is under way; the new lease is renewed on its own schedule', async () => {
    const { start, fake, lifecycle, until } = setup();
    await start();
    const creating = new Deferred<CreatedLease>();
    fake.onCreate = () => creating.promise;
    const refresh = lifecycle.forceRefresh();
    await until(45);
    expect(fake.log).toEqual(['create', 'create']);
    fake.onCreate = (signal) => fake.defaultCreate(signal);
    creating.resolve(await fake.defaultCreate());
    expect((await refresh).leaseId).toBe('lease-2');
    await until(85.1);
    expect(fake.log).toEqual(['create', 'create', 'revoke lease-1', 'renew lease-2']);
  });

  it('asks for a new lease, not a renewal, when the retry after a refused renewal comes', async () => {
    const { start, fake, step, lifecycle } = setup({}, { defaultTtlSeconds: 60, maxTtlSeconds: 100, withoutCreatedAt: true });
    await start();
    fake.onCreate = async () => {
      fake.onCreate = (signal) => fake.defaultCreate(signal);
      throw failures.network();
    };
    await step();
    expect(fake.log).toEqual(['create', 'renew lease-1', 'create']);
    await step();
    expect(fake.log).toEqual(['create', 'renew lease-1', 'create', 'create']);
    expect(lifecycle.current().leaseId).toBe('lease-2');
  });
});

describe('LeaseLifecycle: answers after shutdown', () => {
  it('ignores a renewal that arrives after shutdown began: nothing is scheduled', async () => {
    const { start, fake, lifecycle, clock, step } = setup();
    await start();
    const renewing = new Deferred<ParsedLease>();
    fake.onRenew = () => renewing.promise;
    await step();
    const stopping = lifecycle.stop();
    renewing.resolve(await fake.defaultRenew('lease-1'));
    await stopping;
    expect(clock.pending).toEqual([]);
    expect(lifecycle.status()).toMatchObject({ state: 'stopped', renewals: 0 });
  });

  it('schedules no retry when shutdown cancels a hand-over', async () => {
    const { start, fake, lifecycle, clock, events } = setup();
    await start();
    fake.onCreate = (signal) => untilAborted<CreatedLease>(signal);
    const refresh = failureOf(lifecycle.forceRefresh());
    await flushEventLoop();
    await lifecycle.stop();
    await refresh;
    expect(clock.pending).toEqual([]);
    expect(events.failed).toEqual([]);
  });

  it('revokes nothing when stopped before start-up, or when the lease has just expired', async () => {
    const first = setup();
    await first.lifecycle.stop();
    expect(first.fake.log).toEqual([]);
    const second = setup();
    await second.start();
    second.fake.onRenew = async () => {
      throw failures.network();
    };
    await second.until(60);
    await second.lifecycle.stop();
    expect(second.fake.log.filter((l) => l.startsWith('revoke'))).toEqual([]);
  });
});

describe('LeaseLifecycle: status and events', () => {
  it('shows no max expiry when the creation date or the max TTL is unknown', async () => {
    const noDate = setup({}, { defaultTtlSeconds: 60, maxTtlSeconds: 180, withoutCreatedAt: true });
    await noDate.start();
    expect(noDate.lifecycle.status()).toMatchObject({ createdAt: undefined, maxExpireAt: undefined });
    const noMax = setup({}, { defaultTtlSeconds: 60 });
    await noMax.start();
    expect(noMax.lifecycle.status()).toMatchObject({ createdAt: noMax.t0, maxExpireAt: undefined });
  });

  it('takes the creation date from a renewal when the lease answer had none', async () => {
    const { start, fake, step, lifecycle, t0 } = setup({}, { defaultTtlSeconds: 60, withoutCreatedAt: true });
    await start();
    fake.onRenew = async (leaseId) => ({ ...(await fake.defaultRenew(leaseId)), createdAt: t0 });
    await step();
    expect(lifecycle.status()).toMatchObject({ createdAt: t0, maxExpireAt: undefined, renewals: 1 });
  });

  it('shows a failure that is not the module’s own with the code UNKNOWN', async () => {
    const { lifecycle, fake } = setup();
    fake.onCreate = async () => {
      throw new Error('boom');
    };
    expect((await failureOf<Error>(lifecycle.start(new AbortController().signal))).message).toBe('boom');
    expect(lifecycle.status().lastError).toEqual({ code: 'UNKNOWN', message: 'boom' });
  });

  it('works without event callbacks: renewals, a failing listener, a failing revocation', async () => {
    const clock = new ManualClock();
    const fake = new FakeLeaseApi(clock);
    const lifecycle = new LeaseLifecycle(fake.api, clock, { name: 'db', environment: 'prod', path: '/', random: () => 1 });
    await lifecycle.start(new AbortController().signal);
    await clock.advanceAsync(40.1 * S, flushEventLoop);
    expect(lifecycle.status()).toMatchObject({ renewals: 1, consecutiveFailures: 0, lastError: undefined });
    lifecycle.onRotate(() => {
      throw new Error('listener broke');
    });
    expect((await lifecycle.forceRefresh()).leaseId).toBe('lease-2');
    fake.onRevoke = async () => {
      throw failures.network();
    };
    await lifecycle.stop();
    expect(fake.log.filter((l) => l.startsWith('revoke')).sort()).toEqual(['revoke lease-1', 'revoke lease-2']);
  });
});

describe('LeaseLifecycle: forced refresh around start-up', () => {
  it('takes the lease start-up is taking', async () => {
    const { fake, lifecycle } = setup();
    const creating = new Deferred<CreatedLease>();
    fake.onCreate = () => creating.promise;
    const starting = lifecycle.start(new AbortController().signal);
    const refresh = lifecycle.forceRefresh();
    creating.resolve(await fake.defaultCreate());
    expect((await refresh).leaseId).toBe('lease-1');
    expect((await starting).leaseId).toBe('lease-1');
    expect(fake.log).toEqual(['create']);
  });

  it('rejects with the failure when there is no lease yet and none can be taken', async () => {
    const { fake, lifecycle } = setup();
    const down = failures.network('down');
    fake.onCreate = async () => {
      throw down;
    };
    expect(await failureOf(lifecycle.forceRefresh())).toBe(down);
  });
});
