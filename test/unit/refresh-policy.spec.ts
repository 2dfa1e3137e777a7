/**
 * One refresh policy for every trigger (TTL timer, webhook, fleet notice, `refresh()` / `refreshNow()`, `getAsync`):
 * single flight, Retry-After, back-off and the pause after a failure that needs a human. A change announced during a
 * hold is kept and served by the attempt at the hold's end — never dropped, never sent early.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { assembleSecretStore, type SecretStoreEnvironment } from '../../src/infisical/assembly/create-secret-store.js';
import { createFleet, joinFleet, type FleetParts } from '../../src/infisical/fleet/attach-fleet.js';
import { fleetKeys } from '../../src/infisical/fleet/fleet-keys.js';
import type { InfisicalModuleOptions } from '../../src/infisical/interfaces/infisical-module-options.interface.js';
import { infisicalOptionsFromEnv } from '../../src/infisical/options/options-from-env.js';
import { resolveInfisicalOptions } from '../../src/infisical/options/options.resolver.js';
import * as policy from '../../src/infisical/store/backoff.policy.js';
import type { RefreshCause, RefreshHold } from '../../src/infisical/store/backoff.policy.js';
import { RefreshScheduler } from '../../src/infisical/store/refresh.scheduler.js';
import { SecretStore } from '../../src/infisical/store/secret-store.js';
import type { ConfigValidator } from '../../src/infisical/config/config-validator.js';
import type { ResolvedInfisicalOptions } from '../../src/infisical/options/resolved-options.interface.js';
import { SecretRedactor } from '../../src/infisical/redaction/secret-redactor.js';
import { RecordingPublisher } from '../support/fakes/config-publisher.fake.js';
import { StoreStateOwner } from '../../src/infisical/store/store-state.js';
import { flushEventLoop, settledSoon } from '../support/deferred.js';
import { FAKE_TARGET, failures } from '../support/fakes/infisical-errors.fake.js';
import { FakeRedisServer } from '../support/fakes/redis-client.fake.js';
import { LOGIN_PATH, ScriptedInfisical } from '../support/fakes/scripted-infisical-fetch.fake.js';
import { ScriptedLoader } from '../support/fakes/scripted-loader.fake.js';
import { snapshotOf } from '../support/fakes/secret-snapshot.fake.js';
import { RecordingLogger } from '../support/fakes/store-logger.fake.js';
import { LogCapture } from '../support/log-capture.js';
import { ManualClock } from '../support/manual-clock.js';
import { signWebhookBody } from '../support/webhook-sender.js';

const START = Date.UTC(2026, 0, 1);
const fresh = snapshotOf({ A: 'one' }, 'infisical', START);
const flush = flushEventLoop;

function setup(loader: ScriptedLoader, random = 0.5) {
  const clock = new ManualClock(START);
  const state = new StoreStateOwner();
  const logger = new RecordingLogger();
  const scheduler = new RefreshScheduler({
    state,
    load: loader.load,
    accept: (snapshot) => state.install(snapshot),
    clock,
    random: () => random,
    ttlSeconds: 60,
    logger: logger.asLogger,
    target: FAKE_TARGET,
  });
  state.install(fresh);
  return { clock, state, logger, scheduler };
}

/** Calls `trigger` once a second for `count` seconds (the first at once); returns the promises. */
function everySecond<T>(clock: ManualClock, count: number, trigger: () => Promise<T>): Array<Promise<T>> {
  const answers: Array<Promise<T>> = [];
  for (let i = 0; i < count; i++) {
    if (i > 0) clock.advance(1_000);
    answers.push(trigger());
  }
  return answers;
}

/** The state of a promise once the queued work has run. */
async function outcome<T>(promise: Promise<T>): Promise<{ settled: false } | { settled: true; value: T }> {
  let seen: { settled: false } | { settled: true; value: T } = { settled: false };
  void promise.then((value) => (seen = { settled: true, value }));
  await flush();
  return seen;
}

describe('refresh policy: a change (webhook, fleet notice) during a hold', () => {
  it('after a 429 asking for 120 s, 10 changes in 10 s load nothing before the wait ends, then one load serves them all', async () => {
    const loader = new ScriptedLoader(failures.rateLimited(120), fresh);
    const { clock, scheduler, state } = setup(loader, 0.5);
    await scheduler.refresh();
    expect(clock.pending).toEqual([120_500]);
    const changes = everySecond(clock, 10, () => scheduler.refreshAfterChange());
    await flush();
    expect(loader.calls).toBe(1);
    clock.advance(120_500 - 9_000 - 1);
    await flush();
    expect(loader.calls).toBe(1);
    expect(await outcome(changes[0]!)).toEqual({ settled: false });
    clock.advance(1);
    await flush();
    expect(loader.calls).toBe(2);
    expect(await Promise.all(changes)).toEqual(Array(10).fill(true));
    expect(state.failures).toBe(0);
    expect(clock.pending).toEqual([60_000]);
  });

  it('after a failure that needs a human (login refused), changes load nothing until the 5 min pause ends', async () => {
    const loader = new ScriptedLoader(failures.authentication(), fresh);
    const { clock, scheduler } = setup(loader, 0);
    await scheduler.refresh();
    expect(clock.pending).toEqual([300_000]);
    const changes = everySecond(clock, 10, () => scheduler.refreshAfterChange());
    clock.advance(300_000 - 9_000 - 1);
    await flush();
    expect(loader.calls).toBe(1);
    clock.advance(1);
    expect(await Promise.all(changes)).toEqual(Array(10).fill(true));
    expect(loader.calls).toBe(2);
  });

  it('during the ordinary back-off a change waits for the retry instead of loading early', async () => {
    const loader = new ScriptedLoader(failures.network(), fresh);
    const { clock, scheduler } = setup(loader, 1);
    await scheduler.refresh();
    expect(clock.pending).toEqual([1_000]);
    const change = scheduler.refreshAfterChange();
    await flush();
    expect(loader.calls).toBe(1);
    clock.advance(1_000);
    await expect(change).resolves.toBe(true);
    expect(loader.calls).toBe(2);
  });

  it('after a rejected answer a change loads at once (it may announce the fix)', async () => {
    for (const error of [failures.invalid(), failures.permission()]) {
      const loader = new ScriptedLoader(error, fresh);
      const { clock, scheduler } = setup(loader);
      await scheduler.refresh();
      expect(clock.pending).toEqual([60_000]);
      await expect(settledSoon(scheduler.refreshAfterChange())).resolves.toBe(true);
      expect(loader.calls).toBe(2);
    }
  });

  it('without a failure a change loads at once, and a change during a refresh waits for it, then loads again', async () => {
    const loader = new ScriptedLoader(fresh, 'hang', fresh);
    const { scheduler } = setup(loader);
    await expect(settledSoon(scheduler.refreshAfterChange())).resolves.toBe(true);
    expect(loader.calls).toBe(1);
    const running = scheduler.refresh();
    const change = scheduler.refreshAfterChange();
    const again = scheduler.refreshAfterChange();
    await flush();
    expect(loader.calls).toBe(2);
    loader.pending[0]!.resolve(fresh);
    await running;
    await expect(settledSoon(change)).resolves.toBe(true);
    await expect(again).resolves.toBe(true);
    expect(loader.calls).toBe(3);
  });

  it('a change during a refresh that ends in a 429 is held for the wait that refresh asked for', async () => {
    const loader = new ScriptedLoader('hang', fresh);
    const { clock, scheduler } = setup(loader, 0);
    const running = scheduler.refresh();
    const change = scheduler.refreshAfterChange();
    loader.pending[0]!.reject(failures.rateLimited(30));
    await expect(running).resolves.toBe(false);
    await flush();
    expect(loader.calls).toBe(1);
    expect(await outcome(change)).toEqual({ settled: false });
    clock.advance(30_000);
    await expect(change).resolves.toBe(true);
    expect(loader.calls).toBe(2);
  });

  it('the attempt at the end of a hold that fails again answers the held changes false and holds the next ones', async () => {
    const loader = new ScriptedLoader(failures.rateLimited(10), failures.rateLimited(20), fresh);
    const { clock, scheduler } = setup(loader, 0);
    await scheduler.refresh();
    const held = scheduler.refreshAfterChange();
    clock.advance(10_000);
    await expect(held).resolves.toBe(false);
    expect(loader.calls).toBe(2);
    expect(clock.pending).toEqual([20_000]);
    const next = scheduler.refreshAfterChange();
    await flush();
    expect(loader.calls).toBe(2);
    clock.advance(20_000);
    await expect(next).resolves.toBe(true);
    expect(loader.calls).toBe(3);
  });

  it('during the back-off an explicit refresh waits for the retry as well, and shares it with the held changes', async () => {
    const loader = new ScriptedLoader(failures.network(), fresh);
    const { clock, scheduler } = setup(loader, 1);
    await scheduler.refresh();
    const held = scheduler.refreshAfterChange();
    const explicit = scheduler.refresh();
    const now = scheduler.refreshAfterCurrent();
    await flush();
    expect(loader.calls).toBe(1);
    expect(await outcome(explicit)).toEqual({ settled: false });
    clock.advance(1_000);
    expect(await Promise.all([held, explicit, now])).toEqual([true, true, true]);
    expect(loader.calls).toBe(2);
    expect(clock.pending).toEqual([66_000]);
  });

  it('a hold ends at its time, even when the retry timer runs late', async () => {
    const loader = new ScriptedLoader(failures.rateLimited(30), fresh);
    const { clock, scheduler } = setup(loader, 0);
    await scheduler.refresh();
    clock.jump(29_999);
    const early = scheduler.refreshAfterChange();
    await flush();
    expect(loader.calls).toBe(1);
    clock.jump(1);
    const due = scheduler.refreshAfterChange();
    await expect(settledSoon(due)).resolves.toBe(true);
    await expect(early).resolves.toBe(true);
    expect(loader.calls).toBe(2);
  });

  it('a retry timer that falls due while a refresh is under way starts no second one', async () => {
    const loader = new ScriptedLoader('hang', fresh);
    const { clock, scheduler } = setup(loader, 1);
    const running = scheduler.refresh();
    scheduler.recordFailure(failures.network());
    clock.advance(1_000);
    await flush();
    expect(loader.calls).toBe(1);
    loader.pending[0]!.resolve(fresh);
    await expect(running).resolves.toBe(true);
  });

  it('shutdown answers held changes false and loads nothing; a closed scheduler answers false', async () => {
    const loader = new ScriptedLoader(failures.rateLimited(30), fresh);
    const { clock, scheduler, state } = setup(loader);
    await scheduler.refresh();
    const held = scheduler.refreshAfterChange();
    await flush();
    state.close();
    scheduler.stop();
    await expect(settledSoon(held)).resolves.toBe(false);
    clock.advance(60_000);
    await expect(scheduler.refreshAfterChange()).resolves.toBe(false);
    expect(loader.calls).toBe(1);
  });
});

describe('refresh policy: refresh() / refreshNow() during a hold', () => {
  it.each([
    ['a 429 wait', failures.rateLimited(120), 120_500, 'InfisicalRateLimitError'],
    ['a 429 without Retry-After', failures.rateLimited(), 500, 'InfisicalRateLimitError'],
    ['the pause after a failure that needs a human', failures.authentication(), 300_000, 'InfisicalAuthenticationError'],
  ])('during %s: resolve false at once without a request, say why at debug, and the attempt at its end still runs', async (_name, error, waitMs, name) => {
    const loader = new ScriptedLoader(error, fresh);
    const { clock, scheduler, logger, state } = setup(loader);
    await scheduler.refresh();
    clock.advance(waitMs - 1);
    const lines = logger.lines.length;
    await expect(settledSoon(scheduler.refresh())).resolves.toBe(false);
    await expect(settledSoon(scheduler.refreshAfterCurrent())).resolves.toBe(false);
    expect(loader.calls).toBe(1);
    expect(state.failures).toBe(1);
    expect(logger.lines.slice(lines)).toEqual([
      { level: 'debug', message: `Infisical refresh not sent: retries wait after ${name} (next attempt in 1 s).` },
      { level: 'debug', message: `Infisical refresh not sent: retries wait after ${name} (next attempt in 1 s).` },
    ]);
    clock.advance(1);
    await flush();
    expect(loader.calls).toBe(2);
    expect(state.failures).toBe(0);
  });

  it('during a wait, a refresh under way is still joined', async () => {
    const loader = new ScriptedLoader(failures.rateLimited(5), 'hang');
    const { clock, scheduler } = setup(loader, 0);
    await scheduler.refresh();
    clock.advance(5_000);
    const running = scheduler.inflight!;
    expect(scheduler.refresh()).toBe(running);
    loader.pending[0]!.resolve(fresh);
    await expect(running).resolves.toBe(true);
  });

  it('after a rejected answer an explicit refresh loads at once (the fix may just have been made)', async () => {
    const loader = new ScriptedLoader(failures.invalid(), fresh);
    const { scheduler, clock } = setup(loader);
    await scheduler.refresh();
    expect(clock.pending).toEqual([60_000]);
    await expect(settledSoon(scheduler.refresh())).resolves.toBe(true);
    expect(loader.calls).toBe(2);
  });
});

describe('refresh policy: holdAfter and heldAs', () => {
  it('tells the holds apart', () => {
    expect(policy.holdAfter(failures.rateLimited(3))).toBe('server');
    expect(policy.holdAfter(failures.rateLimited())).toBe('server');
    expect(policy.holdAfter(failures.authentication())).toBe('human');
    expect(policy.holdAfter(failures.refused())).toBe('human');
    expect(policy.holdAfter(failures.network())).toBe('backoff');
    expect(policy.holdAfter(failures.invalid())).toBe('rejected');
    expect(policy.holdAfter(failures.permission())).toBe('rejected');
  });

  it('a change waits out every hold but a rejection; an explicit call is refused at once during the server wait and the human pause', () => {
    const holds: RefreshHold[] = ['rejected', 'backoff', 'server', 'human'];
    const table = (cause: RefreshCause) => holds.map((hold) => policy.heldAs(hold, cause));
    expect(table('change')).toEqual(['run', 'wait', 'wait', 'wait']);
    expect(table('explicit')).toEqual(['run', 'wait', 'refuse', 'refuse']);
  });
});

describe('refresh policy: fleet notices', () => {
  const ENV = {
    INFISICAL_CLIENT_ID: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    INFISICAL_CLIENT_SECRET: 'client-secret-of-the-fleet',
    INFISICAL_PROJECT_ID: 'p1',
    INFISICAL_ENVIRONMENT: 'prod',
    INFISICAL_REDIS_URL: 'redis://10.0.0.3:6379',
    INFISICAL_FLEET_KEY: 'fleet-key-from-the-secret-store-0123456789',
  };
  const BINDING = { siteUrl: 'https://app.infisical.com', sources: [{ projectId: 'p1', environment: 'prod', secretPath: '/' }] };

  it.each([
    ['a 429 wait', failures.rateLimited(120), 120_500],
    ['the ordinary back-off', failures.network(), 500],
    ['the pause after a failure that needs a human', failures.authentication(), 300_000],
  ])("other instances' notices during %s load nothing before it ends, then one load serves them", async (_name, error, waitMs) => {
    const loader = new ScriptedLoader(error, fresh);
    const { clock, scheduler } = setup(loader, 0.5);
    await scheduler.refresh();
    const server = new FakeRedisServer(clock);
    const say = () => undefined;
    const parts: FleetParts = {
      loader: { load: loader.load, fromAnswer: loader.fromAnswer },
      binding: BINDING,
      clock,
      metrics: { fleetRole: undefined },
      logger: { write: say, log: say, warn: say, warnOnce: say },
    };
    const fleet = (await createFleet(resolveInfisicalOptions(infisicalOptionsFromEnv(ENV)), parts, async () => server.connect()))!;
    const store = {
      refreshNow: () => scheduler.refreshAfterCurrent(),
      refreshAfterChange: () => scheduler.refreshAfterChange(),
      onClose: () => undefined,
    };
    await joinFleet(fleet, store as unknown as Pick<SecretStore, 'refreshAfterChange' | 'onClose'>, clock);
    const channel = fleetKeys('nestjs-infisical', BINDING).channel;
    const publisher = server.connect();
    for (let i = 0; i < 10; i++) {
      await publisher.publish(channel, JSON.stringify({ from: `instance-${i % 2}`, fetchedAt: clock.now() }));
      await flush();
      clock.advance(Math.min(1_000, (waitMs - 1) / 10));
    }
    await flush();
    expect(loader.calls).toBe(1);
    await clock.advanceAsync(waitMs, flush);
    expect(loader.calls).toBe(2);
    expect(server.listenerErrors).toEqual([]);
  });
});

describe('refresh policy: the assembled store (webhook and explicit calls)', () => {
  const WEBHOOK_SECRET = 'webhook-secret-value-1234567890';
  const OPTIONS: InfisicalModuleOptions = {
    siteUrl: 'https://infisical.example',
    projectId: 'project-1',
    environment: 'prod',
    secretPath: '/app',
    auth: { universalAuth: { clientId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', clientSecret: 'client-secret-value-0123456789abcdef' } },
    webhook: { secret: WEBHOOK_SECRET },
    cacheTtlSeconds: 300,
  };
  let clock: ManualClock;
  let infisical: ScriptedInfisical;
  const stores: SecretStore[] = [];

  beforeEach(() => {
    Logger.overrideLogger(new LogCapture(false));
    clock = new ManualClock();
    infisical = new ScriptedInfisical(clock);
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.onApplicationShutdown();
    Logger.overrideLogger(new ConsoleLogger());
  });

  async function start() {
    const context: SecretStoreEnvironment = { clock, credentials: [], configService: undefined, configHost: undefined, env: {}, random: () => 0.5 };
    const assembled = await assembleSecretStore({ fetch: infisical.fetch, ...OPTIONS }, context);
    stores.push(assembled.store);
    return { store: assembled.store, handler: assembled.webhook!.handler };
  }
  const settle = (store: SecretStore) => async () => {
    await flush();
    await store.whenSettled();
  };
  function delivery() {
    const at = clock.now();
    const project = { workspaceId: 'project-1', projectId: 'project-1', environment: 'prod', secretPath: '/app' };
    const body = JSON.stringify({ event: 'secrets.modified', project, timestamp: at });
    return { body, signature: signWebhookBody(body, WEBHOOK_SECRET, at) };
  }
  async function tenWebhooks(store: SecretStore, handler: { handle: (d: { body: string; signature: string }) => { status: number } }) {
    for (let i = 0; i < 10; i++) {
      expect(handler.handle(delivery()).status).toBe(200);
      await clock.advanceAsync(1_000, settle(store));
    }
  }

  it('after a 429 asking for 120 s, 10 signed webhooks in 10 s send no list before the 120 s end, and one after it', async () => {
    const { store, handler } = await start();
    infisical.down = { status: 429, body: { message: 'Rate limit exceeded. Please try again in 120 seconds' } };
    await store.refreshNow();
    const lists = infisical.lists.length;
    await tenWebhooks(store, handler);
    infisical.down = undefined;
    await clock.advanceAsync(120_000 - 10_000, settle(store));
    expect(infisical.lists).toHaveLength(lists);
    await clock.advanceAsync(1_000, settle(store));
    expect(infisical.lists).toHaveLength(lists + 1);
    expect(store.status().consecutiveFailures).toBe(0);
  });

  it('with the login refused, 10 signed webhooks make at most one login attempt', async () => {
    const { store, handler } = await start();
    const logins = infisical.logins;
    infisical.down = { status: 401, body: { message: 'Invalid credentials' } };
    await tenWebhooks(store, handler);
    expect(infisical.logins - logins).toBeLessThanOrEqual(1);
    expect(store.status().lastError).toMatch(/credentials|401/i);
  });

  it('refresh() and refreshNow() during a 429 wait resolve false at once, without a request', async () => {
    const { store } = await start();
    infisical.down = { status: 429, body: { message: 'Rate limit exceeded. Please try again in 120 seconds' } };
    await store.refresh();
    const sent = infisical.sent.length;
    infisical.down = undefined;
    await expect(settledSoon(store.refresh())).resolves.toBe(false);
    await expect(settledSoon(store.refreshNow())).resolves.toBe(false);
    expect(infisical.sent).toHaveLength(sent);
    expect(infisical.sent.filter((s) => s === LOGIN_PATH)).toHaveLength(1);
  });
});

describe('refresh policy: a disabled store', () => {
  it('refreshAfterChange without a scheduler: false before the first snapshot, true while served, false once closed', async () => {
    const state = new StoreStateOwner();
    const store = new SecretStore({
      options: {} as ResolvedInfisicalOptions,
      state,
      scheduler: undefined,
      session: undefined,
      publisher: new RecordingPublisher().asPublisher,
      validator: {} as ConfigValidator,
      cache: undefined,
      clock: new ManualClock(),
      redactor: new SecretRedactor(),
      logger: new RecordingLogger().asLogger,
      where: 'the process environment',
    });
    await expect(store.refreshAfterChange()).resolves.toBe(false);
    state.install(fresh);
    await expect(store.refreshAfterChange()).resolves.toBe(true);
    state.close();
    await expect(store.refreshAfterChange()).resolves.toBe(false);
  });

  it('refreshAfterChange answers like refresh (whether values are served)', async () => {
    const context: SecretStoreEnvironment = { clock: new ManualClock(), credentials: [], configService: undefined, configHost: undefined, env: {} };
    const { store } = await assembleSecretStore({ enabled: false }, context);
    await expect(store.refreshAfterChange()).resolves.toBe(true);
    store.onModuleDestroy();
    await expect(store.refreshAfterChange()).resolves.toBe(false);
  });
});
