import { describe, expect, it } from '@jest/globals';
import { initialStoreState, StoreStateOwner } from '../../src/infisical/store/store-state.js';
import { failures } from '../support/fakes/infisical-errors.fake.js';
import { snapshotOf } from '../support/fakes/secret-snapshot.fake.js';

const fields = (s: object) => {
  const { snapshot, failures: f, transportFailures, lastError, nextRefreshAt, refreshStartedAt, closed } = s as StoreStateOwner;
  return { snapshot, failures: f, transportFailures, lastError, nextRefreshAt, refreshStartedAt, closed };
};

describe('StoreStateOwner', () => {
  it('starts empty, fresh and open', () => {
    const empty = { snapshot: undefined, failures: 0, transportFailures: 0, lastError: undefined, nextRefreshAt: undefined, refreshStartedAt: undefined, closed: false };
    expect(fields(new StoreStateOwner())).toEqual(empty);
    expect(fields(initialStoreState().view)).toEqual(empty);
    expect(initialStoreState()).toBeInstanceOf(StoreStateOwner);
  });

  it('the view follows every write and accepts none', () => {
    const state = new StoreStateOwner();
    const { view } = state;
    const snapshot = snapshotOf({ A: 'one' });
    const error = failures.network();
    state.install(snapshot);
    state.refreshStarted(5);
    state.recordFailure(error, true);
    state.scheduleAt(9);
    expect(state.close()).toBe(true);
    const expected = { snapshot, failures: 1, transportFailures: 1, lastError: error, nextRefreshAt: 9, refreshStartedAt: 5, closed: true };
    expect(fields(view)).toEqual(expected);
    expect(fields(state)).toEqual(expected);
    expect(Object.isFrozen(view)).toBe(true);
    expect(() => ((view as { failures: number }).failures = 0)).toThrow(TypeError);
    expect(() => ((state as unknown as { failures: number }).failures = 0)).toThrow(TypeError);
    expect('install' in view).toBe(false);
  });

  it('counts failures; only transport failures grow the back-off count', () => {
    const state = new StoreStateOwner();
    const rejected = failures.invalid();
    state.recordFailure(failures.network(), true);
    state.recordFailure(rejected, false);
    expect(state.failures).toBe(2);
    expect(state.transportFailures).toBe(1);
    expect(state.lastError).toBe(rejected);
  });

  it('a success clears the failure state and says how many failures came before', () => {
    const state = new StoreStateOwner();
    state.recordFailure(failures.network(), true);
    state.recordFailure(failures.network(), true);
    state.scheduleAt(3);
    expect(state.recordSuccess()).toBe(2);
    expect(fields(state)).toMatchObject({ failures: 0, transportFailures: 0, lastError: undefined, nextRefreshAt: 3 });
    expect(state.recordSuccess()).toBe(0);
  });

  it('refreshEnded clears the start time; scheduleAt(undefined) clears the due time', () => {
    const state = new StoreStateOwner();
    state.refreshStarted(1);
    state.refreshEnded();
    state.scheduleAt(2);
    state.scheduleAt(undefined);
    expect(state.refreshStartedAt).toBeUndefined();
    expect(state.nextRefreshAt).toBeUndefined();
  });

  it('closes once', () => {
    const state = new StoreStateOwner();
    expect(state.close()).toBe(true);
    expect(state.close()).toBe(false);
    expect(state.closed).toBe(true);
  });
});
