/**
 * The fleet's lease race on a real Redis: an instance that loses a window's lease only after the lease holder has
 * already published (the notice came and went before it started waiting) still follows that snapshot at once,
 * instead of waiting out its follower timeout.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FleetCoordinator, type FleetCoordinatorDependencies } from '../../src/infisical/fleet/fleet-coordinator.js';
import { fleetKeys } from '../../src/infisical/fleet/fleet-keys.js';
import { connectRedis, type FleetRedis } from '../../src/infisical/fleet/redis-connection.js';
import { InfisicalMetrics } from '../../src/infisical/metrics/infisical-metrics.js';
import { SecretRedactor } from '../../src/infisical/redaction/secret-redactor.js';
import type { SecretLoader } from '../../src/infisical/store/secret.loader.js';
import { SecretSnapshot, type AnswerSecret } from '../../src/infisical/store/secret-snapshot.js';
import { StoreLogger } from '../../src/infisical/store/store.logger.js';
import { ManualClock } from '../support/manual-clock.js';
import { RedisServer } from '../support/redis-server.js';

const TARGET = { projectId: 'lease-race-project', environment: 'dev', secretPath: '/' };
const ANSWER: AnswerSecret[] = [{ key: 'APP_GREETING', value: 'from-the-lease-holder', version: 3, ...TARGET }];
/** How long the follower would wait for a notice: far beyond the test, so only an immediate follow passes. */
const FOLLOWER_WAIT_MS = 600_000;

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

/** A snapshot as the loader would build it from `answer` (validation is not what this test is about). */
const snapshotOf = (answer: readonly AnswerSecret[], confirmedAt: number) =>
  new SecretSnapshot(
    { values: Object.fromEntries(answer.map((s) => [s.key, s.value])), keys: Object.fromEntries(answer.map((s) => [s.key, { source: 'infisical' as const, version: s.version }])) },
    'infisical',
    confirmedAt,
    answer,
  );

describe('fleet lease race (real Redis)', () => {
  let redis: RedisServer;
  const connections: FleetRedis[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(async () => {
    await Promise.all(connections.map((c) => c.close()));
    await redis.stop();
  });

  it('a follower that loses the lease after the leader has published follows that snapshot without waiting', async () => {
    const clock = new ManualClock();
    const binding = { siteUrl: 'http://127.0.0.1:1', sources: [TARGET] };
    const connect = async () => {
      const connection = await connectRedis(redis.url, { error: () => undefined, ready: () => undefined });
      connections.push(connection);
      return connection;
    };
    const loader = {
      load: async () => snapshotOf(ANSWER, clock.now()),
      fromAnswer: async (answer: readonly AnswerSecret[], _source: string, confirmedAt: number) => snapshotOf(answer, confirmedAt),
    } as unknown as SecretLoader;
    const deps = (fleetRedis: FleetRedis): FleetCoordinatorDependencies => ({
      redis: fleetRedis,
      keys: fleetKeys('lease-race', binding),
      binding,
      keyring: ['lease-race-fleet-key-0123456789abcdef'],
      loader,
      clock,
      ttlMs: 60_000,
      metrics: InfisicalMetrics.none(),
      logger: new StoreLogger(new SecretRedactor()),
      target: { ...TARGET, siteUrl: binding.siteUrl },
      followerWaitMs: FOLLOWER_WAIT_MS,
    });

    // The follower's lease attempt is held until the leader has published and its notice has been delivered.
    const reachedLease = deferred();
    const leaderPublished = deferred();
    const real = await connect();
    const held: FleetRedis = {
      get ready() {
        return real.ready;
      },
      getBounded: (key, maxBytes) => real.getBounded(key, maxBytes),
      setIfAbsent: async (key, value, ttlMs) => {
        reachedLease.resolve();
        await leaderPublished.promise;
        return real.setIfAbsent(key, value, ttlMs);
      },
      set: (key, value, ttlMs) => real.set(key, value, ttlMs),
      publish: (channel, message) => real.publish(channel, message),
      subscribe: (channel, listener) => real.subscribe(channel, listener),
      close: () => real.close(),
    };
    const follower = new FleetCoordinator(deps(held));
    const leader = new FleetCoordinator(deps(await connect()));
    await follower.listen(() => undefined);
    await leader.listen(() => undefined);
    const observer = await connect();
    const noticed = deferred();
    await observer.subscribe(fleetKeys('lease-race', binding).channel, () => noticed.resolve());

    const signal = new AbortController().signal;
    const startedAt = clock.now();
    const following = follower.load(signal); // no snapshot in Redis yet: it goes for the lease
    await reachedLease.promise;
    const led = await leader.load(signal); // takes the lease, reads, publishes, announces
    await noticed.promise; // the notice is out (the follower, not waiting yet, lets it pass)
    leaderPublished.resolve();

    const outcome = await Promise.race([following, new Promise<'still waiting'>((r) => setTimeout(() => r('still waiting'), 5_000))]);
    expect(outcome).not.toBe('still waiting');
    expect((outcome as SecretSnapshot).get('APP_GREETING')).toBe('from-the-lease-holder');
    expect((outcome as SecretSnapshot).confirmedAt).toBe(led.confirmedAt);
    expect(clock.now()).toBe(startedAt); // nothing advanced the clock: the follower did not wait out a timer
    await follower.close();
    await leader.close();
  });
});
