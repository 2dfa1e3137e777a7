/** FleetSharedState on the in-memory Redis and a ManualClock: the rules for what the fleet shares, one by one. */
import { beforeEach, describe, expect, it } from '@jest/globals';
import { MAX_FLEET_SNAPSHOT_BYTES, sealFleetSnapshot, type FleetKeyring } from '../../src/infisical/fleet/fleet-envelope.js';
import { fleetKeys } from '../../src/infisical/fleet/fleet-keys.js';
import { FleetSharedState } from '../../src/infisical/fleet/fleet-shared-state.js';
import { sealBackoff } from '../../src/infisical/fleet/shared-backoff.js';
import { FakeRedisServer } from '../support/fakes/redis-client.fake.js';
import { ManualClock } from '../support/manual-clock.js';

const BINDING = { siteUrl: 'https://infisical.example', sources: [{ projectId: 'p-1', environment: 'prod', secretPath: '/' }] };
const KEYS = fleetKeys('state', BINDING);
const KEYRING: FleetKeyring = ['fleet-key-0123456789abcdef0123456789'];
const TTL = 60_000;
const SECRETS = [{ key: 'API_KEY', value: 'v-1', version: 1 }];

describe('FleetSharedState', () => {
  let clock: ManualClock;
  let server: FakeRedisServer;
  let warnings: string[];
  let state: FleetSharedState;

  beforeEach(() => {
    clock = new ManualClock();
    server = new FakeRedisServer(clock);
    warnings = [];
    state = new FleetSharedState({ redis: server.connect(), keys: KEYS, binding: BINDING, keyring: KEYRING, clock, ttlMs: TTL, logger: { warnOnce: (m) => void warnings.push(m) } });
  });

  const seedSnapshot = (fetchedAt: number) => server.seed(KEYS.snapshot, sealFleetSnapshot({ fetchedAt, secrets: SECRETS }, KEYRING, BINDING, clock.now()), 10 * TTL);

  describe('the snapshot', () => {
    it('nothing in Redis: undefined, one STRLEN and nothing else', async () => {
      expect(await state.readFresh()).toBeUndefined();
      expect(server.commands).toEqual([`STRLEN ${KEYS.snapshot}`]);
      expect(warnings).toEqual([]);
    });

    it('is read when younger than the TTL, not at the TTL', async () => {
      seedSnapshot(clock.now() - (TTL - 1));
      expect(await state.readFresh()).toEqual({ fetchedAt: clock.now() - (TTL - 1), secrets: SECRETS });
      seedSnapshot(clock.now() - TTL);
      expect(await state.readFresh()).toBeUndefined();
      expect(warnings).toEqual([]);
    });

    it('a value of exactly the bound is read (and judged); one byte more is refused by its size alone', async () => {
      server.seed(KEYS.snapshot, 'x'.repeat(MAX_FLEET_SNAPSHOT_BYTES), TTL);
      expect(await state.readFresh()).toBeUndefined();
      expect(server.commands).toEqual([`STRLEN ${KEYS.snapshot}`, `GETRANGE ${KEYS.snapshot} 0 ${MAX_FLEET_SNAPSHOT_BYTES}`]);
      expect(warnings).toEqual([`The fleet snapshot in Redis (${KEYS.snapshot}) is ignored: it is not a fleet snapshot (corrupted or truncated).`]);
      server.seed(KEYS.snapshot, 'x'.repeat(MAX_FLEET_SNAPSHOT_BYTES + 1), TTL);
      server.commands.length = 0;
      expect(await state.readFresh()).toBeUndefined();
      expect(server.commands).toEqual([`STRLEN ${KEYS.snapshot}`]);
      expect(warnings[1]).toBe(`The fleet snapshot in Redis (${KEYS.snapshot}) is ignored: it is larger than ${MAX_FLEET_SNAPSHOT_BYTES} bytes (twice the largest answer read from Infisical), so it was not read.`);
    });

    it('the newest served is the floor: served() keeps the latest, a write counts as served', async () => {
      state.served(clock.now() - 1_000);
      state.served(clock.now() - 5_000); // an earlier one does not lower the floor
      seedSnapshot(clock.now() - 2_000);
      expect(await state.readFresh()).toBeUndefined();
      expect(warnings).toEqual([expect.stringContaining('it is older than the snapshot this instance already serves')]);
      await state.writeSnapshot({ fetchedAt: clock.now(), secrets: SECRETS });
      expect(await state.readFresh()).toEqual({ fetchedAt: clock.now(), secrets: SECRETS });
      seedSnapshot(clock.now() - 1);
      expect(await state.readFresh()).toBeUndefined();
    });

    it('is written sealed with the current key for 10 TTLs', async () => {
      await state.writeSnapshot({ fetchedAt: clock.now() - 3, secrets: SECRETS });
      expect(server.pttl(KEYS.snapshot)).toBe(10 * TTL);
      expect(JSON.parse(server.value(KEYS.snapshot)!)).toMatchObject({ format: 'nestjs-infisical/fleet-snapshot', savedAt: clock.now() });
    });

    it('Redis failures reject', async () => {
      server.stop();
      await expect(state.readFresh()).rejects.toThrow('Redis is not connected');
      await expect(state.writeSnapshot({ fetchedAt: 1, secrets: [] })).rejects.toThrow('Redis is not connected');
      await expect(state.backoffRemainingMs()).rejects.toThrow('Redis is not connected');
    });
  });

  describe('the shared back-off', () => {
    const seedBackoff = (until: number) => server.seed(KEYS.backoff, sealBackoff(until, KEYS.backoff, KEYRING), TTL);

    it('none, or one that has ended: 0', async () => {
      expect(await state.backoffRemainingMs()).toBe(0);
      seedBackoff(clock.now() - 1);
      expect(await state.backoffRemainingMs()).toBe(0);
      seedBackoff(clock.now());
      expect(await state.backoffRemainingMs()).toBe(0);
      expect(warnings).toEqual([]);
    });

    it('what is left of it, at most 300 s', async () => {
      seedBackoff(clock.now() + 12_345);
      expect(await state.backoffRemainingMs()).toBe(12_345);
      seedBackoff(clock.now() + 300_000);
      expect(await state.backoffRemainingMs()).toBe(300_000);
      seedBackoff(clock.now() + 330_000); // a peer's clock 30 s ahead
      expect(await state.backoffRemainingMs()).toBe(300_000);
    });

    it('is shared sealed, capped at 300 s, and expires when it ends', async () => {
      await state.shareBackoff(45_000);
      expect(server.value(KEYS.backoff)).toBe(sealBackoff(clock.now() + 45_000, KEYS.backoff, KEYRING));
      expect(server.pttl(KEYS.backoff)).toBe(45_000);
      await state.shareBackoff(10 ** 12);
      expect(server.value(KEYS.backoff)).toBe(sealBackoff(clock.now() + 300_000, KEYS.backoff, KEYRING));
      expect(server.pttl(KEYS.backoff)).toBe(300_000);
      expect(await state.backoffRemainingMs()).toBe(300_000);
    });

    it('ends on a whole millisecond (a clock with fractions, as timers jittered by ±10 % give)', async () => {
      clock.advance(0.4);
      await state.shareBackoff(1_000);
      expect(server.value(KEYS.backoff)).toBe(sealBackoff(Math.ceil(clock.now()) + 1_000, KEYS.backoff, KEYRING));
      expect(await state.backoffRemainingMs()).toBeCloseTo(1_000.6);
      expect(warnings).toEqual([]);
    });

    it('an invalid one counts as none, with a warning naming the key and the cause, never the value', async () => {
      server.seed(KEYS.backoff, `${clock.now() + 10 ** 12}`, TTL);
      expect(await state.backoffRemainingMs()).toBe(0);
      expect(warnings).toEqual([
        `The fleet's shared back-off in Redis (${KEYS.backoff}) is ignored: it is not authenticated with the fleet key (a value written by something other than an instance of this fleet).`,
      ]);
      expect(warnings[0]).not.toContain(String(clock.now() + 10 ** 12));
    });
  });
});
