import { describe, expect, it } from '@jest/globals';
import { ManualClock } from '../support/manual-clock.js';

describe('ManualClock (test support)', () => {
  it('fires due timers in order and stops a timer that keeps re-arming itself at once', async () => {
    const clock = new ManualClock(0);
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(2), 20);
    clock.setTimeout(() => fired.push(1), 10);
    clock.advance(20);
    expect(fired).toEqual([1, 2]);

    const rearm = (): void => void clock.setTimeout(rearm, 0);
    clock.setTimeout(rearm, 0);
    expect(() => clock.advance(1)).toThrow('ManualClock.advance(1): more than 100000 timers fired; a timer keeps re-arming itself');
    await expect(clock.advanceAsync(1, async () => undefined)).rejects.toThrow('ManualClock.advanceAsync(1): more than 100000 timers fired');
  });

  it('lets a day of 1 s timers through', () => {
    const clock = new ManualClock(0);
    let ticks = 0;
    const tick = (): void => {
      ticks++;
      clock.setTimeout(tick, 1000);
    };
    clock.setTimeout(tick, 1000);
    clock.advance(86_400_000);
    expect(ticks).toBe(86_400);
  });
});
