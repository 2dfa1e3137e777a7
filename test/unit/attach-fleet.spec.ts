/** createFleet and joinFleet on the in-memory Redis: what the options turn into, and how the store joins the fleet. */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { InfisicalRateLimitError } from '../../src/infisical/errors/transport.errors.js';
import { createFleet, joinFleet, type FleetParts } from '../../src/infisical/fleet/attach-fleet.js';
import { fleetKeys } from '../../src/infisical/fleet/fleet-keys.js';
import type { FleetRedis, RedisConnectionEvents } from '../../src/infisical/fleet/redis-connection.js';
import { infisicalOptionsFromEnv } from '../../src/infisical/options/options-from-env.js';
import type { FleetRole } from '../../src/infisical/metrics/metric-names.js';
import { resolveInfisicalOptions } from '../../src/infisical/options/options.resolver.js';
import { SecretSnapshot, type AnswerSecret } from '../../src/infisical/store/secret-snapshot.js';
import { FLEET_SNAPSHOT } from '../../src/infisical/fleet/fleet-envelope.js';
import { sealBackoff } from '../../src/infisical/fleet/shared-backoff.js';
import { openSnapshot, sealSnapshot } from '../../src/infisical/store/snapshot-envelope.js';
import { FakeRedisServer } from '../support/fakes/redis-client.fake.js';
import { ManualClock } from '../support/manual-clock.js';
import { flushEventLoop, settledSoon } from '../support/deferred.js';

const ENV = {
  INFISICAL_CLIENT_ID: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  INFISICAL_CLIENT_SECRET: 'client-secret-of-the-fleet',
  INFISICAL_PROJECT_ID: 'p1',
  INFISICAL_ENVIRONMENT: 'prod',
  INFISICAL_REDIS_URL: 'redis://10.0.0.3:6379',
  INFISICAL_FLEET_KEY: 'fleet-key-from-the-secret-store-0123456789',
};
const FLEET_KEY = ENV.INFISICAL_FLEET_KEY;
const ANSWER: AnswerSecret[] = [{ key: 'API_KEY', value: 'from-infisical', version: 1 }];
const BINDING = { siteUrl: 'https://app.infisical.com', sources: [{ projectId: 'p1', environment: 'prod', secretPath: '/' }] };
const signal = new AbortController().signal;

const snapshotOf = (confirmedAt: number) =>
  new SecretSnapshot({ values: { API_KEY: 'from-infisical' }, keys: { API_KEY: { source: 'infisical', version: 1 } } }, 'infisical', confirmedAt, ANSWER);
const flush = flushEventLoop;
const settled = settledSoon;

describe('createFleet', () => {
  let clock: ManualClock;
  let server: FakeRedisServer;
  let connects: string[];
  let lines: Array<{ level: string; text: string }>;
  let parts: FleetParts;
  let failure: Error | undefined;

  const connect = async (url: string): Promise<FleetRedis> => {
    connects.push(url);
    return server.connect();
  };
  /** A connection whose reconnects fail 5 times over 63 s before it is ready (both clients report ready). */
  const failingConnect = async (url: string, events: RedisConnectionEvents): Promise<FleetRedis> => {
    connects.push(url);
    events.error(new Error(`connect ECONNREFUSED 10.0.0.3:6379 (${url})`));
    for (let i = 0; i < 3; i++) {
      clock.jump(1_000);
      events.error(new Error(`connect ECONNREFUSED 10.0.0.3:6379 (${url})`));
    }
    clock.jump(60_000);
    events.error(new Error('connect ECONNREFUSED 10.0.0.3:6379'));
    events.ready();
    events.ready();
    return server.connect();
  };

  beforeEach(() => {
    clock = new ManualClock();
    server = new FakeRedisServer(clock);
    connects = [];
    lines = [];
    failure = undefined;
    const say = (level: string) => (text: string) => void lines.push({ level, text });
    parts = {
      loader: {
        load: async () => {
          if (failure) throw failure;
          return snapshotOf(clock.now());
        },
        fromAnswer: async (_answer, _source, confirmedAt) => snapshotOf(confirmedAt),
      },
      binding: BINDING,
      clock,
      metrics: { fleetRole: undefined as FleetRole | undefined },
      logger: { write: (level, text) => void lines.push({ level, text }), log: say('log'), warn: say('warn'), warnOnce: say('warnOnce') },
    };
  });

  it('is off without the fleet option: no connection', async () => {
    const { INFISICAL_REDIS_URL: _, INFISICAL_FLEET_KEY: __, ...withoutRedis } = ENV;
    expect(await createFleet(resolveInfisicalOptions(infisicalOptionsFromEnv(withoutRedis)), parts, connect)).toBeUndefined();
    expect(connects).toEqual([]);
  });

  it('connects to fleet.redisUrl; reconnect failures: the first, then at most one line a minute, and one when back (password masked)', async () => {
    const fleet = await createFleet(resolveInfisicalOptions(infisicalOptionsFromEnv({ ...ENV, INFISICAL_REDIS_URL: 'redis://:s3cret-pw@10.0.0.3:6379' })), parts, failingConnect);
    expect(fleet).toBeDefined();
    expect(connects).toEqual(['redis://:s3cret-pw@10.0.0.3:6379']);
    expect(lines).toEqual([
      {
        level: 'warn',
        text: 'Redis connection failed (connect ECONNREFUSED 10.0.0.3:6379 (redis://10.0.0.3:6379)); it keeps reconnecting in the background, further failures are summed up at most once per 60 s.',
      },
      { level: 'warn', text: 'Redis connection still failing: 4 more failed attempts in 63 s (latest: connect ECONNREFUSED 10.0.0.3:6379).' },
      { level: 'log', text: 'Redis connection is back after 5 failed attempts.' },
    ]);
    expect(JSON.stringify(lines)).not.toContain('s3cret-pw');
  });

  it('keys under the prefix and binding, snapshot sealed with the fleet key (not the client secret), windows of the cache TTL', async () => {
    const options = resolveInfisicalOptions({ ...infisicalOptionsFromEnv(ENV), cacheTtlSeconds: 30, fleet: { redisUrl: ENV.INFISICAL_REDIS_URL, key: FLEET_KEY, keyPrefix: 'shop' } });
    const fleet = (await createFleet(options, parts, connect))!;
    await settled(fleet.load(signal));
    const keys = fleetKeys('shop', BINDING);
    expect(openSnapshot(server.value(keys.snapshot)!, FLEET_KEY, BINDING, FLEET_SNAPSHOT)).toEqual({ fetchedAt: clock.now(), secrets: ANSWER });
    expect(() => openSnapshot(server.value(keys.snapshot)!, ENV.INFISICAL_CLIENT_SECRET, BINDING, FLEET_SNAPSHOT)).toThrow('it failed authentication');
    expect(server.pttl(keys.snapshot)).toBe(300_000);
    expect(server.pttl(keys.lease(Math.floor(clock.now() / 30_000)))).toBe(60_000);
    expect(fleet.role).toBe('leader');
  });

  it('status for health: the role of the last window and whether Redis is connected', async () => {
    const fleet = (await createFleet(resolveInfisicalOptions(infisicalOptionsFromEnv(ENV)), parts, connect))!;
    expect(fleet.status()).toEqual({ redis: 'up', role: 'not yet known' });
    await settled(fleet.load(signal));
    expect(fleet.status()).toEqual({ redis: 'up', role: 'lease holder' });
    server.stop();
    expect(fleet.status()).toEqual({ redis: 'down', role: 'lease holder' });
    clock.advance(300_000);
    await settled(fleet.load(signal));
    expect(fleet.status()).toEqual({ redis: 'down', role: 'reading alone' });
    server.start();
    clock.advance(300_000);
    await settled(fleet.load(signal));
    expect(fleet.status()).toEqual({ redis: 'up', role: 'lease holder' });
    const follower = (await createFleet(resolveInfisicalOptions(infisicalOptionsFromEnv(ENV)), parts, connect))!;
    await settled(follower.load(signal));
    expect(follower.status()).toEqual({ redis: 'up', role: 'follower' });
  });

  it('fleet.previousKey (INFISICAL_FLEET_PREVIOUS_KEY) still opens what it sealed; fleet.key seals', async () => {
    const previous = 'k'.repeat(40);
    const options = resolveInfisicalOptions(infisicalOptionsFromEnv({ ...ENV, INFISICAL_FLEET_PREVIOUS_KEY: previous }));
    const keys = fleetKeys('nestjs-infisical', BINDING);
    server.seed(keys.snapshot, sealSnapshot({ fetchedAt: clock.now(), secrets: ANSWER }, previous, BINDING, clock.now(), FLEET_SNAPSHOT), 60_000);
    const fleet = (await createFleet(options, parts, connect))!;
    expect((await fleet.bootstrap())?.confirmedAt).toBe(clock.now());
    clock.advance(60_000);
    await settled(fleet.load(signal));
    expect(openSnapshot(server.value(keys.snapshot)!, FLEET_KEY, BINDING, FLEET_SNAPSHOT).fetchedAt).toBe(clock.now());
  });

  it('waits requestTimeoutMs for the lease holder, and names the first source in a shared back-off', async () => {
    const options = resolveInfisicalOptions({ ...infisicalOptionsFromEnv(ENV), requestTimeoutMs: 4_321 });
    const keys = fleetKeys('nestjs-infisical', BINDING);
    server.seed(keys.lease(Math.floor(clock.now() / (options.cacheTtlSeconds * 1000))), 'another-instance', 1_000_000);
    const fleet = (await createFleet(options, parts, connect))!;
    const loading = fleet.load(signal);
    await flush();
    expect(clock.pending).toEqual([4_321]);
    clock.advance(4_321);
    await settled(loading);

    server.seed(keys.backoff, sealBackoff(clock.now() + 2_000, keys.backoff, ['the-key-of-another-fleet-0123456789abc']), 2_000);
    fleet.readUpstreamNext();
    await settled(fleet.load(signal)); // without a previous key, only fleet.key is tried: ignored, and read
    server.seed(keys.backoff, sealBackoff(clock.now() + 2_000, keys.backoff, [FLEET_KEY]), 2_000);
    fleet.readUpstreamNext();
    const refused = (await settled(fleet.load(signal)).catch((e: unknown) => e)) as InfisicalRateLimitError;
    expect(refused).toBeInstanceOf(InfisicalRateLimitError);
    expect(refused.target).toBe(options.sources[0]);
  });
});

describe('joinFleet', () => {
  let clock: ManualClock;
  let server: FakeRedisServer;

  beforeEach(() => {
    clock = new ManualClock();
    server = new FakeRedisServer(clock);
  });
  afterEach(() => {
    expect(server.listenerErrors).toEqual([]);
  });

  async function joined() {
    const options = resolveInfisicalOptions(infisicalOptionsFromEnv(ENV));
    const redis = server.connect();
    const say = () => undefined;
    const parts: FleetParts = {
      loader: { load: async () => snapshotOf(clock.now()), fromAnswer: async (_a, _s, at) => snapshotOf(at) },
      binding: BINDING,
      clock,
      metrics: { fleetRole: undefined },
      logger: { write: say, log: say, warn: say, warnOnce: say },
    };
    const fleet = (await createFleet(options, parts, async () => redis))!;
    const refreshes: number[] = [];
    const closers: Array<() => void | Promise<void>> = [];
    const store = {
      refreshAfterChange: async () => {
        refreshes.push(clock.now());
        return true;
      },
      onClose: (close: () => void | Promise<void>) => void closers.push(close),
    };
    const joining = joinFleet(fleet, store, clock);
    return { fleet, redis, refreshes, closers, joining };
  }
  const notice = (from: string) => server.connect().publish(fleetKeys('nestjs-infisical', BINDING).channel, JSON.stringify({ from, fetchedAt: 1 }));

  it("refreshes the store on other instances' change notices, at most once a second", async () => {
    const { refreshes, joining } = await joined();
    await joining;
    await notice('a');
    await flush();
    expect(refreshes).toEqual([clock.now()]);
    const first = clock.now();
    clock.advance(300);
    await notice('b');
    await notice('c');
    await flush();
    expect(refreshes).toEqual([first]);
    expect(clock.pending).toEqual([700]);
    clock.advance(700);
    expect(refreshes).toEqual([first, first + 1000]);
  });

  it('closing the store stops the pending refresh and closes Redis', async () => {
    const { refreshes, closers, redis, joining } = await joined();
    await joining;
    await notice('a');
    await notice('b');
    await flush();
    expect(clock.pending).toEqual([1000]);
    expect(closers).toHaveLength(1);
    await closers[0]!();
    expect(clock.pending).toEqual([]);
    expect(redis.closed).toBe(true);
    expect(refreshes).toHaveLength(1);
  });

  it('Redis down when joining: no error (the instance subscribes once Redis answers)', async () => {
    server.stop();
    const { joining, closers } = await joined();
    await expect(joining).resolves.toBeUndefined();
    expect(closers).toHaveLength(1);
    expect(server.subscriberCount(fleetKeys('nestjs-infisical', BINDING).channel)).toBe(0);
  });
});
