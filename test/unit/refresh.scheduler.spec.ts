import { describe, expect, it } from '@jest/globals';
import { InfisicalUnreachableError } from '../../src/infisical/errors/transport.errors.js';
import { asInfisicalError, RefreshScheduler, type RefreshOutcome } from '../../src/infisical/store/refresh.scheduler.js';
import type { SecretSnapshot } from '../../src/infisical/store/secret-snapshot.js';
import { StoreStateOwner } from '../../src/infisical/store/store-state.js';
import { FAKE_TARGET, failures } from '../support/fakes/infisical-errors.fake.js';
import { ScriptedLoader } from '../support/fakes/scripted-loader.fake.js';
import { snapshotOf } from '../support/fakes/secret-snapshot.fake.js';
import { RecordingLogger } from '../support/fakes/store-logger.fake.js';
import { ManualClock } from '../support/manual-clock.js';
import { flushEventLoop } from '../support/deferred.js';

const START = Date.UTC(2026, 0, 1);
const fresh = snapshotOf({ A: 'one' }, 'infisical', START);

function setup(loader: ScriptedLoader, options: { ttlSeconds?: number; random?: number; withOutcomes?: boolean } = {}) {
  const clock = new ManualClock(START);
  const state = new StoreStateOwner();
  const logger = new RecordingLogger();
  const accepted: SecretSnapshot[] = [];
  const outcomes: RefreshOutcome[] = [];
  const scheduler = new RefreshScheduler({
    state,
    load: loader.load,
    accept: (snapshot) => {
      accepted.push(snapshot);
      state.install(snapshot);
    },
    clock,
    random: () => options.random ?? 0.5,
    ttlSeconds: options.ttlSeconds ?? 60,
    logger: logger.asLogger,
    target: FAKE_TARGET,
    onRefresh: options.withOutcomes === false ? undefined : (outcome) => outcomes.push(outcome),
  });
  return { clock, state, logger, accepted, outcomes, scheduler };
}

const flush = flushEventLoop;

/** Moves the clock to the end of the back-off without running its timer: an explicit refresh is no longer held. */
function pastRetry(clock: ManualClock, state: StoreStateOwner): void {
  clock.jump(state.nextRefreshAt! - clock.now());
}

describe('RefreshScheduler: single flight', () => {
  it('concurrent triggers share one load and one answer', async () => {
    const loader = new ScriptedLoader('hang');
    const { scheduler, accepted } = setup(loader);
    const first = scheduler.refresh();
    const second = scheduler.refresh();
    expect(second).toBe(first);
    expect(scheduler.inflight).toBe(first);
    expect(loader.calls).toBe(1);
    loader.pending[0]!.resolve(fresh);
    await expect(first).resolves.toBe(true);
    expect(accepted).toEqual([fresh]);
    expect(scheduler.inflight).toBeUndefined();
  });

  it('a trigger after the refresh settled starts a new load', async () => {
    const loader = new ScriptedLoader(fresh);
    const { scheduler } = setup(loader);
    await scheduler.refresh();
    await scheduler.refresh();
    expect(loader.calls).toBe(2);
  });

  it('loads with the lifetime signal', async () => {
    const loader = new ScriptedLoader(fresh);
    const { scheduler } = setup(loader);
    await scheduler.refresh();
    expect(loader.signals[0]).toBe(scheduler.signal);
    expect(scheduler.signal.aborted).toBe(false);
  });

  it('refreshAfterCurrent waits for the refresh under way, then concurrent callers share the next one', async () => {
    const loader = new ScriptedLoader('hang', 'hang');
    const { scheduler, accepted } = setup(loader);
    const current = scheduler.refresh();
    const next1 = scheduler.refreshAfterCurrent();
    const next2 = scheduler.refreshAfterCurrent();
    await flush();
    expect(loader.calls).toBe(1);
    const older = snapshotOf({ A: 'old' }, 'infisical', START);
    loader.pending[0]!.resolve(older);
    await current;
    await flush();
    expect(loader.calls).toBe(2);
    loader.pending[1]!.resolve(fresh);
    await expect(next1).resolves.toBe(true);
    await expect(next2).resolves.toBe(true);
    expect(loader.calls).toBe(2);
    expect(accepted).toEqual([older, fresh]);
  });

  it('refreshAfterCurrent with nothing under way refreshes at once', async () => {
    const loader = new ScriptedLoader(fresh);
    const { scheduler } = setup(loader);
    await expect(scheduler.refreshAfterCurrent()).resolves.toBe(true);
    expect(loader.calls).toBe(1);
  });
});

describe('RefreshScheduler: the regular refresh', () => {
  it('after a good load, schedules the next one a TTL (± jitter) later, and the timer refreshes', async () => {
    const loader = new ScriptedLoader(fresh);
    const { scheduler, clock, state } = setup(loader, { ttlSeconds: 60, random: 1 });
    await scheduler.refresh();
    expect(clock.pending).toEqual([66_000]);
    expect(state.nextRefreshAt).toBe(START + 66_000);
    clock.advance(65_999);
    expect(loader.calls).toBe(1);
    clock.advance(1);
    expect(loader.calls).toBe(2);
    await flush();
    expect(clock.pending).toEqual([66_000]);
    expect(state.nextRefreshAt).toBe(START + 132_000);
  });

  it('scheduleRegular uses the injected random number', () => {
    const { scheduler, clock, state } = setup(new ScriptedLoader(fresh), { ttlSeconds: 100, random: 0 });
    scheduler.scheduleRegular();
    expect(clock.pending).toEqual([90_000]);
    expect(state.nextRefreshAt).toBe(START + 90_000);
  });

  it('schedules nothing with a TTL of 0', async () => {
    const { scheduler, clock, state } = setup(new ScriptedLoader(fresh), { ttlSeconds: 0 });
    scheduler.scheduleRegular();
    expect(clock.pending).toEqual([]);
    expect(state.nextRefreshAt).toBeUndefined();
    await scheduler.refresh();
    expect(clock.pending).toEqual([]);
    expect(state.nextRefreshAt).toBeUndefined();
  });

  it('rescheduling replaces the pending timer', () => {
    const { scheduler, clock } = setup(new ScriptedLoader(fresh));
    scheduler.scheduleRegular();
    scheduler.scheduleRegular();
    expect(clock.pending).toEqual([60_000]);
  });

  it('a manual refresh cancels the pending timer while it runs', async () => {
    const loader = new ScriptedLoader('hang');
    const { scheduler, clock } = setup(loader);
    scheduler.scheduleRegular();
    const run = scheduler.refresh();
    expect(clock.pending).toEqual([]);
    clock.advance(120_000);
    expect(loader.calls).toBe(1);
    loader.pending[0]!.resolve(fresh);
    await run;
    expect(clock.pending).toEqual([60_000]);
  });

  it('marks when the refresh under way started, and clears it when it ends', async () => {
    const loader = new ScriptedLoader('hang', 'hang');
    const { scheduler, clock, state } = setup(loader);
    clock.jump(5);
    const run = scheduler.refresh();
    expect(state.refreshStartedAt).toBe(START + 5);
    loader.pending[0]!.resolve(fresh);
    await run;
    expect(state.refreshStartedAt).toBeUndefined();
    const failing = scheduler.refresh();
    expect(state.refreshStartedAt).toBe(START + 5);
    loader.pending[1]!.reject(failures.network());
    await failing;
    expect(state.refreshStartedAt).toBeUndefined();
  });
});

describe('RefreshScheduler: failures', () => {
  it('keeps the snapshot, counts the failure and backs off exponentially with full jitter', async () => {
    const error = failures.network();
    const loader = new ScriptedLoader(error);
    const { scheduler, clock, state, accepted } = setup(loader, { random: 1 });
    state.install(fresh);
    await expect(scheduler.refresh()).resolves.toBe(false);
    expect(accepted).toEqual([]);
    expect(state.snapshot).toBe(fresh);
    expect(state.failures).toBe(1);
    expect(state.transportFailures).toBe(1);
    expect(state.lastError).toBe(error);
    expect(clock.pending).toEqual([1_000]);
    expect(state.nextRefreshAt).toBe(START + 1_000);
    clock.advance(1_000);
    await flush();
    expect(clock.pending).toEqual([2_000]);
    clock.advance(2_000);
    await flush();
    expect(clock.pending).toEqual([4_000]);
    expect(state.failures).toBe(3);
    expect(loader.calls).toBe(3);
  });

  it('uses the injected random number for the jitter', async () => {
    const { scheduler, clock, state } = setup(new ScriptedLoader(failures.network(), failures.network()), { random: 0.25 });
    await scheduler.refresh();
    pastRetry(clock, state);
    await scheduler.refresh();
    expect(clock.pending).toEqual([500]);
  });

  it('honours Retry-After', async () => {
    const { scheduler, clock, state } = setup(new ScriptedLoader(failures.rateLimited(30)), { random: 0.5 });
    await scheduler.refresh();
    expect(clock.pending).toEqual([30_500]);
    expect(state.transportFailures).toBe(1);
  });

  it('pauses for the cap (5 min) after an authentication or other definitive failure', async () => {
    for (const error of [failures.authentication(), failures.refused()]) {
      const { scheduler, clock, state, logger } = setup(new ScriptedLoader(error), { random: 0 });
      await scheduler.refresh();
      expect(clock.pending).toEqual([300_000]);
      expect(state.failures).toBe(1);
      expect(logger.at('warn')[0]).toContain('next attempt in 300 s');
    }
  });

  it('a rejected answer keeps the TTL cadence and does not grow the back-off', async () => {
    const error = failures.permission();
    const { scheduler, clock, state, logger, outcomes } = setup(new ScriptedLoader(error), { ttlSeconds: 60, random: 0.5 });
    await scheduler.refresh();
    await scheduler.refresh();
    expect(state.failures).toBe(2);
    expect(state.transportFailures).toBe(0);
    expect(state.lastError).toBe(error);
    expect(clock.pending).toEqual([60_000]);
    expect(logger.at('warn')[0]).toMatch(/^Infisical refresh was rejected \(attempt 1\)/);
    expect(outcomes.map((o) => o.result)).toEqual(['rejected', 'rejected']);
    expect(outcomes[0]!.error).toBe(error);
  });

  it('logs why once, with the age of the values kept and the next attempt; repeats go to debug', async () => {
    const loader = new ScriptedLoader(failures.network(), failures.network(), failures.network('reset'), fresh, failures.network());
    const { scheduler, clock, state, logger } = setup(loader, { random: 1 });
    state.install(snapshotOf({ A: 'one' }, 'infisical', START - 42_400));
    await scheduler.refresh();
    const error = failures.network();
    expect(logger.lines).toEqual([
      {
        level: 'warn',
        message: `Infisical refresh failed (attempt 1); keeping the last good values (42 s old), next attempt in 1 s. InfisicalUnreachableError: ${error.message}`,
      },
    ]);
    clock.jump(1_600);
    await scheduler.refresh();
    expect(logger.lines[1]).toEqual({
      level: 'debug',
      message: `Infisical refresh failed (attempt 2); keeping the last good values (44 s old), next attempt in 2 s. InfisicalUnreachableError: ${error.message}`,
    });
    pastRetry(clock, state);
    await scheduler.refresh();
    expect(logger.lines[2]!.level).toBe('warn');
    expect(logger.lines[2]!.message).toContain('(attempt 3)');
    expect(logger.lines[2]!.message).toContain('reset');
    pastRetry(clock, state);
    await scheduler.refresh();
    expect(logger.lines[3]).toEqual({ level: 'log', message: 'Infisical refresh recovered after 3 failed attempt(s); serving fresh values again.' });
    await scheduler.refresh();
    expect(logger.lines[4]!.level).toBe('warn');
    expect(logger.lines[4]!.message).toContain('(attempt 1)');
    expect(logger.lines).toHaveLength(5);
  });

  it('names an unknown age "?" and never a negative one', async () => {
    const { scheduler, state, logger, clock } = setup(new ScriptedLoader(failures.network()));
    await scheduler.refresh();
    expect(logger.lines[0]!.message).toContain('(? s old)');
    state.install(snapshotOf({ A: 'one' }, 'env', undefined));
    pastRetry(clock, state);
    await scheduler.refresh();
    state.install(snapshotOf({ A: 'one' }, 'infisical', START + 10_000));
    pastRetry(clock, state);
    await scheduler.refresh();
    expect(logger.lines.map((l) => l.message.match(/\((\S+) s old\)/)![1])).toEqual(['?', '?', '0']);
  });

  it('a good refresh after failures clears the failure state', async () => {
    const { scheduler, state, accepted, clock } = setup(new ScriptedLoader(failures.network(), failures.invalid(), fresh));
    await scheduler.refresh();
    pastRetry(clock, state);
    await scheduler.refresh();
    expect(state.failures).toBe(2);
    await expect(scheduler.refresh()).resolves.toBe(true);
    expect(state.failures).toBe(0);
    expect(state.transportFailures).toBe(0);
    expect(state.lastError).toBeUndefined();
    expect(accepted).toEqual([fresh]);
  });

  it('a good refresh logs nothing when nothing failed before', async () => {
    const { scheduler, logger } = setup(new ScriptedLoader(fresh));
    await scheduler.refresh();
    expect(logger.lines).toEqual([]);
  });

  it('an unexpected throw becomes an unusable answer', async () => {
    const { scheduler, state } = setup(new ScriptedLoader(new TypeError('x is not a function')));
    await scheduler.refresh();
    expect(state.lastError).toBeInstanceOf(InfisicalUnreachableError);
    expect(state.lastError!.message).toContain('an unexpected failure while reading the answer (TypeError: x is not a function)');
    expect(state.transportFailures).toBe(1);
  });
});

describe('RefreshScheduler: recordFailure', () => {
  it('counts, remembers, schedules the retry and returns its delay', () => {
    const { scheduler, clock, state } = setup(new ScriptedLoader(fresh), { random: 1 });
    expect(scheduler.recordFailure(failures.network())).toBe(1_000);
    expect(scheduler.recordFailure(failures.network())).toBe(2_000);
    expect(clock.pending).toEqual([2_000]);
    expect(state.nextRefreshAt).toBe(START + 2_000);
    const rejected = failures.invalid();
    expect(scheduler.recordFailure(rejected)).toBeCloseTo(66_000);
    expect(state.failures).toBe(3);
    expect(state.transportFailures).toBe(2);
    expect(state.lastError).toBe(rejected);
  });

  it('the retry it schedules refreshes', async () => {
    const loader = new ScriptedLoader(fresh);
    const { scheduler, clock, accepted } = setup(loader, { random: 1 });
    scheduler.recordFailure(failures.network());
    clock.advance(1_000);
    await flush();
    expect(accepted).toEqual([fresh]);
  });
});

describe('RefreshScheduler: onRefresh outcomes', () => {
  it('reports success, failure and rejection with their duration on the clock', async () => {
    const network = failures.network();
    const invalid = failures.invalid();
    const loader = new ScriptedLoader('hang', network, invalid);
    const { scheduler, clock, outcomes, state } = setup(loader);
    const run = scheduler.refresh();
    clock.jump(250);
    loader.pending[0]!.resolve(fresh);
    await run;
    await scheduler.refresh();
    pastRetry(clock, state);
    await scheduler.refresh();
    expect(outcomes).toEqual([
      { result: 'success', durationMs: 250 },
      { result: 'failure', durationMs: 0, error: network },
      { result: 'rejected', durationMs: 0, error: invalid },
    ]);
  });

  it('measures a failure from its start', async () => {
    const loader = new ScriptedLoader('hang');
    const { scheduler, clock, outcomes } = setup(loader);
    const run = scheduler.refresh();
    clock.jump(700);
    loader.pending[0]!.reject(failures.network());
    await run;
    expect(outcomes[0]!.durationMs).toBe(700);
  });

  it('works without a listener', async () => {
    const { scheduler } = setup(new ScriptedLoader(fresh, failures.network()), { withOutcomes: false });
    await expect(scheduler.refresh()).resolves.toBe(true);
    await expect(scheduler.refresh()).resolves.toBe(false);
  });
});

describe('RefreshScheduler: shutdown', () => {
  it('stop() clears the timers and aborts the lifetime signal with a shutdown error', () => {
    const { scheduler, clock, state } = setup(new ScriptedLoader(fresh));
    scheduler.scheduleRegular();
    scheduler.stop();
    expect(clock.pending).toEqual([]);
    expect(state.nextRefreshAt).toBeUndefined();
    expect(scheduler.signal.aborted).toBe(true);
    const reason = scheduler.signal.reason as InfisicalUnreachableError;
    expect(reason).toBeInstanceOf(InfisicalUnreachableError);
    expect(reason.reason).toBe('timeout');
    expect(reason.message).toContain('the application is shutting down');
    expect(reason.message).toContain(FAKE_TARGET.siteUrl);
  });

  it('a closed store neither loads nor schedules', async () => {
    const loader = new ScriptedLoader(fresh);
    const { scheduler, clock, state } = setup(loader);
    state.close();
    await expect(scheduler.refresh()).resolves.toBe(false);
    expect(loader.calls).toBe(0);
    scheduler.scheduleRegular();
    scheduler.recordFailure(failures.network());
    expect(clock.pending).toEqual([]);
    expect(state.nextRefreshAt).toBeUndefined();
  });

  it('a refresh that ends after the close changes nothing and reports nothing', async () => {
    const loader = new ScriptedLoader('hang', 'hang');
    const { scheduler, state, accepted, outcomes, logger, clock } = setup(loader);
    const good = scheduler.refresh();
    state.close();
    loader.pending[0]!.resolve(fresh);
    await expect(good).resolves.toBe(false);
    expect(accepted).toEqual([]);
    expect(state.refreshStartedAt).toBeUndefined();

    const { scheduler: other, state: otherState, outcomes: otherOutcomes } = setup(new ScriptedLoader('hang'));
    const bad = other.refresh();
    otherState.close();
    other.stop();
    await expect(bad).resolves.toBe(false);
    expect(otherState.failures).toBe(0);
    expect(otherOutcomes).toEqual([]);
    expect(outcomes).toEqual([]);
    expect(logger.lines).toEqual([]);
    expect(clock.pending).toEqual([]);
  });

  it('stop() cancels the load under way', async () => {
    const loader = new ScriptedLoader('hang');
    const { scheduler } = setup(loader);
    const run = scheduler.refresh();
    scheduler.stop();
    expect(loader.pending[0]!.signal.aborted).toBe(true);
    await expect(run).resolves.toBe(false);
  });
});

describe('asInfisicalError', () => {
  it('keeps a named error as it is', () => {
    const error = failures.network();
    expect(asInfisicalError(error, FAKE_TARGET)).toBe(error);
  });
  it('names anything else an invalid response, with a bounded detail', () => {
    const wrapped = asInfisicalError(new RangeError('r'.repeat(400)), FAKE_TARGET) as InfisicalUnreachableError;
    expect(wrapped).toBeInstanceOf(InfisicalUnreachableError);
    expect(wrapped.reason).toBe('invalid-response');
    expect(wrapped.what).toBe(`an unexpected failure while reading the answer (${`RangeError: ${'r'.repeat(400)}`.slice(0, 300)})`);
    expect((asInfisicalError('plain text', FAKE_TARGET) as InfisicalUnreachableError).what).toBe('an unexpected failure while reading the answer (plain text)');
  });
});
