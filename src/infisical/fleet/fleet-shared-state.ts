import { MAX_RETRY_AFTER_MS } from '../infisical.defaults.js';
import type { InfisicalClock } from '../interfaces/infisical-clock.interface.js';
import type { CacheBinding, CachedSnapshot } from '../store/snapshot-envelope.js';
import type { StoreLogger } from '../store/store.logger.js';
import { MAX_FLEET_SNAPSHOT_BYTES, openFleetSnapshot, sealFleetSnapshot, type FleetKeyring } from './fleet-envelope.js';
import type { FleetKeys } from './fleet-keys.js';
import type { FleetRedis } from './redis-connection.js';
import { MAX_BACKOFF_BYTES, openBackoff, sealBackoff, type BackoffReading } from './shared-backoff.js';

export interface FleetSharedStateDependencies {
  redis: FleetRedis;
  keys: FleetKeys;
  binding: CacheBinding;
  keyring: FleetKeyring;
  clock: InfisicalClock;
  ttlMs: number;
  logger: Pick<StoreLogger, 'warnOnce'>;
}

/**
 * What the fleet shares in Redis, written and read under its rules: the snapshot (sealed with the fleet key, read
 * with a size bound, never dated ahead, never older than what this instance serves) and the back-off after a 429
 * (authenticated with the fleet key, never longer than 300 s). A value that breaks a rule is ignored, with one
 * warning per cause (no key, no value in it). Redis failures reject.
 */
export class FleetSharedState {
  /** When the newest snapshot this instance served was read from Infisical (the floor for the snapshots it follows). */
  #newest = 0;

  constructor(private readonly deps: FleetSharedStateDependencies) {}

  /** Records a snapshot this instance serves (read from Infisical, or followed). */
  served(fetchedAt: number): void {
    this.#newest = Math.max(this.#newest, fetchedAt);
  }

  /** The snapshot in Redis when it passes every rule and is younger than the TTL, else undefined. */
  async readFresh(): Promise<CachedSnapshot | undefined> {
    const { redis, keys, keyring, binding, clock, ttlMs } = this.deps;
    const read = await redis.getBounded(keys.snapshot, MAX_FLEET_SNAPSHOT_BYTES);
    if (read === null) return undefined;
    let cached: CachedSnapshot;
    try {
      if (read.text === undefined) throw new Error(`it is larger than ${MAX_FLEET_SNAPSHOT_BYTES} bytes (twice the largest answer read from Infisical), so it was not read`);
      cached = openFleetSnapshot(read.text, keyring, binding, clock.now(), this.#newest);
    } catch (error) {
      this.deps.logger.warnOnce(`The fleet snapshot in Redis (${keys.snapshot}) is ignored: ${(error as Error).message}.`);
      return undefined;
    }
    return clock.now() - cached.fetchedAt < ttlMs ? cached : undefined;
  }

  /** Publishes a snapshot read from Infisical, sealed with the current fleet key, for 10 TTLs. */
  async writeSnapshot(snapshot: CachedSnapshot): Promise<void> {
    const { redis, keys, keyring, binding, clock, ttlMs } = this.deps;
    this.served(snapshot.fetchedAt);
    await redis.set(keys.snapshot, sealFleetSnapshot(snapshot, keyring, binding, clock.now()), ttlMs * 10);
  }

  /** Milliseconds left of a valid shared back-off (at most 300 s); 0 when there is none, or when it is ignored. */
  async backoffRemainingMs(): Promise<number> {
    const { redis, keys, keyring, clock } = this.deps;
    const read = await redis.getBounded(keys.backoff, MAX_BACKOFF_BYTES);
    if (read === null) return 0;
    const now = clock.now();
    const reading: BackoffReading = read.text === undefined ? { refused: `it is larger than ${MAX_BACKOFF_BYTES} bytes` } : openBackoff(read.text, keys.backoff, keyring, now);
    if (reading.until === undefined) {
      this.deps.logger.warnOnce(`The fleet's shared back-off in Redis (${keys.backoff}) is ignored: ${reading.refused}.`);
      return 0;
    }
    return Math.max(0, Math.min(reading.until - now, MAX_RETRY_AFTER_MS));
  }

  /** Shares a back-off of `ms` (capped at 300 s) with the fleet, ending on a whole millisecond; it expires in Redis when it ends. */
  async shareBackoff(ms: number): Promise<void> {
    const { redis, keys, keyring, clock } = this.deps;
    const capped = Math.min(ms, MAX_RETRY_AFTER_MS);
    await redis.set(keys.backoff, sealBackoff(Math.ceil(clock.now() + capped), keys.backoff, keyring), capped);
  }
}
