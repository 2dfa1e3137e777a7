import { describe, expect, it, jest } from '@jest/globals';
import { InfisicalCacheError } from '../../src/infisical/errors/configuration.errors.js';
import { InfisicalStartupTimeoutError, InfisicalUnreachableError } from '../../src/infisical/errors/transport.errors.js';
import { loadAtStartup, type StartupDependencies, type StartupResult } from '../../src/infisical/store/startup.js';
import { FAKE_TARGET, failures } from '../support/fakes/infisical-errors.fake.js';
import { FakeLastKnownGood } from '../support/fakes/last-known-good.fake.js';
import { ScriptedLoader } from '../support/fakes/scripted-loader.fake.js';
import { snapshotOf } from '../support/fakes/secret-snapshot.fake.js';
import { ManualClock } from '../support/manual-clock.js';
import { flushEventLoop } from '../support/deferred.js';

const START = Date.UTC(2026, 0, 1);
const fresh = snapshotOf({ A: 'one' }, 'infisical', START);
const fromFile = snapshotOf({ A: 'old' }, 'cache', START - 60_000);
const SECOND = { ...FAKE_TARGET, environment: 'prod' };

function setup(loader: ScriptedLoader, options: { timeoutMs?: number; random?: number; cache?: FakeLastKnownGood } = {}) {
  const clock = new ManualClock(START);
  const lifetime = new AbortController();
  const deps: StartupDependencies = {
    loader: loader.asLoader,
    cache: options.cache?.asCache,
    clock,
    random: () => options.random ?? 1,
    startupTimeoutMs: options.timeoutMs ?? 10_000,
    lifetime: lifetime.signal,
    target: FAKE_TARGET,
    sources: [FAKE_TARGET, SECOND],
  };
  return { clock, lifetime, deps };
}

const flush = flushEventLoop;

/** The outcome of `promise`, without an unhandled rejection while the test moves the clock. */
async function settle(promise: Promise<StartupResult>): Promise<{ value?: StartupResult; error?: unknown }> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

describe('loadAtStartup: the first answer', () => {
  it('returns the first snapshot, asks for a diagnosis and leaves no timer behind', async () => {
    const loader = new ScriptedLoader(fresh);
    const { deps, clock } = setup(loader);
    await expect(loadAtStartup(deps)).resolves.toEqual({ snapshot: fresh });
    expect(loader.options).toEqual([{ diagnose: true }]);
    expect(loader.signals[0]!.aborted).toBe(false);
    expect(clock.pending).toEqual([]);
  });

  it('stops listening to the lifetime signal once done', async () => {
    const added: unknown[] = [];
    const removed: unknown[] = [];
    const lifetime = {
      aborted: false,
      reason: undefined,
      addEventListener: jest.fn((type: string, listener: unknown) => added.push([type, listener])),
      removeEventListener: jest.fn((type: string, listener: unknown) => removed.push([type, listener])),
    } as unknown as AbortSignal;
    const { deps } = setup(new ScriptedLoader(fresh));
    await loadAtStartup({ ...deps, lifetime });
    expect(added).toEqual([['abort', expect.any(Function)]]);
    expect(removed).toEqual(added);
    expect((removed[0] as unknown[])[1]).toBe((added[0] as unknown[])[1]);
  });

  it('keeps the process alive with the deadline timer', async () => {
    const loader = new ScriptedLoader('hang');
    const { deps, clock } = setup(loader, { timeoutMs: 4_000 });
    const setTimeout = jest.spyOn(clock, 'setTimeout');
    const run = settle(loadAtStartup(deps));
    expect(setTimeout.mock.calls[0]).toEqual([expect.any(Function), 4_000, { keepAlive: true }]);
    loader.pending[0]!.resolve(fresh);
    expect((await run).value).toEqual({ snapshot: fresh });
  });
});

describe('loadAtStartup: retries within the deadline', () => {
  it('retries transient trouble with exponential back-off (injected random)', async () => {
    const loader = new ScriptedLoader(failures.network(), new TypeError('unexpected'), fresh);
    const { deps, clock } = setup(loader, { random: 1 });
    const run = settle(loadAtStartup(deps));
    await flush();
    expect(loader.calls).toBe(1);
    expect(clock.pending).toEqual([1_000, 10_000]);
    clock.advance(1_000);
    await flush();
    expect(loader.calls).toBe(2);
    expect(clock.pending).toEqual([2_000, 9_000]);
    clock.advance(2_000);
    expect((await run).value).toEqual({ snapshot: fresh });
    expect(loader.calls).toBe(3);
    expect(clock.pending).toEqual([]);
  });

  it('gives up with the last error as soon as the next retry would not fit before the deadline', async () => {
    const error = failures.network('refused twice');
    const loader = new ScriptedLoader(failures.network(), error);
    const { deps, clock } = setup(loader, { random: 1, timeoutMs: 1_500 });
    const run = settle(loadAtStartup(deps));
    await flush();
    clock.advance(1_000);
    expect((await run).error).toBe(error);
    expect(loader.calls).toBe(2);
    expect(clock.now()).toBe(START + 1_000);
    expect(clock.pending).toEqual([]);
  });

  it('a retry landing exactly on the deadline does not fit; one just before it does', async () => {
    const tight = new ScriptedLoader(failures.network(), fresh);
    expect((await settle(loadAtStartup(setup(tight, { random: 1, timeoutMs: 1_000 }).deps))).error).toBeInstanceOf(InfisicalUnreachableError);
    expect(tight.calls).toBe(1);
    const roomy = new ScriptedLoader(failures.network(), fresh);
    const { deps, clock } = setup(roomy, { random: 1, timeoutMs: 1_001 });
    const run = settle(loadAtStartup(deps));
    await flush();
    clock.advance(1_000);
    expect((await run).value).toEqual({ snapshot: fresh });
  });

  it('fails at once on a definitive answer', async () => {
    for (const error of [failures.authentication(), failures.invalid(), failures.permission()]) {
      const loader = new ScriptedLoader(error, fresh);
      const { deps } = setup(loader);
      expect((await settle(loadAtStartup(deps))).error).toBe(error);
      expect(loader.calls).toBe(1);
    }
  });

  it('reports a start-up timeout naming every source when no attempt finished', async () => {
    const loader = new ScriptedLoader('hang');
    const { deps, clock } = setup(loader, { timeoutMs: 3_000 });
    const run = settle(loadAtStartup(deps));
    clock.advance(2_999);
    expect(loader.pending[0]!.signal.aborted).toBe(false);
    clock.advance(1);
    expect(loader.pending[0]!.signal.aborted).toBe(true);
    const { error } = await run;
    expect(error).toBeInstanceOf(InfisicalStartupTimeoutError);
    expect((error as InfisicalStartupTimeoutError).message).toContain('within startupTimeoutMs=3000 ms');
    expect((error as InfisicalStartupTimeoutError).message).toContain('prod');
  });

  it('reports the last failed attempt when the deadline cuts the next one short', async () => {
    const first = failures.network('first');
    const loader = new ScriptedLoader(first, 'hang');
    const { deps, clock } = setup(loader, { random: 1, timeoutMs: 3_000 });
    const run = settle(loadAtStartup(deps));
    await flush();
    clock.advance(1_000);
    await flush();
    expect(loader.calls).toBe(2);
    clock.advance(2_000);
    expect((await run).error).toBe(first);
  });
});

describe('loadAtStartup: the last-known-good fallback', () => {
  function withFile() {
    const cache = new FakeLastKnownGood();
    cache.stored = { fetchedAt: START - 60_000, secrets: [{ key: 'A', value: 'old', version: 3 }] };
    return cache;
  }

  it('stands in when Infisical cannot answer, validated like an answer', async () => {
    const error = failures.network();
    const loader = new ScriptedLoader(error);
    loader.cached = fromFile;
    const { deps } = setup(loader, { cache: withFile(), timeoutMs: 500 });
    expect((await settle(loadAtStartup(deps))).value).toEqual({ snapshot: fromFile, fallbackCause: error });
    expect(loader.fromAnswerCalls).toEqual([{ answer: [{ key: 'A', value: 'old', version: 3 }], source: 'cache', confirmedAt: START - 60_000 }]);
  });

  it('stands in at the deadline', async () => {
    const loader = new ScriptedLoader('hang');
    loader.cached = fromFile;
    const { deps, clock } = setup(loader, { cache: withFile(), timeoutMs: 2_000 });
    const run = settle(loadAtStartup(deps));
    clock.advance(2_000);
    const { value } = await run;
    expect(value!.snapshot).toBe(fromFile);
    expect(value!.fallbackCause).toBeInstanceOf(InfisicalStartupTimeoutError);
  });

  it('never hides a definitive answer behind the file', async () => {
    const error = failures.authentication();
    const loader = new ScriptedLoader(error);
    loader.cached = fromFile;
    const { deps } = setup(loader, { cache: withFile() });
    expect((await settle(loadAtStartup(deps))).error).toBe(error);
    expect(loader.fromAnswerCalls).toEqual([]);
  });

  it('adds why the file could not be used either', async () => {
    const cache = new FakeLastKnownGood();
    cache.stored = new InfisicalCacheError(cache.path, 'it was written for other sources');
    const error = failures.network();
    const { deps } = setup(new ScriptedLoader(error), { cache, timeoutMs: 500 });
    const { error: thrown } = await settle(loadAtStartup(deps));
    expect(thrown).toBe(error);
    expect(error.message).toContain(`\nThe last-known-good snapshot could not be used either: The last-known-good snapshot ${cache.path} was rejected: it was written for other sources.`);
  });

  it('adds why a file that fails validation could not be used, and names a foreign failure', async () => {
    const invalid = new ScriptedLoader(failures.network());
    invalid.cached = failures.invalid('B');
    const { error } = await settle(loadAtStartup(setup(invalid, { cache: withFile(), timeoutMs: 500 }).deps));
    expect((error as Error).message).toContain('The last-known-good snapshot could not be used either: Configuration for');
    expect((error as Error).message).toContain('B');

    const cache = new FakeLastKnownGood();
    cache.stored = 'disk on fire';
    const { error: foreign } = await settle(loadAtStartup(setup(new ScriptedLoader(failures.network()), { cache, timeoutMs: 500 }).deps));
    expect((foreign as Error).message).toMatch(/could not be used either: disk on fire$/);
  });
});

describe('loadAtStartup: shutdown', () => {
  it('stops at once when the application shuts down, even with a file', async () => {
    const loader = new ScriptedLoader(failures.network());
    loader.cached = fromFile;
    const cache = new FakeLastKnownGood();
    cache.stored = { fetchedAt: START, secrets: [] };
    const { deps, clock, lifetime } = setup(loader, { cache, random: 1 });
    const run = settle(loadAtStartup(deps));
    await flush();
    expect(clock.pending).toEqual([1_000, 10_000]);
    const reason = new InfisicalUnreachableError(FAKE_TARGET, 'timeout', 'the application is shutting down');
    lifetime.abort(reason);
    expect((await run).error).toBe(reason);
    expect(loader.fromAnswerCalls).toEqual([]);
    expect(clock.pending).toEqual([]);
    expect(loader.calls).toBe(1);
  });

  it('cancels the load under way', async () => {
    const loader = new ScriptedLoader('hang');
    const { deps, lifetime } = setup(loader);
    const run = settle(loadAtStartup(deps));
    lifetime.abort(new InfisicalUnreachableError(FAKE_TARGET, 'timeout', 'the application is shutting down'));
    expect(loader.pending[0]!.signal.aborted).toBe(true);
    expect((await run).error).toBeInstanceOf(InfisicalUnreachableError);
  });
});
