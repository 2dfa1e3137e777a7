import { describe, expect, it } from '@jest/globals';
import { RefreshTrigger } from '../../src/infisical/webhook/refresh-trigger.js';
import { ManualClock } from '../support/manual-clock.js';

const INTERVAL = 1000;

/** A refresh whose outcome the test decides: each call waits until `finish(n, value)` or `fail(n)`. */
function scriptedRefresh() {
  const calls: Array<{ at: number; resolve: (fresh: boolean) => void; reject: (error: Error) => void }> = [];
  let clock: ManualClock;
  return {
    calls,
    bind(c: ManualClock) {
      clock = c;
    },
    refresh: () => new Promise<boolean>((resolve, reject) => calls.push({ at: clock.now(), resolve, reject })),
  };
}

/** The state of a promise once the microtasks queued so far have run. */
async function stateOf<T>(promise: Promise<T>): Promise<{ settled: false } | { settled: true; value: T }> {
  let state: { settled: false } | { settled: true; value: T } = { settled: false };
  void promise.then((value) => (state = { settled: true, value }));
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return state;
}

function setup() {
  const clock = new ManualClock();
  const script = scriptedRefresh();
  script.bind(clock);
  return { clock, script, trigger: new RefreshTrigger(clock, INTERVAL, script.refresh) };
}

describe('RefreshTrigger', () => {
  it('the first request starts a refresh at once and resolves with its outcome', async () => {
    const { clock, script, trigger } = setup();
    const first = trigger.request();
    expect(script.calls.map((c) => c.at)).toEqual([clock.now()]);
    expect(clock.pending).toEqual([]);
    expect(await stateOf(first)).toEqual({ settled: false });
    script.calls[0]!.resolve(true);
    expect(await stateOf(first)).toEqual({ settled: true, value: true });
  });

  it('resolves false when the refresh reports stale values or fails', async () => {
    const { clock, script, trigger } = setup();
    const stale = trigger.request();
    script.calls[0]!.resolve(false);
    expect(await stale).toBe(false);
    clock.advance(INTERVAL);
    const failed = trigger.request();
    script.calls[1]!.reject(new Error('Infisical is down'));
    expect(await failed).toBe(false);
  });

  it('requests within the interval after a start coalesce into one refresh when the interval is over', async () => {
    const { clock, script, trigger } = setup();
    void trigger.request();
    clock.advance(400);
    const second = trigger.request();
    expect(clock.pending).toEqual([600]);
    clock.advance(300);
    const third = trigger.request();
    expect(third).toBe(second);
    expect(clock.pending).toEqual([300]);
    expect(script.calls).toHaveLength(1);
    clock.advance(299);
    expect(script.calls).toHaveLength(1);
    clock.advance(1);
    expect(script.calls.map((c) => c.at - script.calls[0]!.at)).toEqual([0, INTERVAL]);
    script.calls[1]!.resolve(true);
    expect(await second).toBe(true);
  });

  it('the interval counts from the start of the last refresh, however long it runs', async () => {
    const { clock, script, trigger } = setup();
    void trigger.request();
    clock.advance(INTERVAL);
    void trigger.request();
    expect(script.calls).toHaveLength(2);
    clock.advance(INTERVAL - 1);
    void trigger.request();
    expect(script.calls).toHaveLength(2);
    expect(clock.pending).toEqual([1]);
  });

  it('a request after the coalesced refresh started waits for the next interval (it is not joined to the one under way)', async () => {
    const { clock, script, trigger } = setup();
    void trigger.request();
    const coalesced = trigger.request();
    clock.advance(INTERVAL);
    const later = trigger.request();
    expect(later).not.toBe(coalesced);
    expect(script.calls).toHaveLength(2);
    expect(clock.pending).toEqual([INTERVAL]);
    script.calls[1]!.resolve(true);
    expect(await coalesced).toBe(true);
    expect(await stateOf(later)).toEqual({ settled: false });
  });

  it('stop() cancels the waiting refresh, resolves its requests with false and refuses later requests', async () => {
    const { clock, script, trigger } = setup();
    void trigger.request();
    const waiting = trigger.request();
    trigger.stop();
    expect(clock.pending).toEqual([]);
    expect(await waiting).toBe(false);
    clock.advance(10 * INTERVAL);
    expect(await trigger.request()).toBe(false);
    expect(script.calls).toHaveLength(1);
  });

  it('stop() leaves a refresh already under way to report its own outcome', async () => {
    const { script, trigger } = setup();
    const running = trigger.request();
    trigger.stop();
    trigger.stop();
    script.calls[0]!.resolve(true);
    expect(await running).toBe(true);
  });
});
