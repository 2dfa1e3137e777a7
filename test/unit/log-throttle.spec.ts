import { describe, expect, it } from '@jest/globals';
import { LogThrottle } from '../../src/infisical/store/log-throttle.js';

describe('LogThrottle', () => {
  it('lets the first occurrence of each key through, then one per interval with the count held back', () => {
    const throttle = new LogThrottle<string>(60_000);
    expect(throttle.pass('a', 1_000)).toEqual({ first: true, held: 0, sinceMs: 0 });
    expect(throttle.pass('b', 1_000)).toEqual({ first: true, held: 0, sinceMs: 0 });
    expect(throttle.pass('a', 2_000)).toBeUndefined();
    expect(throttle.pass('a', 60_999)).toBeUndefined();
    expect(throttle.pass('a', 61_000)).toEqual({ first: false, held: 2, sinceMs: 60_000 });
    expect(throttle.pass('a', 121_000)).toEqual({ first: false, held: 0, sinceMs: 60_000 });
    expect(throttle.pass('b', 121_000)).toEqual({ first: false, held: 0, sinceMs: 120_000 });
  });

  it('logs the next occurrence of a reset key as a first, at once', () => {
    const throttle = new LogThrottle<string>(60_000);
    throttle.pass('a', 0);
    throttle.pass('a', 10);
    throttle.reset('a');
    expect(throttle.pass('a', 20)).toEqual({ first: true, held: 0, sinceMs: 0 });
  });
});
