import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { systemClock } from '../../src/infisical/infisical.clock.js';

describe('systemClock', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: 1_700_000_000_000 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('reads the time from Date.now', () => {
    expect(systemClock.now()).toBe(1_700_000_000_000);
    jest.setSystemTime(42);
    expect(systemClock.now()).toBe(42);
  });

  it('runs a callback once after the delay, with a timer that does not keep the process alive', () => {
    const fired = jest.fn();
    const timer = systemClock.setTimeout(fired, 1000) as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    jest.advanceTimersByTime(999);
    expect(fired).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('keeps the process alive when asked (the start-up deadline)', () => {
    const timer = systemClock.setTimeout(() => undefined, 1000, { keepAlive: true }) as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(true);
    expect((systemClock.setTimeout(() => undefined, 1000, { keepAlive: false }) as NodeJS.Timeout).hasRef()).toBe(false);
  });

  it('cancels a timer, and ignores one that already fired', () => {
    const fired = jest.fn();
    const timer = systemClock.setTimeout(fired, 1000);
    systemClock.clearTimeout(timer);
    jest.advanceTimersByTime(5000);
    expect(fired).not.toHaveBeenCalled();
    const done = systemClock.setTimeout(fired, 10);
    jest.advanceTimersByTime(10);
    expect(() => systemClock.clearTimeout(done)).not.toThrow();
    expect(fired).toHaveBeenCalledTimes(1);
  });
});
