import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createClient } from 'redis';
import { APP_DEV, APP_PROJECT_ID, APP_VALUES, appSeedSecrets, credentialValues, createAppSeed } from '../support/fixtures/app-seed.js';
import { ALL_CREDENTIALS, optionsFor, startInfisicalApp, type TestApp } from '../support/infisical-app.js';
import { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { findLeaks } from '../support/log-capture.js';
import { ManualClock } from '../support/manual-clock.js';
import { MetricCollector } from '../support/metric-collector.js';
import { fleetOptions } from '../support/readme/fleet-options.js';
import { RedisServer } from '../support/redis-server.js';
import { waitFor } from '../support/wait-for.js';
import { deliver, infisicalWebhook, WEBHOOK_SECRET } from '../support/webhook-sender.js';

const LIST = '/api/v3/secrets/raw';
const LOGIN = '/api/v1/auth/universal-auth/login';
const TTL = 60;
/** The fleet's own key, as the platform's secret store would hold it (never a login credential). */
const FLEET_KEY = 'fleet-key-of-the-integration-fleet-0123456789';

describe('fleet coordination on Redis (three instances, one Redis, one Infisical)', () => {
  let redis: RedisServer;
  let clock: ManualClock;
  let server: LocalInfisicalServer;
  let apps: TestApp[];
  let prefix = 0;
  const rotated = credentialValues('dev', '2').GEMINI_API_KEY;

  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(async () => {
    await redis.stop();
  });
  beforeEach(async () => {
    clock = new ManualClock();
    server = await LocalInfisicalServer.start({ seed: createAppSeed(), now: clock.now });
    apps = [];
    prefix++;
  });
  afterEach(async () => {
    await Promise.all(apps.map((a) => a.close()));
    const logs = apps.map((a) => a.logs.text).join('\n');
    expect(findLeaks(logs, [...appSeedSecrets(), rotated, WEBHOOK_SECRET, APP_DEV.clientSecret, FLEET_KEY, ...server.issuedAccessTokens()])).toEqual([]);
    await server.close();
    await redis.start(); // back up if a test stopped it
  });

  const options = (webhook = false) =>
    optionsFor(server, APP_DEV, 'dev', {
      cacheTtlSeconds: TTL,
      fleet: { ...fleetOptions(redis.url, FLEET_KEY).fleet, keyPrefix: `test-${prefix}` },
      ...(webhook ? { webhook: { secret: WEBHOOK_SECRET } } : {}),
    });
  async function startFleet(n = 3, webhook = false): Promise<TestApp[]> {
    for (let i = 0; i < n; i++) apps.push(await startInfisicalApp({ options: options(webhook), credentials: ALL_CREDENTIALS, clock, http: webhook }));
    return apps;
  }
  const settled = () => Promise.all(apps.map((a) => a.store.whenSettled()));
  const advance = (ms: number) => clock.advanceAsync(ms, settled);
  const lists = () => server.requestsTo(LIST).length;
  /** Log lines of every instance (Nest's static logger writes to the capture of the application started last). */
  const found = (level: string, text: string | RegExp) => new Set(apps.flatMap((a) => a.logs.lines.filter((l) => l.level === level && (typeof text === 'string' ? l.text.includes(text) : text.test(l.text))))).size;
  const logins = () => server.requestsTo(LOGIN).length;
  const rotate = () => server.setSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key: 'GEMINI_API_KEY', value: rotated });

  it('the first instance reads Infisical; the others bootstrap from the Redis snapshot without any login', async () => {
    await startFleet();
    expect([lists(), logins()]).toEqual([1, 1]);
    for (const app of apps) expect(app.store.get('GEMINI_API_KEY')).toBe(APP_VALUES.dev.GEMINI_API_KEY);
    expect(apps.map((a) => a.store.status().state)).toEqual(['up', 'up', 'up']);
  });

  it('one list request per TTL window for the whole fleet, and a rotation reaches every instance', async () => {
    await startFleet();
    const before = lists();
    for (let window = 1; window <= 5; window++) {
      await advance(TTL * 1000);
      expect(lists() - before).toBeLessThanOrEqual(window);
    }
    expect(lists() - before).toBeGreaterThanOrEqual(2); // values are at most ~2 TTL old: a snapshot younger than the TTL is followed
    rotate();
    await advance(2 * TTL * 1000);
    for (const app of apps) expect(app.store.get('GEMINI_API_KEY')).toBe(rotated);
    expect(logins()).toBeLessThanOrEqual(3); // at most one login per instance that held a lease
  });

  it('a webhook received by one instance makes all three serve the new value within 1 s', async () => {
    await startFleet(3, true);
    rotate();
    const before = lists();
    expect((await deliver(apps[1]!.url + '/webhooks/infisical', infisicalWebhook(clock.now()))).status).toBe(200);
    await waitFor(() => apps.every((a) => a.store.get('GEMINI_API_KEY') === rotated), 'every instance to serve the new value', 1000);
    await settled();
    expect(lists() - before).toBe(1); // the receiver read Infisical; the others read Redis
  });

  it('Redis down: every instance polls Infisical itself, serves no error, and rejoins after Redis restarts', async () => {
    await startFleet();
    await redis.stop();
    const before = lists();
    await advance(TTL * 1100);
    expect(lists() - before).toBe(3); // each on its own
    expect(apps.map((a) => a.store.status().state)).toEqual(['up', 'up', 'up']);
    expect(found('warn', 'Redis is unavailable')).toBe(3); // once per instance
    await redis.start();
    const rejoined = () => found('log', 'rejoins the fleet') === 3;
    for (let window = 0; window < 20 && !rejoined(); window++) {
      await new Promise((resolve) => setTimeout(resolve, 100)); // real time for the clients to reconnect
      await advance(TTL * 1000);
    }
    expect(rejoined()).toBe(true);
    const after = lists();
    await advance(TTL * 1000 * 3);
    expect(lists() - after).toBeLessThanOrEqual(3); // one per window again
    expect(found('error', /./)).toBe(0);
  });

  it('a 429 seen by the lease holder is shared: the fleet backs off together, for at most 300 s', async () => {
    await startFleet();
    server.injectFault({ kind: 'rate-limit', retryAfterSeconds: 600, path: LIST, times: 1 });
    const before = lists();
    await advance(TTL * 1100); // the first refresh meets the 429 (asking 600 s)
    await advance(TTL * 1000 * 3);
    expect(lists() - before).toBe(1); // only the 429 itself within the 300 s the fleet waits
    expect(apps.map((a) => a.store.status().state)).toEqual(['degraded', 'degraded', 'degraded']);
    await advance(TTL * 1000 * 3); // 300 s after the 429 (+ one TTL): the fleet reads again
    expect(lists() - before).toBeGreaterThanOrEqual(2);
    expect(lists() - before).toBeLessThanOrEqual(3);
    expect(apps.map((a) => a.store.status().state)).toEqual(['up', 'up', 'up']);
  });

  it('Redis down at start-up: the instance starts on its own polling, joins once Redis is up, and closes promptly', async () => {
    await redis.stop();
    await startFleet(2);
    expect([lists(), apps.map((a) => a.store.status().state)]).toEqual([2, ['up', 'up']]);
    await redis.start();
    for (let i = 0; i < 40 && found('log', 'rejoins the fleet') < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100)); // real time for the clients to connect
      await advance(TTL * 1000);
    }
    const after = lists();
    await advance(TTL * 1000 * 3);
    expect(lists() - after).toBeLessThanOrEqual(3);
  });

  it('Redis never reachable: reads Infisical on its own, serves no error, and shuts down without waiting for Redis', async () => {
    await redis.stop();
    await startFleet(1);
    await advance(TTL * 1100);
    expect([lists(), apps[0]!.store.status().state]).toEqual([2, 'up']);
    await apps[0]!.close(); // afterEach would hang if closing waited for the connection
  });

  it('the snapshot in Redis is encrypted: no secret value in any key', async () => {
    await startFleet(1);
    const client = createClient({ url: redis.url });
    await client.connect();
    const keys = await client.keys(`test-${prefix}:*`);
    const stored = (await Promise.all(keys.map((k) => client.get(k)))).join('\n');
    await client.close();
    expect(keys.some((k) => k.endsWith(':snapshot'))).toBe(true);
    expect(findLeaks(stored, appSeedSecrets())).toEqual([]);
  });

  it('reports the fleet role as a metric', async () => {
    const collector = new MetricCollector();
    try {
      await startFleet(2);
      const roles = (await collector.points('infisical.fleet.role')).map((p) => p.attributes['infisical.fleet.role']);
      expect(roles).toEqual(expect.arrayContaining(['follower']));
    } finally {
      await collector.stop();
    }
  });
});
