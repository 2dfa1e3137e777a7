import { describe, expect, it } from '@jest/globals';
import { healthState } from '../../src/infisical/health/health-status.js';
import { SecretSnapshot } from '../../src/infisical/store/secret-snapshot.js';
import { initialStoreState, type StoreState } from '../../src/infisical/store/store-state.js';

const T0 = 1_700_000_000_000;
const REQUEST_TIMEOUT_MS = 10_000;
const context = (now: number) => ({ maxStaleSeconds: 3600, requestTimeoutMs: REQUEST_TIMEOUT_MS, now });

function stateFetchedAt(confirmedAt: number, refreshStartedAt?: number): StoreState {
  return { ...initialStoreState(), snapshot: new SecretSnapshot({ values: { A: 'a' }, keys: {} } as never, 'infisical', confirmedAt, []), refreshStartedAt };
}

/** A refresh that hangs is a failure once it outlives its timeout, not only when maxStaleSeconds runs out. */
describe('health of a refresh in flight', () => {
  it('is up while the refresh is within requestTimeoutMs', () => {
    expect(healthState(stateFetchedAt(T0, T0 + 60_000), context(T0 + 60_000 + REQUEST_TIMEOUT_MS))).toBe('up');
  });

  it('is degraded once the refresh has been in flight longer than requestTimeoutMs', () => {
    expect(healthState(stateFetchedAt(T0, T0 + 60_000), context(T0 + 60_000 + REQUEST_TIMEOUT_MS + 1))).toBe('degraded');
  });

  it('is down once the snapshot is older than maxStaleSeconds, hung refresh or not', () => {
    expect(healthState(stateFetchedAt(T0, T0 + 60_000), context(T0 + 3600_000 + 1))).toBe('down');
    expect(healthState(stateFetchedAt(T0), context(T0 + 3600_000 + 1))).toBe('up'); // not stale: no failure, nothing in flight
  });
});
