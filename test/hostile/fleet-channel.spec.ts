/**
 * Issue 23, hostile channels: what someone who can write to the fleet's Redis (and may hold the client secret) can
 * make the instances do. Real Redis, real applications on the local Infisical server, time on a ManualClock.
 * Set HOSTILE_METRICS=1 to print the event-loop figures.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createClient } from 'redis';
import { FLEET_SNAPSHOT, MAX_FLEET_SNAPSHOT_BYTES } from '../../src/infisical/fleet/fleet-envelope.js';
import { sealBackoff } from '../../src/infisical/fleet/shared-backoff.js';
import { MAX_RETRY_AFTER_MS } from '../../src/infisical/infisical.defaults.js';
import { LAST_KNOWN_GOOD_FILE, openSnapshot, sealSnapshot, type CacheBinding, type CachedSnapshot } from '../../src/infisical/store/snapshot-envelope.js';
import { measureEventLoop } from '../support/event-loop-probe.js';
import { APP_DEV, APP_PROJECT_ID, APP_VALUES, appSeedSecrets, credentialValues, createAppSeed } from '../support/fixtures/app-seed.js';
import { ALL_CREDENTIALS, optionsFor, startInfisicalApp, type TestApp } from '../support/infisical-app.js';
import { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { findLeaks } from '../support/log-capture.js';
import { ManualClock } from '../support/manual-clock.js';
import { RedisServer } from '../support/redis-server.js';
import { deliver, infisicalWebhook, WEBHOOK_SECRET } from '../support/webhook-sender.js';

const TTL_MS = 60_000;
const LIST = '/api/v3/secrets/raw';
/** The fleet's own key, as the platform's secret store holds it. */
const FLEET_KEY = 'hostile-fleet-key-from-the-secret-store-4711';
const FORGED = credentialValues('dev', '9').GEMINI_API_KEY!;
const ROTATED = credentialValues('dev', '2').GEMINI_API_KEY!;
const ORIGINAL = APP_VALUES.dev.GEMINI_API_KEY;
const MB = 1024 * 1024;

describe('hostile fleet channel: the Redis snapshot and the shared back-off', () => {
  let redis: RedisServer;
  let attacker: ReturnType<typeof createClient>;
  let clock: ManualClock;
  let server: LocalInfisicalServer;
  let apps: TestApp[];
  let prefix = 0;

  beforeAll(async () => {
    redis = await RedisServer.start();
    attacker = createClient({ url: redis.url });
    await attacker.connect();
  });
  afterAll(async () => {
    await attacker.close();
    await redis.stop();
  });
  beforeEach(async () => {
    clock = new ManualClock();
    server = await LocalInfisicalServer.start({ seed: createAppSeed(), now: clock.now });
    apps = [];
    prefix++;
  });
  afterEach(async () => {
    const exposed = [...apps.map((a) => a.logs.text), ...apps.map((a) => JSON.stringify(a.store.status()))].join('\n');
    await Promise.all(apps.map((a) => a.close()));
    // Leak scan: no fleet key, client secret, token or secret value in any log line or health payload.
    expect(findLeaks(exposed, [FLEET_KEY, ...appSeedSecrets(), FORGED, ROTATED, ...server.issuedAccessTokens()])).toEqual([]);
    await server.close();
  });

  async function start(webhook = false): Promise<TestApp> {
    const options = optionsFor(server, APP_DEV, 'dev', {
      cacheTtlSeconds: TTL_MS / 1000,
      fleet: { redisUrl: redis.url, key: FLEET_KEY, keyPrefix: `hostile-${prefix}` },
      ...(webhook ? { webhook: { secret: WEBHOOK_SECRET } } : {}),
    });
    const app = await startInfisicalApp({ options, credentials: ALL_CREDENTIALS, clock, http: webhook });
    apps.push(app);
    return app;
  }
  /**
   * The refreshes under way, or 250 ms of real time: an instance that waits for another's lease waits on the manual
   * clock (followerWaitMs), which only moves on once this returns.
   */
  const settled = () => Promise.race([Promise.all(apps.map((a) => a.store.whenSettled())), new Promise((resolve) => setTimeout(resolve, 250))]);
  const advance = async (ms: number) => {
    await clock.advanceAsync(ms, settled);
    await settled();
  };
  const lists = () => server.requestsTo(LIST).length;
  const served = () => apps.map((a) => a.store.get('GEMINI_API_KEY'));
  const warned = (text: string) => apps.some((a) => a.logs.lines.some((l) => l.level === 'warn' && l.text.includes(text)));
  const rotate = () => server.setSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key: 'GEMINI_API_KEY', value: ROTATED });

  /** The fleet's Redis keys, as an attacker lists them (once the first instance has published its snapshot). */
  async function fleetKeys(): Promise<{ snapshot: string; backoff: string; channel: string }> {
    let [snapshot] = await attacker.keys(`hostile-${prefix}:*:snapshot`);
    for (let i = 0; i < 100 && snapshot === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10)); // the start-up publish is not awaited by bootstrap
      [snapshot] = await attacker.keys(`hostile-${prefix}:*:snapshot`);
    }
    const base = snapshot!.replace(/:snapshot$/, '');
    return { snapshot: snapshot!, backoff: `${base}:backoff`, channel: `${base}:refresh` };
  }
  /** The snapshot now in Redis, opened with the fleet key (the test's view, not the attacker's). */
  async function current(): Promise<{ text: string; binding: CacheBinding; content: CachedSnapshot }> {
    const text = (await attacker.get((await fleetKeys()).snapshot))!;
    const binding = (JSON.parse(text) as { binding: CacheBinding }).binding;
    return { text, binding, content: openSnapshot(text, FLEET_KEY, binding, FLEET_SNAPSHOT) };
  }
  /** The current answer with GEMINI_API_KEY set to `value`, dated `fetchedAt`. */
  async function forged(value: string, fetchedAt: number): Promise<{ content: CachedSnapshot; binding: CacheBinding }> {
    const { content, binding } = await current();
    return { binding, content: { fetchedAt, secrets: content.secrets.map((s) => (s.key === 'GEMINI_API_KEY' ? { ...s, value, version: s.version + 1 } : s)) } };
  }
  async function writeSnapshot(text: string): Promise<void> {
    await attacker.set((await fleetKeys()).snapshot, text, { expiration: { type: 'PX', value: 3_600_000 } });
  }
  /** A change notice on the fleet's channel: every instance refreshes (from Redis). */
  async function announce(): Promise<void> {
    await attacker.publish((await fleetKeys()).channel, JSON.stringify({ from: 'attacker', fetchedAt: clock.now() }));
    await new Promise((resolve) => setTimeout(resolve, 50)); // real time for the message to arrive
    await advance(1_000);
  }

  it('control: the same forged answer sealed with the fleet key is served (the harness reaches the instances)', async () => {
    await start();
    const { content, binding } = await forged(FORGED, clock.now());
    await writeSnapshot(sealSnapshot(content, FLEET_KEY, binding, clock.now(), FLEET_SNAPSHOT));
    const late = await start();
    expect(late.store.get('GEMINI_API_KEY')).toBe(FORGED);
  });

  it.each([
    ['a fleet envelope sealed with a key derived from the client secret', (c: CachedSnapshot, b: CacheBinding) => sealSnapshot(c, APP_DEV.clientSecret, b, clock.now(), FLEET_SNAPSHOT), 'it failed authentication'],
    ['an envelope in the last-known-good format sealed with the client secret', (c: CachedSnapshot, b: CacheBinding) => sealSnapshot(c, APP_DEV.clientSecret, b, clock.now(), LAST_KNOWN_GOOD_FILE), 'it is not a fleet snapshot of this module'],
    ['a fleet-key envelope dated 1 h in the future', (c: CachedSnapshot, b: CacheBinding) => sealSnapshot({ ...c, fetchedAt: clock.now() + 3_600_000 }, FLEET_KEY, b, clock.now(), FLEET_SNAPSHOT), 'it is dated in the future'],
  ])('%s is never served: not at bootstrap, not on a change notice, not by a regular refresh', async (_name, seal, reason) => {
    const first = await start();
    const { content, binding } = await forged(FORGED, clock.now());
    const plant = () => writeSnapshot(seal(content, binding)); // again each time: a refusing instance publishes over it
    await plant();
    const late = await start(); // bootstraps: refuses the snapshot and reads Infisical
    expect(served()).toEqual([ORIGINAL, ORIGINAL]);
    await plant();
    await announce(); // every instance refreshes from Redis
    expect(served()).toEqual([ORIGINAL, ORIGINAL]);
    await plant();
    await advance(TTL_MS * 1.1);
    expect(served()).toEqual([ORIGINAL, ORIGINAL]);
    expect([first.store.status().state, late.store.status().state]).toEqual(['up', 'up']);
    expect(warned(`is ignored: ${reason}`)).toBe(true);
  });

  it('an older valid envelope written back is never served by an instance that served a newer one', async () => {
    const receiver = await start(true);
    const follower = await start(true);
    const older = (await current()).text;
    await advance(1_000);
    rotate();
    expect((await deliver(`${receiver.url}/webhooks/infisical`, infisicalWebhook(clock.now()))).status).toBe(200);
    for (let i = 0; i < 20 && served().some((v) => v !== ROTATED); i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      await advance(100);
    }
    expect(served()).toEqual([ROTATED, ROTATED]);
    await writeSnapshot(older); // valid, sealed with the fleet key, younger than the TTL, but older than what is served
    const before = lists();
    await announce();
    expect(served()).toEqual([ROTATED, ROTATED]);
    expect(lists() - before).toBeGreaterThanOrEqual(1); // the instance that refused it read Infisical instead
    expect(warned('is ignored: it is older than the snapshot this instance already serves')).toBe(true);
    expect([receiver, follower].map((a) => a.store.status().state)).toEqual(['up', 'up']);
  });

  /** Moves time one TTL on without firing timers: the snapshot in Redis is then stale, the next refresh reads Infisical. */
  const staleSnapshot = () => clock.jump(TTL_MS);

  it('a shared back-off of now + 10¹² ms (a plain number) holds nobody; a rotation is served within one TTL', async () => {
    await start();
    await start();
    staleSnapshot();
    const { backoff } = await fleetKeys();
    await attacker.set(backoff, String(clock.now() + 1e12), { expiration: { type: 'PX', value: 3_600_000 } });
    rotate();
    const before = lists();
    await advance(TTL_MS * 1.1);
    expect(served()).toEqual([ROTATED, ROTATED]);
    expect(lists() - before).toBeGreaterThanOrEqual(1);
    expect(warned("The fleet's shared back-off in Redis")).toBe(true);
    expect(apps.flatMap((a) => a.logs.lines).some((l) => /retry in \d{4,} s/.test(l.text))).toBe(false);
  });

  it('an authenticated back-off ending now + 10¹² ms is ignored too (beyond the 300 s maximum)', async () => {
    await start();
    staleSnapshot();
    const { backoff } = await fleetKeys();
    await attacker.set(backoff, sealBackoff(clock.now() + 1e12, backoff, [FLEET_KEY]), { expiration: { type: 'PX', value: 3_600_000 } });
    rotate();
    await advance(TTL_MS * 1.1);
    expect(served()).toEqual([ROTATED]);
    expect(warned('is ignored: it ends more than 300 s from now, beyond the longest back-off')).toBe(true);
  });

  it('an authenticated back-off holds the fleet at most 300 s; once deleted, a rotation is served within one TTL', async () => {
    await start();
    await start();
    staleSnapshot();
    const { backoff } = await fleetKeys();
    const hold = async () => attacker.set(backoff, sealBackoff(clock.now() + MAX_RETRY_AFTER_MS, backoff, [FLEET_KEY]), { expiration: { type: 'PX', value: 3_600_000 } });
    await hold();
    rotate();
    await advance(TTL_MS * 1.1);
    expect(served()).toEqual([ORIGINAL, ORIGINAL]); // held: no instance reads
    await attacker.del(backoff);
    await advance(TTL_MS);
    expect(served()).toEqual([ROTATED, ROTATED]);

    // Never deleted (it stays in Redis well past its end): it holds the fleet 300 s, plus a second or two of rounding and jitter.
    server.setSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key: 'GEMINI_API_KEY', value: ORIGINAL });
    staleSnapshot();
    await hold();
    await advance(MAX_RETRY_AFTER_MS - 5_000);
    expect(served()).toEqual([ROTATED, ROTATED]); // still held
    await advance(10_000);
    expect(served()).toEqual([ORIGINAL, ORIGINAL]);
  });

  it('a 100 MB value in the snapshot key costs each refresh at most 50 ms of event loop, and is never read', async () => {
    const app = await start();
    const { snapshot } = await fleetKeys();
    const { binding } = await current();
    const header = JSON.stringify({ format: FLEET_SNAPSHOT.format, version: FLEET_SNAPSHOT.version, binding, savedAt: clock.now(), salt: '', iv: '', tag: '', ciphertext: '' }).slice(0, -2);
    await measureEventLoop('a refresh without the 100 MB value (warm-up, for comparison)', () => advance(TTL_MS * 1.1));
    const worst: number[] = [];
    for (let round = 0; round < 3; round++) {
      // Built inside Redis (SET, then SETRANGE pads to 100 MB): nothing of it crosses this process before the refresh.
      await attacker.set(snapshot, header, { expiration: { type: 'PX', value: 3_600_000 } });
      await attacker.setRange(snapshot, 100 * MB - 1, 'x');
      expect(await attacker.strLen(snapshot)).toBe(100 * MB);
      const before = lists();
      const delay = await measureEventLoop(`100 MB snapshot value, refresh ${round + 1}`, () => advance(TTL_MS * 1.1));
      expect(lists() - before).toBeGreaterThanOrEqual(1); // refused: the instance read Infisical (and published over it)
      worst.push(delay.max);
    }
    expect(Math.max(...worst)).toBeLessThanOrEqual(50);
    expect(app.store.get('GEMINI_API_KEY')).toBe(ORIGINAL);
    expect(app.store.status().state).toBe('up');
    expect(warned(`is ignored: it is larger than ${MAX_FLEET_SNAPSHOT_BYTES} bytes`)).toBe(true);
    expect(await attacker.strLen(snapshot)).toBeLessThan(MB); // the refresh published a real snapshot over it
  });
});
