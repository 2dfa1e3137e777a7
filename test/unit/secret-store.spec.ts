import { describe, expect, it, jest } from '@jest/globals';
import { inspect } from 'node:util';
import type { AccessTokenSession } from '../../src/infisical/auth/access-token.session.js';
import { ConfigValidator } from '../../src/infisical/config/config-validator.js';
import { registerSecretsAs } from '../../src/infisical/config/register-secrets-as.js';
import { InfisicalConfigValidationError, InfisicalSecretNotFoundError } from '../../src/infisical/errors/configuration.errors.js';
import type { ResolvedInfisicalOptions } from '../../src/infisical/options/resolved-options.interface.js';
import { SecretRedactor } from '../../src/infisical/redaction/secret-redactor.js';
import type { RefreshScheduler } from '../../src/infisical/store/refresh.scheduler.js';
import { SecretStore } from '../../src/infisical/store/secret-store.js';
import { StoreStateOwner } from '../../src/infisical/store/store-state.js';
import { RecordingPublisher } from '../support/fakes/config-publisher.fake.js';
import { failures } from '../support/fakes/infisical-errors.fake.js';
import { FakeLastKnownGood } from '../support/fakes/last-known-good.fake.js';
import { snapshotOf } from '../support/fakes/secret-snapshot.fake.js';
import { RecordingLogger } from '../support/fakes/store-logger.fake.js';
import { ManualClock } from '../support/manual-clock.js';
import { flushEventLoop } from '../support/deferred.js';

const START = Date.UTC(2026, 0, 1);
const WHERE = 'Infisical environment "dev" (project p, path "/")';

/** A scheduler stand-in: records what the store asks of it. */
class FakeScheduler {
  inflight: Promise<boolean> | undefined;
  readonly refresh = jest.fn(() => this.answer);
  readonly refreshAfterCurrent = jest.fn(() => this.answer);
  readonly stop = jest.fn();
  answer: Promise<boolean> = Promise.resolve(true);
}

function setup(options: Partial<ResolvedInfisicalOptions> = {}, parts: { scheduler?: FakeScheduler | null; cache?: FakeLastKnownGood | null; session?: AccessTokenSession } = {}) {
  const clock = new ManualClock(START);
  const state = new StoreStateOwner();
  const publisher = new RecordingPublisher();
  const logger = new RecordingLogger();
  const redactor = new SecretRedactor();
  const scheduler = parts.scheduler === null ? undefined : (parts.scheduler ?? new FakeScheduler());
  const cache = parts.cache === null ? undefined : (parts.cache ?? new FakeLastKnownGood());
  const resolved = {
    enabled: true,
    sources: [{ siteUrl: 'http://127.0.0.1:1', projectId: 'p', environment: 'dev', secretPath: '/', recursive: false, includeImports: true }],
    cacheTtlSeconds: 60,
    maxStaleSeconds: 0,
    requestTimeoutMs: 10_000,
    healthMaxKeys: 100,
    revokeTokenOnShutdown: false,
    ...options,
  } as ResolvedInfisicalOptions;
  const validator = new ConfigValidator(undefined, [], [], resolved.enabled ? WHERE : undefined);
  jest.spyOn(validator, 'require');
  const store = new SecretStore({
    options: resolved,
    state,
    scheduler: scheduler as unknown as RefreshScheduler | undefined,
    session: parts.session,
    publisher: publisher.asPublisher,
    validator,
    cache: cache?.asCache,
    clock,
    redactor,
    logger: logger.asLogger,
    where: WHERE,
  });
  return { store, clock, state, publisher, logger, redactor, validator, scheduler, cache };
}

const flush = flushEventLoop;

describe('SecretStore: reads', () => {
  it('answers nothing before the first snapshot', () => {
    const { store } = setup();
    expect(store.get('A')).toBeUndefined();
    expect(store.has('A')).toBe(false);
    expect(store.keys()).toEqual([]);
    expect(store.keyInfo()).toEqual({});
    expect(store.configuration()).toEqual({});
    expect(() => store.getOrThrow('A')).toThrow(InfisicalSecretNotFoundError);
  });

  it('reads the installed snapshot in memory', () => {
    const { store } = setup();
    const snapshot = snapshotOf({ A: 'one', B: 'two' }, 'infisical', START);
    store.install(snapshot);
    expect(store.get('A')).toBe('one');
    expect(store.getOrThrow('B')).toBe('two');
    expect(store.has('B')).toBe(true);
    expect(store.has('C')).toBe(false);
    expect(store.keys()).toEqual(['A', 'B']);
    expect(store.configuration()).toBe(snapshot.values);
    expect(store.keyInfo()).toBe(snapshot.keys);
    expect(store.where).toBe(WHERE);
  });

  it('getOrThrow names the key and where it was looked for', () => {
    const { store } = setup();
    store.install(snapshotOf({ A: 'one' }, 'infisical', START));
    expect(() => store.getOrThrow('MISSING')).toThrow(`Secret "MISSING" is not available in ${WHERE}.`);
  });
});

describe('SecretStore: install and accept', () => {
  it('install publishes every key at once, without change events, and saves the answer', () => {
    const { store, publisher, cache, clock } = setup();
    const listener = jest.fn();
    store.onChange(listener);
    clock.jump(7);
    const snapshot = snapshotOf({ A: 'one' }, 'infisical', START);
    store.install(snapshot);
    expect(publisher.calls).toEqual([{ method: 'initial', keys: ['A'], values: snapshot.values }]);
    expect(listener).not.toHaveBeenCalled();
    expect(cache!.writes).toEqual([{ snapshot: { fetchedAt: START, secrets: [...snapshot.answer] }, savedAt: START + 7 }]);
  });

  it('saves only answers from Infisical with a confirmation time, and only with a file configured', () => {
    const { store, cache } = setup();
    store.install(snapshotOf({ A: 'one' }, 'cache', START));
    store.install(snapshotOf({ A: 'one' }, 'env', undefined));
    store.install(snapshotOf({ A: 'one' }, 'infisical', undefined));
    expect(cache!.writes).toEqual([]);
    const { store: without, publisher } = setup({}, { cache: null });
    without.install(snapshotOf({ A: 'one' }, 'infisical', START));
    expect(publisher.calls).toHaveLength(1);
  });

  it('warns when the file cannot be written', () => {
    const { store, cache, logger } = setup();
    store.install(snapshotOf({ A: 'one' }, 'infisical', START));
    cache!.failWrites(new Error('disk full'));
    expect(logger.lines).toEqual([{ level: 'warn', message: `Could not write the last-known-good snapshot ${cache!.path}: disk full` }]);
  });

  it('accept installs, saves and announces the changed keys', () => {
    const { store, publisher, cache, state, logger } = setup();
    store.install(snapshotOf({ A: 'one', B: 'two' }, 'infisical', START));
    const listener = jest.fn();
    store.onChange(listener);
    const next = snapshotOf({ A: 'uno', B: 'two', C: 'three' }, 'infisical', START + 1, 2);
    store.accept(next);
    expect(state.snapshot).toBe(next);
    expect(store.get('A')).toBe('uno');
    expect(listener).toHaveBeenCalledWith(new Set(['A', 'C']));
    expect(publisher.calls[1]).toEqual({ method: 'changes', keys: ['A', 'C'], values: next.values });
    expect(cache!.writes).toHaveLength(2);
    expect(logger.at('log')).toEqual(['Infisical refresh: 2 key(s) changed: A (v2), C (v2)']);
  });

  it('accept without a change announces nothing', () => {
    const { store, publisher, logger } = setup();
    store.install(snapshotOf({ A: 'one' }, 'infisical', START));
    const listener = jest.fn();
    store.onChange(listener);
    store.accept(snapshotOf({ A: 'one' }, 'infisical', START + 1));
    expect(listener).not.toHaveBeenCalled();
    expect(publisher.calls).toHaveLength(1);
    expect(logger.lines).toEqual([]);
  });

  it('onChange returns the unsubscribe function', () => {
    const { store } = setup();
    store.install(snapshotOf({ A: 'one' }, 'infisical', START));
    const listener = jest.fn();
    const unsubscribe = store.onChange(listener);
    unsubscribe();
    store.accept(snapshotOf({ A: 'two' }, 'infisical', START));
    expect(listener).not.toHaveBeenCalled();
  });
});

describe('SecretStore: status', () => {
  it('reports the state of the store, masked, from the clock', () => {
    const { store, state, redactor, clock } = setup({ maxStaleSeconds: 30 });
    redactor.add('secrets', 'value-one');
    store.install(snapshotOf({ A: 'value-one', B: 'two' }, 'infisical', START));
    expect(store.status()).toMatchObject({ state: 'up', enabled: true, source: 'infisical', keyCount: 2, consecutiveFailures: 0 });
    state.recordFailure(failures.network('echoed value-one'), true);
    state.scheduleAt(START + 5_000);
    clock.jump(31_000);
    const status = store.status();
    expect(status.state).toBe('down');
    expect(status.snapshotAgeSeconds).toBe(31);
    expect(status.lastError).toContain('echoed [REDACTED]');
    expect(status.lastError).not.toContain('value-one');
    expect(status.nextRefreshAt).toBe(new Date(START + 5_000).toISOString());
    expect(status.environment).toBe('dev');
  });

  it('passes the request timeout, key limit and enabled flag', () => {
    const { store, state, clock } = setup({ enabled: false, healthMaxKeys: 1, requestTimeoutMs: 1_000 });
    store.install(snapshotOf({ A: 'one', B: 'two' }, 'infisical', START));
    state.refreshStarted(START);
    clock.jump(1_001);
    const status = store.status();
    expect(status.enabled).toBe(false);
    expect(status.state).toBe('degraded');
    expect(Object.keys(status.keys)).toEqual(['A']);
    expect(status.keysOmitted).toBe(1);
  });

  it('prints names and counts, never values', () => {
    const { store } = setup();
    store.install(snapshotOf({ A: 'value-one', B: 'value-two' }, 'infisical', START));
    expect(String(store)).toBe('SecretStore(up, infisical, 2 keys, values redacted)');
    expect(inspect(store)).toBe('SecretStore(up, infisical, 2 keys, values redacted)');
    const json = store.toJSON() as Record<string, unknown>;
    expect(json.keys).toEqual(['A', 'B']);
    expect(json.state).toBe('up');
    expect(json.keyCount).toBe(2);
    expect(JSON.stringify(store)).not.toContain('value-');
  });
});

describe('SecretStore: required keys and namespaces', () => {
  it('requireKeys registers the keys for later refreshes and names the missing ones', () => {
    const { store, validator } = setup();
    store.install(snapshotOf({ A: 'one' }, 'infisical', START));
    store.requireKeys(['A'], 'FeatureModule');
    expect(validator.require).toHaveBeenCalledWith(['A'], 'required by FeatureModule');
    let thrown: unknown;
    try {
      store.requireKeys(['A', 'B', 'C'], 'FeatureModule');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InfisicalConfigValidationError);
    const error = thrown as InfisicalConfigValidationError;
    expect(error.where).toBe(WHERE);
    expect(error.issues).toEqual([
      { key: 'B', kind: 'missing', messages: ['not set', 'required by FeatureModule'], fix: `add B to ${WHERE}, or set it in the process environment / .env` },
      { key: 'C', kind: 'missing', messages: ['not set', 'required by FeatureModule'], fix: `add C to ${WHERE}, or set it in the process environment / .env` },
    ]);
    expect(validator.require).toHaveBeenLastCalledWith(['A', 'B', 'C'], 'required by FeatureModule');
  });

  it('requireKeys before the first snapshot names the keys as missing', () => {
    const { store } = setup();
    expect(() => store.requireKeys(['A'], 'FeatureModule')).toThrow(InfisicalConfigValidationError);
  });

  it('names the process environment when Infisical is disabled', () => {
    const { store } = setup({ enabled: false });
    store.install(snapshotOf({}, 'env', undefined));
    expect(() => store.requireKeys(['B'], 'X')).toThrow('set B in the process environment or .env');
  });

  it('namespace builds a live object from the values, requires what it read and follows refreshes', () => {
    const { store, validator, publisher } = setup();
    store.install(snapshotOf({ A: 'one' }, 'infisical', START));
    const db = store.namespace(registerSecretsAs('db', (s) => ({ url: s.A as string })));
    expect(db).toEqual({ url: 'one' });
    expect(validator.require).toHaveBeenCalledWith(['A'], "required by registerSecretsAs('db')");
    expect(publisher.calls.map((c) => c.method)).toEqual(['initial', 'namespace']);
    store.accept(snapshotOf({ A: 'two' }, 'infisical', START));
    expect(db.url).toBe('two');
  });
});

describe('SecretStore: refresh triggers', () => {
  it('refresh and refreshNow go through the scheduler', async () => {
    const { store, scheduler } = setup();
    scheduler!.answer = Promise.resolve(false);
    await expect(store.refresh()).resolves.toBe(false);
    expect(scheduler!.refresh).toHaveBeenCalledTimes(1);
    await expect(store.refreshNow()).resolves.toBe(false);
    expect(scheduler!.refreshAfterCurrent).toHaveBeenCalledTimes(1);
    expect(scheduler!.refresh).toHaveBeenCalledTimes(1);
  });

  it('without a scheduler, report whether values are served', async () => {
    const { store } = setup({ enabled: false }, { scheduler: null });
    await expect(store.refresh()).resolves.toBe(false);
    await expect(store.refreshNow()).resolves.toBe(false);
    store.install(snapshotOf({ A: 'one' }, 'env', undefined));
    await expect(store.refresh()).resolves.toBe(true);
    await expect(store.refreshNow()).resolves.toBe(true);
    store.onModuleDestroy();
    await expect(store.refresh()).resolves.toBe(false);
    await expect(store.refreshNow()).resolves.toBe(false);
  });

  it('getAsync with a TTL answers from memory and refreshes in the background once overdue', async () => {
    const { store, scheduler, state, clock } = setup({ cacheTtlSeconds: 60 });
    store.install(snapshotOf({ A: 'one' }, 'infisical', START));
    scheduler!.answer = new Promise(() => undefined);
    state.scheduleAt(START + 1_000);
    await expect(store.getAsync('A')).resolves.toBe('one');
    expect(scheduler!.refresh).not.toHaveBeenCalled();
    clock.jump(1_000);
    await expect(store.getAsync('A')).resolves.toBe('one');
    expect(scheduler!.refresh).toHaveBeenCalledTimes(1);
    state.scheduleAt(undefined);
    await store.getAsync('A');
    expect(scheduler!.refresh).toHaveBeenCalledTimes(2);
  });

  it('getAsync with a TTL of 0 fetches first while healthy, and while retrying only once the retry is due', async () => {
    const { store, scheduler, state, clock } = setup({ cacheTtlSeconds: 0 });
    store.install(snapshotOf({ A: 'one' }, 'infisical', START));
    let answer!: (fresh: boolean) => void;
    scheduler!.answer = new Promise((resolve) => (answer = resolve));
    state.scheduleAt(START + 60_000);
    const read = store.getAsync('A');
    let done = false;
    void read.then(() => (done = true));
    await flush();
    expect(done).toBe(false);
    answer(true);
    await expect(read).resolves.toBe('one');
    expect(scheduler!.refresh).toHaveBeenCalledTimes(1);

    state.recordFailure(failures.network(), true);
    await store.getAsync('A');
    expect(scheduler!.refresh).toHaveBeenCalledTimes(1);
    clock.jump(60_000);
    await store.getAsync('A');
    expect(scheduler!.refresh).toHaveBeenCalledTimes(2);
  });

  it('getAsync neither refreshes without a scheduler nor once closed', async () => {
    const { store } = setup({}, { scheduler: null });
    store.install(snapshotOf({ A: 'one' }, 'infisical', START));
    await expect(store.getAsync('A')).resolves.toBe('one');
    const closed = setup();
    closed.store.install(snapshotOf({ A: 'one' }, 'infisical', START));
    closed.store.onModuleDestroy();
    await expect(closed.store.getAsync('A')).resolves.toBe('one');
    expect(closed.scheduler!.refresh).not.toHaveBeenCalled();
  });

  it('whenSettled waits for the refresh under way and the file write, without starting anything', async () => {
    const { store, scheduler, cache } = setup();
    await store.whenSettled();
    let finish!: (fresh: boolean) => void;
    scheduler!.inflight = new Promise<boolean>((resolve) => (finish = resolve)).finally(() => (scheduler!.inflight = undefined));
    store.install(snapshotOf({ A: 'one' }, 'infisical', START));
    let settled = false;
    const waiting = store.whenSettled().then(() => (settled = true));
    await flush();
    expect(settled).toBe(false);
    finish(true);
    await flush();
    expect(settled).toBe(false);
    cache!.finishWrites();
    await waiting;
    expect(settled).toBe(true);
    expect(scheduler!.refresh).not.toHaveBeenCalled();
  });
});

describe('SecretStore: whenSettled with one part missing', () => {
  it('without a scheduler, waits for the file write alone', async () => {
    const { store, cache } = setup({ enabled: false }, { scheduler: null });
    store.install(snapshotOf({ A: 'one' }, 'infisical', START));
    let settled = false;
    const waiting = store.whenSettled().then(() => (settled = true));
    await flush();
    expect(settled).toBe(false);
    cache!.finishWrites();
    await waiting;
  });

  it('without a file, waits for the refresh under way alone', async () => {
    const { store, scheduler } = setup({}, { cache: null });
    let finish!: (fresh: boolean) => void;
    scheduler!.inflight = new Promise<boolean>((resolve) => (finish = resolve)).finally(() => (scheduler!.inflight = undefined));
    let settled = false;
    const waiting = store.whenSettled().then(() => (settled = true));
    await flush();
    expect(settled).toBe(false);
    finish(true);
    await waiting;
  });

  it('with neither, resolves at once', async () => {
    await setup({ enabled: false }, { scheduler: null, cache: null }).store.whenSettled();
  });
});

describe('SecretStore: shutdown', () => {
  it('onModuleDestroy closes once: stops the scheduler and runs the closers', async () => {
    const { store, scheduler, state } = setup();
    const closer = jest.fn<() => void>();
    store.onClose(closer);
    store.onModuleDestroy();
    store.onModuleDestroy();
    expect(state.closed).toBe(true);
    expect(scheduler!.stop).toHaveBeenCalledTimes(1);
    await flush();
    expect(closer).toHaveBeenCalledTimes(1);
  });

  it('onApplicationShutdown waits for the closers and the file write; a failing closer does not stop it', async () => {
    const { store, cache } = setup();
    store.install(snapshotOf({ A: 'one' }, 'infisical', START));
    const order: string[] = [];
    let closeMetrics!: () => void;
    store.onClose(() => new Promise<void>((resolve) => (closeMetrics = () => (order.push('metrics'), resolve()))));
    store.onClose(() => {
      throw new Error('webhook already closed');
    });
    const shutdown = store.onApplicationShutdown().then(() => order.push('done'));
    await flush();
    closeMetrics();
    await flush();
    expect(order).toEqual(['metrics']);
    cache!.finishWrites();
    await shutdown;
    expect(order).toEqual(['metrics', 'done']);
  });

  it('revokes the access token within 2 s when asked to, and only then', async () => {
    const revoke = jest.fn((signal: AbortSignal) => new Promise<void>((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('revoke aborted')))));
    const session = { revoke } as unknown as AccessTokenSession;
    const { store, clock, logger } = setup({ revokeTokenOnShutdown: true }, { session, cache: null });
    const shutdown = store.onApplicationShutdown();
    await flush();
    expect(revoke).toHaveBeenCalledTimes(1);
    clock.advance(1_999);
    await flush();
    expect(logger.lines).toEqual([]);
    clock.advance(1);
    await shutdown;
    expect(logger.lines).toEqual([{ level: 'warn', message: 'Could not revoke the Infisical access token: revoke aborted' }]);

    const kept = jest.fn(async () => undefined);
    const other = setup({ revokeTokenOnShutdown: false }, { session: { revoke: kept } as unknown as AccessTokenSession });
    await other.store.onApplicationShutdown();
    expect(kept).not.toHaveBeenCalled();
    await setup({ revokeTokenOnShutdown: true }, { session: undefined }).store.onApplicationShutdown();
  });
});
