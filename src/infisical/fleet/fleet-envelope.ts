import { MAX_RESPONSE_BYTES } from '../infisical.defaults.js';
import { openSnapshot, sealSnapshot, SnapshotEnvelopeError, type CacheBinding, type CachedSnapshot, type EnvelopeKind } from '../store/snapshot-envelope.js';

/**
 * Largest snapshot value read from Redis: twice the largest list answer read from Infisical (16 MB), so any snapshot
 * an instance publishes fits. The size is asked first (STRLEN): a larger value is refused without being read.
 */
export const MAX_FLEET_SNAPSHOT_BYTES = 2 * MAX_RESPONSE_BYTES;

/**
 * How far ahead of this instance's clock a snapshot (or a shared back-off) may be dated: 30 s, for the clocks of the
 * instances differing a little. A snapshot dated further ahead would look fresh for longer than the TTL.
 */
export const FLEET_CLOCK_SKEW_MS = 30_000;

/**
 * The keys of the fleet's shared state in Redis: the first seals (the current `fleet.key`), every one opens (the
 * previous key too, during a rotation).
 */
export type FleetKeyring = readonly [current: string, ...previous: string[]];

/** The fleet's snapshot in Redis: its own format and HKDF label (a last-known-good file never opens as one). */
export const FLEET_SNAPSHOT: EnvelopeKind = {
  format: 'nestjs-infisical/fleet-snapshot',
  version: 1,
  hkdfInfo: 'nestjs-infisical fleet snapshot v1',
  noun: 'fleet snapshot',
  keyName: 'key than the fleet key (fleet.key / INFISICAL_FLEET_KEY, or fleet.previousKey during a rotation)',
};

/** Seals a snapshot for Redis with the current fleet key. Pure but for the random salt and IV. */
export function sealFleetSnapshot(snapshot: CachedSnapshot, keyring: FleetKeyring, binding: CacheBinding, now: number): string {
  return sealSnapshot(snapshot, keyring[0], binding, now, FLEET_SNAPSHOT);
}

/**
 * Opens the snapshot read from Redis; refuses ({@link SnapshotEnvelopeError} with the reason) one that no fleet key
 * authenticates, one dated more than {@link FLEET_CLOCK_SKEW_MS} ahead of `now`, and one older than `newest` — the
 * snapshot this instance already serves (an older snapshot written back is a rollback, never served).
 */
export function openFleetSnapshot(text: string, keyring: FleetKeyring, binding: CacheBinding, now: number, newest: number): CachedSnapshot {
  const cached = openSnapshot(text, keyring, binding, FLEET_SNAPSHOT);
  if (cached.fetchedAt > now + FLEET_CLOCK_SKEW_MS) {
    throw new SnapshotEnvelopeError(`it is dated in the future (more than ${FLEET_CLOCK_SKEW_MS / 1000} s ahead of this instance's clock)`);
  }
  if (cached.fetchedAt < newest) throw new SnapshotEnvelopeError('it is older than the snapshot this instance already serves (an older snapshot written back is never served)');
  return cached;
}
