/** The fleet's sealed values on their own: the snapshot envelope (key, date, order) and the shared back-off (key, end). */
import { describe, expect, it } from '@jest/globals';
import {
  FLEET_CLOCK_SKEW_MS,
  FLEET_SNAPSHOT,
  MAX_FLEET_SNAPSHOT_BYTES,
  openFleetSnapshot,
  sealFleetSnapshot,
  type FleetKeyring,
} from '../../src/infisical/fleet/fleet-envelope.js';
import { MAX_BACKOFF_BYTES, openBackoff, sealBackoff } from '../../src/infisical/fleet/shared-backoff.js';
import { LAST_KNOWN_GOOD_FILE, openSnapshot, sealSnapshot, SnapshotEnvelopeError, type CacheBinding } from '../../src/infisical/store/snapshot-envelope.js';

const BINDING: CacheBinding = { siteUrl: 'https://infisical.example', sources: [{ projectId: 'p-1', environment: 'prod', secretPath: '/' }] };
const KEY = 'fleet-key-0123456789abcdef0123456789';
const PREVIOUS = 'previous-fleet-key-0123456789abcdef';
const CLIENT_SECRET = 'client-secret-of-a-read-only-identity';
const NOW = 1_800_000_000_000;
const CONTENT = { fetchedAt: NOW - 1_000, secrets: [{ key: 'API_KEY', value: 'v-1', version: 1 }] };
const BACKOFF_KEY = 'shop:0123:backoff';

/** The reason `run` refuses with (fails the test when it does not throw a SnapshotEnvelopeError). */
function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SnapshotEnvelopeError);
    return (error as SnapshotEnvelopeError).reason;
  }
  throw new Error('expected a refusal');
}

describe('the fleet snapshot envelope', () => {
  const open = (text: string, keyring: FleetKeyring = [KEY], newest = 0, now = NOW) => openFleetSnapshot(text, keyring, BINDING, now, newest);

  it('is sealed with the current key in a format of its own, dated by the sealing instant', () => {
    const sealed = sealFleetSnapshot(CONTENT, [KEY, PREVIOUS], BINDING, NOW);
    expect(JSON.parse(sealed)).toMatchObject({ format: 'nestjs-infisical/fleet-snapshot', version: 1, binding: BINDING, savedAt: NOW });
    expect(openSnapshot(sealed, KEY, BINDING, FLEET_SNAPSHOT)).toEqual(CONTENT);
    expect(() => openSnapshot(sealed, PREVIOUS, BINDING, FLEET_SNAPSHOT)).toThrow(SnapshotEnvelopeError);
    expect(sealed).not.toContain('v-1');
    expect(open(sealed)).toEqual(CONTENT);
  });

  it('opens with the current or the previous key (a rotation), with no other', () => {
    const byPrevious = sealFleetSnapshot(CONTENT, [PREVIOUS], BINDING, NOW);
    expect(open(byPrevious, [KEY, PREVIOUS])).toEqual(CONTENT);
    expect(open(sealFleetSnapshot(CONTENT, [KEY, PREVIOUS], BINDING, NOW), [KEY, PREVIOUS])).toEqual(CONTENT);
    expect(refusal(() => open(byPrevious, [KEY]))).toBe(
      'it failed authentication: it was modified, or written with another key than the fleet key (fleet.key / INFISICAL_FLEET_KEY, or fleet.previousKey during a rotation)',
    );
  });

  it('never opens an envelope sealed with the client secret, in either format', () => {
    expect(refusal(() => open(sealSnapshot(CONTENT, CLIENT_SECRET, BINDING, NOW, FLEET_SNAPSHOT)))).toMatch(/^it failed authentication/);
    expect(refusal(() => open(sealSnapshot(CONTENT, CLIENT_SECRET, BINDING, NOW)))).toBe('it is not a fleet snapshot of this module');
  });

  it('keys of one kind never open the other: a last-known-good file sealed with the fleet key is no fleet snapshot', () => {
    const file = sealSnapshot(CONTENT, KEY, BINDING, NOW, LAST_KNOWN_GOOD_FILE);
    const relabelled = JSON.stringify({ ...JSON.parse(file), format: FLEET_SNAPSHOT.format, version: FLEET_SNAPSHOT.version });
    expect(refusal(() => open(relabelled))).toMatch(/^it failed authentication/);
    expect(refusal(() => open('{'))).toBe('it is not a fleet snapshot (corrupted or truncated)');
  });

  it(`accepts a date up to ${FLEET_CLOCK_SKEW_MS / 1000} s ahead of the clock (clock skew), refuses one later`, () => {
    const dated = (fetchedAt: number) => sealFleetSnapshot({ ...CONTENT, fetchedAt }, [KEY], BINDING, NOW);
    expect(FLEET_CLOCK_SKEW_MS).toBe(30_000);
    expect(open(dated(NOW + 30_000)).fetchedAt).toBe(NOW + 30_000);
    expect(refusal(() => open(dated(NOW + 30_001)))).toBe("it is dated in the future (more than 30 s ahead of this instance's clock)");
    expect(refusal(() => open(dated(NOW + 3_600_000)))).toBe("it is dated in the future (more than 30 s ahead of this instance's clock)");
    expect(refusal(() => open(dated(Number.POSITIVE_INFINITY)))).toBe('its content is not a snapshot'); // no JSON number: sealed as null
  });

  it('refuses one older than the newest served (no rollback); the same one or a newer one opens', () => {
    const sealed = sealFleetSnapshot(CONTENT, [KEY], BINDING, NOW);
    expect(open(sealed, [KEY], CONTENT.fetchedAt)).toEqual(CONTENT);
    expect(refusal(() => open(sealed, [KEY], CONTENT.fetchedAt + 1))).toBe('it is older than the snapshot this instance already serves (an older snapshot written back is never served)');
    expect(open(sealed, [KEY], CONTENT.fetchedAt - 1)).toEqual(CONTENT);
  });

  it('the size bound is twice the 16 MB list cap', () => {
    expect(MAX_FLEET_SNAPSHOT_BYTES).toBe(32 * 1024 * 1024);
  });
});

describe('the shared back-off value', () => {
  it('is v1.<end>.<HMAC> for its Redis key, the same for the same end and key', () => {
    const value = sealBackoff(NOW + 60_000, BACKOFF_KEY, [KEY, PREVIOUS]);
    expect(value).toMatch(new RegExp(`^v1\\.${NOW + 60_000}\\.[A-Za-z0-9_-]{43}$`));
    expect(sealBackoff(NOW + 60_000, BACKOFF_KEY, [KEY])).toBe(value);
    expect(sealBackoff(NOW + 60_000, BACKOFF_KEY, [PREVIOUS])).not.toBe(value);
    expect(sealBackoff(NOW + 60_000, 'other:backoff', [KEY])).not.toBe(value);
    expect(sealBackoff(NOW + 60_001, BACKOFF_KEY, [KEY]).split('.')[2]).not.toBe(value.split('.')[2]);
    expect(value.length).toBeLessThan(MAX_BACKOFF_BYTES);
    expect(value).not.toContain(KEY);
  });

  it('is HMAC-SHA256 of "<Redis key>\\n<end>" with a key derived by HKDF-SHA256 (empty salt, label "nestjs-infisical fleet back-off v1")', () => {
    // Computed independently (Python hmac/hashlib, RFC 5869): instances of other versions must agree on it.
    expect(sealBackoff(NOW + 60_000, BACKOFF_KEY, [KEY])).toBe('v1.1800000060000.SF9-lE2zFEACkwZfDmRAERu-Bl0nyTVrF6bl8vgFzQI');
  });

  it('opens with the current or the previous key: the instant it ends', () => {
    expect(openBackoff(sealBackoff(NOW + 60_000, BACKOFF_KEY, [KEY]), BACKOFF_KEY, [KEY], NOW)).toEqual({ until: NOW + 60_000 });
    expect(openBackoff(sealBackoff(NOW + 60_000, BACKOFF_KEY, [PREVIOUS]), BACKOFF_KEY, [KEY, PREVIOUS], NOW)).toEqual({ until: NOW + 60_000 });
    expect(openBackoff(sealBackoff(NOW - 1, BACKOFF_KEY, [KEY]), BACKOFF_KEY, [KEY], NOW)).toEqual({ until: NOW - 1 });
  });

  const UNAUTHENTICATED = { refused: 'it is not authenticated with the fleet key (a value written by something other than an instance of this fleet)' };
  it.each([
    ['a plain number', String(NOW + 1e12)],
    ['another key', sealBackoff(NOW + 60_000, BACKOFF_KEY, [CLIENT_SECRET])],
    ['another Redis key', sealBackoff(NOW + 60_000, 'other:backoff', [KEY])],
    ['a changed end', sealBackoff(NOW + 60_000, BACKOFF_KEY, [KEY]).replace(`.${NOW + 60_000}.`, `.${NOW + 60_001}.`)],
    ['a truncated tag', sealBackoff(NOW + 60_000, BACKOFF_KEY, [KEY]).slice(0, -1)],
    ['another version', sealBackoff(NOW + 60_000, BACKOFF_KEY, [KEY]).replace(/^v1/, 'v2')],
    ['a trailing line', `${sealBackoff(NOW + 60_000, BACKOFF_KEY, [KEY])}\n`],
    ['a leading character', `x${sealBackoff(NOW + 60_000, BACKOFF_KEY, [KEY])}`],
    ['an end of 17 digits', sealBackoff(10 ** 16, BACKOFF_KEY, [KEY])],
    ['nothing', ''],
  ])('refuses %s as not authenticated', (_name, text) => {
    expect(openBackoff(text, BACKOFF_KEY, [KEY], NOW)).toEqual(UNAUTHENTICATED);
  });

  it('refuses an authenticated end more than 300 s (+ 30 s skew) ahead', () => {
    expect(openBackoff(sealBackoff(NOW + 330_000, BACKOFF_KEY, [KEY]), BACKOFF_KEY, [KEY], NOW)).toEqual({ until: NOW + 330_000 });
    expect(openBackoff(sealBackoff(NOW + 330_001, BACKOFF_KEY, [KEY]), BACKOFF_KEY, [KEY], NOW)).toEqual({ refused: 'it ends more than 300 s from now, beyond the longest back-off' });
    expect(openBackoff(sealBackoff(NOW + 1e12, BACKOFF_KEY, [KEY]), BACKOFF_KEY, [KEY], NOW).refused).toMatch(/beyond the longest back-off/);
  });
});
