/** The fleet coordinator on an in-memory Redis and a ManualClock: lease, follow, wait, back-off, Redis loss, notices. */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { InfisicalRateLimitError } from '../../src/infisical/errors/transport.errors.js';
import { FleetCoordinator, type FleetCoordinatorDependencies } from '../../src/infisical/fleet/fleet-coordinator.js';
import { fleetKeys } from '../../src/infisical/fleet/fleet-keys.js';
import { RedisUnavailableError, type FleetRedis } from '../../src/infisical/fleet/redis-connection.js';
import type { FleetRole } from '../../src/infisical/metrics/metric-names.js';
import { SecretSnapshot, type AnswerSecret } from '../../src/infisical/store/secret-snapshot.js';
import { FLEET_SNAPSHOT, MAX_FLEET_SNAPSHOT_BYTES, type FleetKeyring } from '../../src/infisical/fleet/fleet-envelope.js';
import { MAX_BACKOFF_BYTES, sealBackoff } from '../../src/infisical/fleet/shared-backoff.js';
import { openSnapshot, sealSnapshot } from '../../src/infisical/store/snapshot-envelope.js';
import { FakeRedisServer } from '../support/fakes/redis-client.fake.js';
import { ManualClock } from '../support/manual-clock.js';
import { flushEventLoop, settledSoon } from '../support/deferred.js';

const SOURCE = { projectId: 'p-1', environment: 'prod', secretPath: '/' };
const BINDING = { siteUrl: 'https://infisical.example', sources: [SOURCE] };
const TARGET = { ...SOURCE, siteUrl: BINDING.siteUrl };
const KEY_MATERIAL = 'fleet-key-material-0123456789abcdef';
const KEYRING: FleetKeyring = [KEY_MATERIAL];
const TTL = 60_000;
const WAIT = 5_000;
const ANSWER: AnswerSecret[] = [{ key: 'API_KEY', value: 'from-infisical', version: 3 }];
const KEYS = fleetKeys('unit', BINDING);
const REDIS_DOWN = 'Redis is unavailable for fleet coordination (Redis is not connected); this instance reads Infisical itself until it is back.';
const REJOINED = 'Redis is reachable again: this instance rejoins the fleet.';

const snapshotOf = (answer: readonly AnswerSecret[], confirmedAt: number | undefined, source: 'infisical' | 'cache' = 'infisical') =>
  new SecretSnapshot(
    { values: Object.fromEntries(answer.map((s) => [s.key, s.value])), keys: Object.fromEntries(answer.map((s) => [s.key, { source, version: s.version }])) },
    source,
    confirmedAt,
    answer,
  );

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** `real` with some commands replaced. */
function delegate(real: FleetRedis, patch: Partial<FleetRedis>): FleetRedis {
  return {
    get ready() {
      return real.ready;
    },
    getBounded: (key, maxBytes) => real.getBounded(key, maxBytes),
    setIfAbsent: (key, value, ttlMs) => real.setIfAbsent(key, value, ttlMs),
    set: (key, value, ttlMs) => real.set(key, value, ttlMs),
    publish: (channel, message) => real.publish(channel, message),
    subscribe: (channel, listener) => real.subscribe(channel, listener),
    close: () => real.close(),
    ...patch,
  };
}

const flush = flushEventLoop;

const settled = settledSoon;

/** A loader that reads "Infisical" (`answer` at the clock's now), or waits for a gate set with `hold()`. */
class FakeLoader {
  readonly loads: Array<{ signal: AbortSignal; options: { diagnose: boolean } }> = [];
  readonly validated: Array<{ answer: readonly AnswerSecret[]; source: string; confirmedAt: number }> = [];
  #gate: Promise<void> | undefined;

  constructor(private readonly clock: ManualClock) {}

  /** The next loads wait until `release()`, or reject with what `fail()` gives. */
  hold() {
    const gate = deferred();
    this.#gate = gate.promise;
    return { release: () => gate.resolve(), fail: (error: unknown) => gate.reject(error) };
  }

  readonly load = async (signal: AbortSignal, options: { diagnose: boolean }): Promise<SecretSnapshot> => {
    this.loads.push({ signal, options });
    if (this.#gate) await this.#gate;
    return snapshotOf(ANSWER, this.clock.now());
  };

  readonly fromAnswer = async (answer: readonly AnswerSecret[], source: 'infisical' | 'cache', confirmedAt: number): Promise<SecretSnapshot> => {
    this.validated.push({ answer, source, confirmedAt });
    return snapshotOf(answer, confirmedAt, source);
  };
}

class FakeLogger {
  readonly lines: Array<{ level: string; text: string }> = [];
  log(text: string) {
    this.lines.push({ level: 'log', text });
  }
  warn(text: string) {
    this.lines.push({ level: 'warn', text });
  }
  warnOnce(text: string) {
    this.lines.push({ level: 'warnOnce', text });
  }
  of(level: string): string[] {
    return this.lines.filter((l) => l.level === level).map((l) => l.text);
  }
}

describe('FleetCoordinator', () => {
  let clock: ManualClock;
  let server: FakeRedisServer;
  const signal = new AbortController().signal;

  beforeEach(() => {
    clock = new ManualClock();
    server = new FakeRedisServer(clock);
  });
  afterEach(() => {
    expect(server.listenerErrors).toEqual([]);
  });

  /** One instance of the fleet: its coordinator, loader, log, metrics and connection. */
  function instance(patch: Partial<FleetCoordinatorDependencies> = {}) {
    const loader = new FakeLoader(clock);
    const logger = new FakeLogger();
    const metrics: { fleetRole: FleetRole | undefined } = { fleetRole: undefined };
    const redis = server.connect();
    const notices: number[] = [];
    const coordinator = new FleetCoordinator({
      redis,
      keys: KEYS,
      binding: BINDING,
      keyring: KEYRING,
      loader,
      clock,
      ttlMs: TTL,
      metrics,
      logger,
      target: TARGET,
      followerWaitMs: WAIT,
      ...patch,
    });
    const listen = () => coordinator.listen(() => void notices.push(clock.now()));
    return { coordinator, loader, logger, metrics, redis, notices, listen };
  }

  const published = () => openSnapshot(server.value(KEYS.snapshot)!, KEY_MATERIAL, BINDING, FLEET_SNAPSHOT);
  const seedSnapshot = (fetchedAt: number, material = KEY_MATERIAL, binding = BINDING) =>
    server.seed(KEYS.snapshot, sealSnapshot({ fetchedAt, secrets: ANSWER }, material, binding, fetchedAt, FLEET_SNAPSHOT), TTL * 10);
  const seedBackoff = (until: number, ttlMs = until - clock.now()) => server.seed(KEYS.backoff, sealBackoff(until, KEYS.backoff, KEYRING), ttlMs);
  const window = () => Math.floor(clock.now() / TTL);
  /** Messages on the refresh channel, parsed. */
  function channel() {
    const messages: Array<Record<string, unknown>> = [];
    void server.connect().subscribe(KEYS.channel, (m) => messages.push(JSON.parse(m) as Record<string, unknown>));
    return messages;
  }

  describe('the lease holder', () => {
    it('wins the window lease (SET NX PX 2 TTL), reads Infisical once and publishes the snapshot for 10 TTL', async () => {
      const a = instance();
      const messages = channel();
      const snapshot = await settled(a.coordinator.load(signal));

      expect(a.loader.loads).toEqual([{ signal, options: { diagnose: false } }]);
      expect(snapshot.get('API_KEY')).toBe('from-infisical');
      expect(a.metrics.fleetRole).toBe('leader');
      expect(a.coordinator.role).toBe('leader');
      expect(server.value(KEYS.lease(window()))).toMatch(/^[0-9a-f-]{36}$/);
      expect(server.pttl(KEYS.lease(window()))).toBe(2 * TTL);
      expect(server.pttl(KEYS.snapshot)).toBe(10 * TTL);
      expect(published()).toEqual({ fetchedAt: clock.now(), secrets: ANSWER });
      expect(JSON.parse(server.value(KEYS.snapshot)!)).toMatchObject({ savedAt: clock.now(), binding: BINDING });
      expect(server.value(KEYS.snapshot)).not.toContain('from-infisical');
      await flush();
      expect(messages).toEqual([{ from: expect.any(String), fetchedAt: clock.now(), quiet: true }]);
      expect(server.commands).toEqual([
        `SUBSCRIBE ${KEYS.channel}`, // the test's own listener
        `STRLEN ${KEYS.snapshot}`,
        `STRLEN ${KEYS.backoff}`,
        `SET ${KEYS.lease(window())} NX PX ${2 * TTL}`,
        `SET ${KEYS.snapshot} PX ${10 * TTL}`,
        `PUBLISH ${KEYS.channel}`,
      ]);
    });

    it('follows its own snapshot while it is younger than the TTL, then leads the next window', async () => {
      const a = instance();
      const first = await settled(a.coordinator.load(signal));
      clock.advance(TTL - 1);
      const again = await settled(a.coordinator.load(signal));
      expect(a.loader.loads).toHaveLength(1);
      expect(again.confirmedAt).toBe(first.confirmedAt);
      expect(a.loader.validated).toEqual([{ answer: ANSWER, source: 'infisical', confirmedAt: first.confirmedAt }]);
      expect(a.coordinator.role).toBe('follower');

      clock.advance(1); // exactly one TTL old: stale
      const next = await settled(a.coordinator.load(signal));
      expect(a.loader.loads).toHaveLength(2);
      expect(next.confirmedAt).toBe(clock.now());
      expect(a.coordinator.role).toBe('leader');
      expect(server.keys()).toEqual([KEYS.lease(window() - 1), KEYS.lease(window()), KEYS.snapshot].sort());
    });

    it('a holder whose read failed reads again at once within its window, instead of waiting for itself', async () => {
      const a = instance();
      const gate = a.loader.hold();
      const first = a.coordinator.load(signal);
      await flush();
      gate.fail(new Error('Infisical answered 500'));
      await expect(settled(first)).rejects.toThrow('Infisical answered 500');
      a.loader.hold().release();
      server.commands.length = 0;
      clock.advance(1_000); // the retry, in the same window
      const again = await settled(a.coordinator.load(signal));
      expect(again.confirmedAt).toBe(clock.now());
      expect(a.loader.loads).toHaveLength(2);
      expect(clock.pending).toEqual([]);
      const lease = KEYS.lease(window());
      expect(server.commands.slice(2, 5)).toEqual([`SET ${lease} NX PX ${2 * TTL}`, `STRLEN ${lease}`, `GETRANGE ${lease} 0 36`]);
    });

    it('a lease gone between SET NX and the look at its holder counts as held by another: the instance waits', async () => {
      const real = server.connect();
      const b = instance({ redis: delegate(real, { setIfAbsent: async () => false }) });
      const loading = b.coordinator.load(signal);
      await flush();
      expect(clock.pending).toEqual([WAIT]);
      clock.advance(WAIT);
      expect((await settled(loading)).confirmedAt).toBe(clock.now());
    });

    it("another instance's lease is not taken for its own: the instance waits for that holder", async () => {
      server.seed(KEYS.lease(window()), 'another-instance-id-of-36-characters', 2 * TTL);
      const b = instance();
      const loading = b.coordinator.load(signal);
      await flush();
      expect(clock.pending).toEqual([WAIT]);
      clock.advance(WAIT);
      await settled(loading);
    });

    it('a failed read is thrown and announced quietly (so waiting instances stop waiting); no back-off is shared', async () => {
      const a = instance();
      const messages = channel();
      const gate = a.loader.hold();
      const loading = a.coordinator.load(signal);
      await flush();
      gate.fail(new Error('Infisical answered 500'));
      await expect(settled(loading)).rejects.toThrow('Infisical answered 500');
      await flush();
      expect(messages).toEqual([{ from: expect.any(String), fetchedAt: 0, quiet: true }]);
      expect(server.value(KEYS.backoff)).toBeUndefined();
      expect(server.value(KEYS.snapshot)).toBeUndefined();
    });
  });

  describe('followers', () => {
    it('a snapshot younger than the TTL is validated like an answer, without any Infisical read or lease', async () => {
      seedSnapshot(clock.now() - 1000);
      const b = instance();
      const snapshot = await settled(b.coordinator.load(signal));
      expect(snapshot.confirmedAt).toBe(clock.now() - 1000);
      expect(b.loader.loads).toEqual([]);
      expect(b.loader.validated).toEqual([{ answer: ANSWER, source: 'infisical', confirmedAt: clock.now() - 1000 }]);
      expect(b.coordinator.role).toBe('follower');
      expect(server.commands).toEqual([`STRLEN ${KEYS.snapshot}`, `GETRANGE ${KEYS.snapshot} 0 ${MAX_FLEET_SNAPSHOT_BYTES}`]);
    });

    it('an instance that loses the lease waits for the holder and follows what it publishes, without waiting out its timer', async () => {
      const a = instance();
      const b = instance();
      await b.listen();
      const gate = a.loader.hold();
      const leading = a.coordinator.load(signal);
      await flush();
      const following = b.coordinator.load(signal);
      await flush();
      expect(clock.pending).toEqual([WAIT]);
      gate.release();
      const [led, followed] = await settled(Promise.all([leading, following]));
      expect(followed.confirmedAt).toBe(led.confirmedAt);
      expect(b.loader.loads).toEqual([]);
      expect(b.coordinator.role).toBe('follower');
      expect(a.coordinator.role).toBe('leader');
      expect(clock.pending).toEqual([]);
      expect(b.notices).toEqual([]); // a regular publish is quiet: it wakes waiters, it is not a change
    });

    it('a lease holder that published before the waiter was in place is followed at once', async () => {
      const a = instance();
      const real = server.connect();
      const b = instance({
        redis: delegate(real, {
          setIfAbsent: async (key, value, ttlMs) => {
            await settled(a.coordinator.load(signal)); // the holder reads and publishes while this SET NX is on its way
            return real.setIfAbsent(key, value, ttlMs);
          },
        }),
      });
      const snapshot = await settled(b.coordinator.load(signal));
      expect(snapshot.confirmedAt).toBe(clock.now());
      expect(b.loader.loads).toEqual([]);
      expect(clock.pending).toEqual([]);
    });

    it('with no publish within followerWaitMs the waiter reads Infisical itself and publishes', async () => {
      server.seed(KEYS.lease(window()), 'another-instance', 2 * TTL);
      const b = instance();
      await b.listen();
      const loading = b.coordinator.load(signal);
      await flush();
      clock.advance(WAIT - 1);
      await flush();
      expect(b.loader.loads).toEqual([]);
      clock.advance(1);
      const snapshot = await settled(loading);
      expect(b.loader.loads).toHaveLength(1);
      expect(snapshot.confirmedAt).toBe(clock.now());
      expect(b.coordinator.role).toBe('leader');
      expect(published().fetchedAt).toBe(clock.now());
    });

    it('a waiter that times out follows a snapshot whose notice it missed', async () => {
      server.seed(KEYS.lease(window()), 'another-instance', 2 * TTL);
      const b = instance();
      const loading = b.coordinator.load(signal);
      await flush();
      seedSnapshot(clock.now());
      clock.advance(WAIT);
      expect((await settled(loading)).confirmedAt).toBe(clock.now() - WAIT);
      expect(b.loader.loads).toEqual([]);
    });

    it("the holder's failure wakes the waiters at once: each then reads Infisical itself", async () => {
      const a = instance();
      const b = instance();
      await b.listen();
      const gate = a.loader.hold();
      const leading = a.coordinator.load(signal);
      await flush();
      const following = b.coordinator.load(signal);
      await flush();
      gate.fail(new Error('boom'));
      await expect(settled(leading)).rejects.toThrow('boom');
      expect((await settled(following)).confirmedAt).toBe(clock.now());
      expect(b.loader.loads).toHaveLength(1);
      expect(clock.pending).toEqual([]);
    });

    it('a message that is not a notice wakes nobody', async () => {
      server.seed(KEYS.lease(window()), 'another-instance', 2 * TTL);
      const b = instance();
      await b.listen();
      const loading = b.coordinator.load(signal);
      await flush();
      await server.connect().publish(KEYS.channel, 'not json');
      await flush();
      expect(clock.pending).toEqual([WAIT]);
      await server.connect().publish(KEYS.channel, JSON.stringify({ from: 'another-instance', fetchedAt: 0, quiet: true }));
      await settled(loading);
      expect(clock.pending).toEqual([]);
      expect(b.notices).toEqual([]);
    });
  });

  describe('shared back-off', () => {
    it("the holder's 429 is stored with its Retry-After: the fleet backs off until then, each instance without reading", async () => {
      const a = instance();
      const gate = a.loader.hold();
      const leading = a.coordinator.load(signal);
      await flush();
      const limited = new InfisicalRateLimitError(TARGET, 30);
      gate.fail(limited);
      await expect(settled(leading)).rejects.toBe(limited);
      expect(server.value(KEYS.backoff)).toBe(sealBackoff(clock.now() + 30_000, KEYS.backoff, KEYRING));
      expect(server.pttl(KEYS.backoff)).toBe(30_000);

      const b = instance();
      clock.advance(10_500);
      const refused = await settled(b.coordinator.load(signal)).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(InfisicalRateLimitError);
      expect((refused as InfisicalRateLimitError).retryAfterSeconds).toBe(20);
      expect((refused as InfisicalRateLimitError).target).toBe(TARGET);
      expect(b.loader.loads).toEqual([]);
      expect(b.coordinator.role).toBeUndefined();
    });

    it('without Retry-After the fleet backs off 60 s', async () => {
      const a = instance();
      const gate = a.loader.hold();
      const leading = a.coordinator.load(signal);
      await flush();
      gate.fail(new InfisicalRateLimitError(TARGET, undefined));
      await expect(settled(leading)).rejects.toBeInstanceOf(InfisicalRateLimitError);
      expect(server.pttl(KEYS.backoff)).toBe(60_000);
      expect(server.value(KEYS.backoff)).toBe(sealBackoff(clock.now() + 60_000, KEYS.backoff, KEYRING));
    });

    it('the stored instant is what counts: at it, or past it, the instance reads again', async () => {
      const b = instance();
      seedBackoff(clock.now(), TTL);
      await settled(b.coordinator.load(signal));
      expect(b.loader.loads).toHaveLength(1);
      seedBackoff(clock.now() - 1, TTL);
      b.coordinator.readUpstreamNext();
      await settled(b.coordinator.load(signal));
      expect(b.loader.loads).toHaveLength(2);
      seedBackoff(clock.now() + 1, TTL);
      b.coordinator.readUpstreamNext();
      await expect(settled(b.coordinator.load(signal))).rejects.toMatchObject({ retryAfterSeconds: 1 });
      expect(b.logger.lines).toEqual([]);
    });

    it('the back-off applies to a read forced by a webhook too', async () => {
      const b = instance();
      seedBackoff(clock.now() + 5_000);
      b.coordinator.readUpstreamNext();
      await expect(settled(b.coordinator.load(signal))).rejects.toBeInstanceOf(InfisicalRateLimitError);
      expect(b.loader.loads).toEqual([]);
      clock.advance(5_000);
      seedSnapshot(clock.now());
      await settled(b.coordinator.load(signal)); // the forced read was used up by the refused attempt
      expect(b.loader.loads).toEqual([]);
    });
  });

  describe('readUpstreamNext (a webhook announced a change)', () => {
    it('the next load reads Infisical whatever Redis holds, publishes and announces the change to the other instances', async () => {
      seedSnapshot(clock.now());
      const a = instance();
      const b = instance();
      await a.listen();
      await b.listen();
      const messages = channel();
      server.commands.length = 0;
      a.coordinator.readUpstreamNext();
      clock.advance(1000);
      const snapshot = await settled(a.coordinator.load(signal));
      expect(a.loader.loads).toHaveLength(1);
      expect(snapshot.confirmedAt).toBe(clock.now());
      expect(published().fetchedAt).toBe(clock.now());
      expect(a.coordinator.role).toBe('leader');
      expect(server.commands).toEqual([`STRLEN ${KEYS.backoff}`, `SET ${KEYS.snapshot} PX ${10 * TTL}`, `PUBLISH ${KEYS.channel}`]);
      await flush();
      expect(messages).toEqual([{ from: expect.any(String), fetchedAt: clock.now() }]);
      expect(b.notices).toEqual([clock.now()]);
      expect(a.notices).toEqual([]); // its own notice

      await settled(a.coordinator.load(signal)); // once only: the next load follows again
      expect(a.loader.loads).toHaveLength(1);
    });
  });

  describe('publish', () => {
    it('publishes only snapshots read from Infisical', async () => {
      const a = instance();
      await a.coordinator.publish(snapshotOf(ANSWER, clock.now(), 'cache'), true);
      await a.coordinator.publish(snapshotOf(ANSWER, undefined), true);
      expect(server.commands).toEqual([]);
      await a.coordinator.publish(snapshotOf(ANSWER, clock.now() - 5), false);
      expect(published()).toEqual({ fetchedAt: clock.now() - 5, secrets: ANSWER });
    });

    it('a Redis failure is logged once and leaves the instance standalone, never thrown', async () => {
      const a = instance();
      server.stop();
      await a.coordinator.publish(snapshotOf(ANSWER, clock.now()), true);
      await a.coordinator.publish(snapshotOf(ANSWER, clock.now()), true);
      expect(a.logger.of('warn')).toEqual([REDIS_DOWN]);
      expect(a.coordinator.role).toBe('standalone');
      expect(server.commands).toEqual([`SET ${KEYS.snapshot} PX ${10 * TTL}`, `SET ${KEYS.snapshot} PX ${10 * TTL}`]);
    });

    it('a failed announcement is a Redis failure too', async () => {
      const a = instance();
      server.failNextWith(new RedisUnavailableError('Redis did not answer within 1000 ms'), 'PUBLISH');
      await a.coordinator.publish(snapshotOf(ANSWER, clock.now()), true);
      expect(published().fetchedAt).toBe(clock.now());
      expect(a.logger.of('warn')).toEqual([expect.stringContaining('(Redis did not answer within 1000 ms)')]);
      expect(a.coordinator.role).toBe('standalone');
    });

    it('an error that is not a Redis failure is not reported as one', async () => {
      const a = instance();
      server.failNextWith(new TypeError('not a Redis failure'), 'SET');
      await a.coordinator.publish(snapshotOf(ANSWER, clock.now()), true);
      expect(a.logger.lines).toEqual([]);
      expect(a.coordinator.role).toBeUndefined();
      expect(server.commands).toEqual([`SET ${KEYS.snapshot} PX ${10 * TTL}`]);
    });
  });

  describe('snapshot binding', () => {
    it.each([
      ['written with another key', () => seedSnapshot(clock.now(), 'another-key-material-of-another-fleet'), 'it failed authentication'],
      ['written for another environment', () => seedSnapshot(clock.now(), KEY_MATERIAL, { ...BINDING, sources: [{ ...SOURCE, environment: 'dev' }] }), 'it was written for environment "dev"'],
      ['not an envelope', () => server.seed(KEYS.snapshot, 'garbage', TTL), 'it is not a fleet snapshot (corrupted or truncated)'],
    ])('a snapshot %s is refused, named once in the log, and the instance reads Infisical', async (_name, seed, reason) => {
      seed();
      const a = instance();
      expect(await a.coordinator.bootstrap()).toBeUndefined();
      const snapshot = await settled(a.coordinator.load(signal));
      expect(a.loader.validated).toEqual([]);
      expect(a.loader.loads).toHaveLength(1);
      expect(snapshot.confirmedAt).toBe(clock.now());
      const warned = a.logger.of('warnOnce'); // bootstrap, then load (the logger keeps repeats out of the warn level)
      expect(warned).toEqual([expect.stringContaining(`The fleet snapshot in Redis (${KEYS.snapshot}) is ignored: ${reason}`), warned[0]]);
      expect(warned[0]).toMatch(/\.$/);
      expect(warned[0]).not.toContain('from-infisical');
    });
  });

  describe('Redis loss and recovery', () => {
    it('with Redis down each instance reads Infisical itself (logged once), and rejoins when Redis answers', async () => {
      const a = instance();
      server.stop();
      const first = await settled(a.coordinator.load(signal));
      await settled(a.coordinator.load(signal));
      expect(first.confirmedAt).toBe(clock.now());
      expect(a.loader.loads).toEqual([
        { signal, options: { diagnose: false } },
        { signal, options: { diagnose: false } },
      ]);
      expect(a.logger.of('warn')).toEqual([REDIS_DOWN]);
      expect(a.coordinator.role).toBe('standalone');
      expect(server.keys()).toEqual([]);

      server.start();
      await settled(a.coordinator.load(signal));
      expect(a.coordinator.role).toBe('leader');
      expect(a.logger.of('log')).toEqual([REJOINED]);
      expect(published().fetchedAt).toBe(clock.now());
      await settled(a.coordinator.load(signal)); // rejoined once
      expect(a.logger.of('log')).toEqual([REJOINED]);

      server.stop();
      await settled(a.coordinator.load(signal));
      expect(a.logger.of('warn')).toEqual([REDIS_DOWN, REDIS_DOWN]); // a new outage is logged again
    });

    it('an instance back from an outage that finds a fresh snapshot rejoins as a follower', async () => {
      const a = instance();
      server.stop();
      await settled(a.coordinator.load(signal));
      server.start();
      seedSnapshot(clock.now());
      await settled(a.coordinator.load(signal));
      expect(a.coordinator.role).toBe('follower');
      expect(a.logger.of('log')).toEqual([REJOINED]);
    });

    it('Redis lost while waiting for the holder: the waiter stops waiting and reads Infisical itself', async () => {
      server.seed(KEYS.lease(window()), 'another-instance', 2 * TTL);
      const real = server.connect();
      const b = instance({
        redis: delegate(real, {
          setIfAbsent: async (key, value, ttlMs) => {
            const won = await real.setIfAbsent(key, value, ttlMs);
            server.stop();
            return won;
          },
        }),
      });
      await settled(b.coordinator.load(signal));
      expect(b.loader.loads).toHaveLength(1);
      expect(clock.pending).toEqual([]);
      expect(b.coordinator.role).toBe('standalone');
    });

    it("Redis lost while the holder reads: the holder's 429 is still thrown (the back-off is not shared)", async () => {
      const a = instance();
      const gate = a.loader.hold();
      const leading = a.coordinator.load(signal);
      await flush();
      server.stop();
      const limited = new InfisicalRateLimitError(TARGET, 30);
      gate.fail(limited);
      await expect(settled(leading)).rejects.toBe(limited);
      server.start();
      expect(server.value(KEYS.backoff)).toBeUndefined();
      expect(a.logger.of('warn')).toEqual([REDIS_DOWN]);
    });

    it('an error that is not a Redis failure is thrown, not read around', async () => {
      const a = instance();
      const odd = new TypeError('unexpected');
      server.failNextWith(odd, 'STRLEN');
      await expect(settled(a.coordinator.load(signal))).rejects.toBe(odd);
      expect(a.loader.loads).toEqual([]);
      expect(a.logger.lines).toEqual([]);
    });

    it('a forced read with Redis down reads Infisical without publishing', async () => {
      const a = instance();
      server.stop();
      a.coordinator.readUpstreamNext();
      await settled(a.coordinator.load(signal));
      expect(a.loader.loads).toHaveLength(1);
      expect(a.coordinator.role).toBe('standalone');
      expect(server.commands).toEqual([`STRLEN ${KEYS.backoff}`]);
    });
  });

  describe('listen', () => {
    it('runs onNotice for other instances\' change notices only (not quiet ones, not its own, not garbage); subscribes once', async () => {
      const a = instance();
      await a.listen();
      await a.listen();
      expect(server.subscriberCount(KEYS.channel)).toBe(1);
      const other = server.connect();
      await other.publish(KEYS.channel, JSON.stringify({ from: 'other', fetchedAt: 1 }));
      await other.publish(KEYS.channel, JSON.stringify({ from: 'other', fetchedAt: 2, quiet: true }));
      await other.publish(KEYS.channel, '{');
      await other.publish(KEYS.channel, 'null');
      await other.publish(KEYS.channel, '"a string"');
      await flush();
      expect(a.notices).toHaveLength(1);
      expect(server.listenerErrors).toEqual([]); // null is no notice either
    });

    it('a message longer than 1 KB is no notice (not parsed): it wakes nobody and refreshes nothing', async () => {
      server.seed(KEYS.lease(window()), 'another-instance', 2 * TTL);
      const a = instance();
      await a.listen();
      const loading = a.coordinator.load(signal);
      await flush();
      const other = server.connect();
      const notice = (length: number) => JSON.stringify({ from: 'other', fetchedAt: 1, pad: 'x'.repeat(length - 39) });
      expect(notice(1025)).toHaveLength(1025);
      await other.publish(KEYS.channel, notice(1025));
      await flush();
      expect([a.notices, clock.pending]).toEqual([[], [WAIT]]);
      await other.publish(KEYS.channel, notice(1024));
      await settled(loading);
      expect([a.notices, clock.pending]).toEqual([[clock.now()], []]);
    });

    it('Redis down when listening: listen rejects, and the instance subscribes once Redis answers again', async () => {
      const a = instance();
      server.stop();
      await expect(a.listen()).rejects.toBeInstanceOf(RedisUnavailableError);
      await settled(a.coordinator.load(signal)); // still down: no subscription
      server.start();
      expect(server.subscriberCount(KEYS.channel)).toBe(0);
      await settled(a.coordinator.load(signal));
      await flush();
      expect(server.subscriberCount(KEYS.channel)).toBe(1);
      await server.connect().publish(KEYS.channel, JSON.stringify({ from: 'other', fetchedAt: 1 }));
      await flush();
      expect(a.notices).toHaveLength(1);
      await settled(a.coordinator.load(signal));
      await flush();
      expect(server.subscriberCount(KEYS.channel)).toBe(1);
    });

    it('without a listener nothing is subscribed', async () => {
      const a = instance();
      await settled(a.coordinator.load(signal));
      await flush();
      expect(server.commands.filter((c) => c.startsWith('SUBSCRIBE'))).toEqual([]);
    });

    it('a failed re-subscription is retried by the next load', async () => {
      const a = instance();
      server.stop();
      await expect(a.listen()).rejects.toBeInstanceOf(RedisUnavailableError);
      server.start();
      server.failNextWith(new RedisUnavailableError('Redis did not answer within 1000 ms'), 'SUBSCRIBE');
      await settled(a.coordinator.load(signal));
      await flush();
      expect(server.subscriberCount(KEYS.channel)).toBe(0);
      await settled(a.coordinator.load(signal));
      await flush();
      expect(server.subscriberCount(KEYS.channel)).toBe(1);
    });
  });

  describe('bootstrap', () => {
    it('starts from a snapshot in Redis younger than the TTL, as a follower', async () => {
      seedSnapshot(clock.now() - (TTL - 1));
      const a = instance();
      const snapshot = await a.coordinator.bootstrap();
      expect(snapshot?.confirmedAt).toBe(clock.now() - (TTL - 1));
      expect(a.loader.validated).toEqual([{ answer: ANSWER, source: 'infisical', confirmedAt: clock.now() - (TTL - 1) }]);
      expect(a.coordinator.role).toBe('follower');
      expect(a.loader.loads).toEqual([]);
    });

    it('nothing to start from: no snapshot, a stale one, or Redis down (silently)', async () => {
      const a = instance();
      expect(await a.coordinator.bootstrap()).toBeUndefined();
      seedSnapshot(clock.now() - TTL);
      expect(await a.coordinator.bootstrap()).toBeUndefined();
      server.stop();
      expect(await a.coordinator.bootstrap()).toBeUndefined();
      expect(a.coordinator.role).toBeUndefined();
      expect(a.logger.lines).toEqual([]);
    });
  });

  describe('what Redis holds is checked before it is served', () => {
    const IGNORED = `The fleet snapshot in Redis (${KEYS.snapshot}) is ignored: `;
    const BACKOFF_IGNORED = `The fleet's shared back-off in Redis (${KEYS.backoff}) is ignored: `;

    it.each([
      ['sealed with a key derived from the client secret', () => seedSnapshot(clock.now(), 'the-client-secret-of-a-read-only-identity'), 'it failed authentication'],
      ['in the last-known-good format (even with the fleet key)', () => server.seed(KEYS.snapshot, sealSnapshot({ fetchedAt: clock.now(), secrets: ANSWER }, KEY_MATERIAL, BINDING, clock.now()), TTL), 'it is not a fleet snapshot of this module'],
      ['dated 1 h in the future', () => seedSnapshot(clock.now() + 3_600_000), "it is dated in the future (more than 30 s ahead of this instance's clock)"],
    ])('a snapshot %s is never served: bootstrap and load read Infisical instead', async (_name, seed, reason) => {
      seed();
      const a = instance();
      expect(await a.coordinator.bootstrap()).toBeUndefined();
      const snapshot = await settled(a.coordinator.load(signal));
      expect(a.loader.validated).toEqual([]);
      expect(snapshot.confirmedAt).toBe(clock.now());
      expect(a.logger.of('warnOnce')[0]).toContain(`${IGNORED}${reason}`);
      expect(a.logger.of('warnOnce').join('\n')).not.toContain(KEY_MATERIAL);
    });

    it('an older snapshot written back after a newer one was served is never followed', async () => {
      seedSnapshot(clock.now() - 2_000);
      const older = server.value(KEYS.snapshot)!;
      seedSnapshot(clock.now() - 1_000);
      const a = instance();
      expect((await settled(a.coordinator.load(signal))).confirmedAt).toBe(clock.now() - 1_000);
      server.seed(KEYS.snapshot, older, TTL * 10);
      const next = await settled(a.coordinator.load(signal));
      expect(a.loader.validated.map((v) => v.confirmedAt)).toEqual([clock.now() - 1_000]);
      expect(next.confirmedAt).toBe(clock.now());
      expect(a.logger.of('warnOnce')).toEqual([`${IGNORED}it is older than the snapshot this instance already serves (an older snapshot written back is never served).`]);
      clock.advance(1);
      expect((await settled(a.coordinator.load(signal))).confirmedAt).toBe(clock.now() - 1); // its own, newer publish: followed
    });

    it('a read without a time (no snapshot from Infisical) does not lower or break the floor', async () => {
      seedSnapshot(clock.now() - 1_000);
      const older = server.value(KEYS.snapshot)!;
      const timeless = { ...snapshotOf(ANSWER, clock.now()), confirmedAt: undefined } as unknown as SecretSnapshot;
      const a = instance();
      server.stop();
      Object.assign(a.loader, { load: async () => timeless }); // read alone while Redis is down
      await settled(a.coordinator.load(signal));
      server.start();
      seedSnapshot(clock.now());
      await settled(a.coordinator.load(signal)); // follows the newer one
      server.seed(KEYS.snapshot, older, TTL);
      const loads = a.loader.validated.length;
      await settled(a.coordinator.load(signal).catch(() => undefined));
      expect(a.loader.validated).toHaveLength(loads); // the older one is refused
      expect(a.logger.of('warnOnce')).toEqual([expect.stringContaining('it is older than the snapshot this instance already serves')]);
    });

    it('a snapshot older than what the instance read itself while Redis was down is never followed, nor one older than its start-up read', async () => {
      const a = instance();
      server.stop();
      const alone = await settled(a.coordinator.load(signal));
      server.start();
      seedSnapshot(alone.confirmedAt! - 1);
      expect((await settled(a.coordinator.load(signal))).confirmedAt).toBe(clock.now());
      expect(a.loader.validated).toEqual([]);

      const b = instance();
      await b.coordinator.publish(snapshotOf(ANSWER, clock.now()), false); // the start-up read
      seedSnapshot(clock.now() - 1);
      expect(await b.coordinator.bootstrap()).toBeUndefined();
    });

    it('a value larger than 32 MB in the snapshot key is refused by its size, without being read', async () => {
      server.seed(KEYS.snapshot, 'x'.repeat(MAX_FLEET_SNAPSHOT_BYTES + 1), TTL);
      const a = instance();
      const snapshot = await settled(a.coordinator.load(signal));
      expect(snapshot.confirmedAt).toBe(clock.now());
      expect(server.commands.filter((c) => c.startsWith('GETRANGE'))).toEqual([]);
      expect(a.logger.of('warnOnce')).toEqual([`${IGNORED}it is larger than 33554432 bytes (twice the largest answer read from Infisical), so it was not read.`]);
    });

    it.each([
      ['a plain number (now + 10¹² ms)', () => server.seed(KEYS.backoff, String(clock.now() + 1e12), TTL), 'it is not authenticated with the fleet key'],
      ['one sealed with another key', () => server.seed(KEYS.backoff, sealBackoff(clock.now() + 60_000, KEYS.backoff, ['the-client-secret-of-a-read-only-identity']), TTL), 'it is not authenticated with the fleet key'],
      ['one written for another Redis key', () => server.seed(KEYS.backoff, sealBackoff(clock.now() + 60_000, 'other:backoff', KEYRING), TTL), 'it is not authenticated with the fleet key'],
      ['an authenticated one ending beyond 300 s (+ 30 s skew)', () => seedBackoff(clock.now() + 330_001), 'it ends more than 300 s from now, beyond the longest back-off'],
      ['a value larger than any back-off', () => server.seed(KEYS.backoff, 'x'.repeat(MAX_BACKOFF_BYTES + 1), TTL), `it is larger than ${MAX_BACKOFF_BYTES} bytes`],
    ])('a shared back-off that is %s is ignored with a warning: the instance reads Infisical', async (_name, seed, reason) => {
      seed();
      const a = instance();
      a.coordinator.readUpstreamNext();
      await settled(a.coordinator.load(signal));
      expect(a.loader.loads).toHaveLength(1);
      expect(a.logger.of('warnOnce')).toEqual([expect.stringContaining(`${BACKOFF_IGNORED}${reason}`)]);
      expect(a.logger.of('warnOnce')[0]).toMatch(/\.$/);
    });

    it('an authenticated back-off holds at most 300 s, and the instance checks it again at least once per TTL', async () => {
      seedBackoff(clock.now() + 330_000);
      const a = instance();
      const refused = (await settled(a.coordinator.load(signal)).catch((e: unknown) => e)) as InfisicalRateLimitError;
      expect(refused).toBeInstanceOf(InfisicalRateLimitError);
      expect(refused.retryAfterSeconds).toBe(59); // one TTL, less the 1 s of jitter the store adds
      expect(refused.message).toContain("(The fleet's shared back-off: another instance was rate-limited; 300 s left, checked again before then.)");
      expect(a.loader.loads).toEqual([]);
    });

    it('with a TTL of 1 s the instance checks again after 1 s', async () => {
      seedBackoff(clock.now() + 5_000);
      const a = instance({ ttlMs: 1_000 });
      await expect(settled(a.coordinator.load(signal))).rejects.toMatchObject({ retryAfterSeconds: 1 });
    });

    it('a shared back-off deleted from Redis holds nobody after the next check', async () => {
      seedBackoff(clock.now() + 300_000);
      const a = instance();
      await expect(settled(a.coordinator.load(signal))).rejects.toMatchObject({ retryAfterSeconds: 59 });
      server.remove(KEYS.backoff);
      clock.advance(59_000);
      await settled(a.coordinator.load(signal));
      expect(a.loader.loads).toHaveLength(1);
    });

    it("the leader's back-off is stored for at most 300 s, whatever Retry-After asked", async () => {
      const a = instance();
      const gate = a.loader.hold();
      const leading = a.coordinator.load(signal);
      await flush();
      gate.fail(new InfisicalRateLimitError(TARGET, 600));
      await expect(settled(leading)).rejects.toBeInstanceOf(InfisicalRateLimitError);
      expect(server.value(KEYS.backoff)).toBe(sealBackoff(clock.now() + 300_000, KEYS.backoff, KEYRING));
      expect(server.pttl(KEYS.backoff)).toBe(300_000);
    });
  });

  describe('fleet key rotation', () => {
    const NEW_KEY = 'the-new-fleet-key-0123456789abcdef!';

    it('with [new, previous] an instance opens what either sealed and seals with the new key only', async () => {
      seedSnapshot(clock.now());
      seedBackoff(clock.now() + 5_000);
      const a = instance({ keyring: [NEW_KEY, KEY_MATERIAL] });
      expect((await settled(a.coordinator.load(signal))).confirmedAt).toBe(clock.now()); // the previous key's snapshot
      a.coordinator.readUpstreamNext();
      await expect(settled(a.coordinator.load(signal))).rejects.toBeInstanceOf(InfisicalRateLimitError); // the previous key's back-off
      clock.advance(TTL);
      await settled(a.coordinator.load(signal));
      const sealed = server.value(KEYS.snapshot)!;
      expect(openSnapshot(sealed, NEW_KEY, BINDING, FLEET_SNAPSHOT).fetchedAt).toBe(clock.now());
      expect(() => openSnapshot(sealed, KEY_MATERIAL, BINDING, FLEET_SNAPSHOT)).toThrow('it failed authentication');
      expect(a.logger.lines).toEqual([]);
    });

    it('an instance still on the previous key alone ignores the new snapshot (one warning) and reads Infisical itself', async () => {
      const rotated = instance({ keyring: [NEW_KEY, KEY_MATERIAL] });
      await rotated.coordinator.publish(snapshotOf(ANSWER, clock.now()), false);
      const old = instance();
      await settled(old.coordinator.load(signal));
      expect(old.loader.loads).toHaveLength(1);
      expect(old.logger.of('warnOnce')).toEqual([expect.stringContaining('it failed authentication: it was modified, or written with another key than the fleet key (fleet.key / INFISICAL_FLEET_KEY')]);
      expect(old.logger.of('warnOnce')[0]).not.toContain(NEW_KEY);
    });
  });

  describe('close', () => {
    it('wakes a waiting load at once and closes the connection', async () => {
      server.seed(KEYS.lease(window()), 'another-instance', 2 * TTL);
      const b = instance();
      const loading = b.coordinator.load(signal);
      await flush();
      expect(clock.pending).toEqual([WAIT]);
      await b.coordinator.close();
      await settled(loading);
      expect(clock.pending).toEqual([]);
      expect(b.redis.closed).toBe(true);
    });
  });
});
