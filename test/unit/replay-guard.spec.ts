import { describe, expect, it } from '@jest/globals';
import { ReplayGuard } from '../../src/infisical/webhook/replay-guard.js';
import { ManualClock } from '../support/manual-clock.js';

const WINDOW = 300_000;

describe('ReplayGuard', () => {
  it('accepts a signature the first time and refuses it after, for as long as it is remembered', () => {
    const clock = new ManualClock();
    const guard = new ReplayGuard(clock, WINDOW);
    expect(guard.firstSeen('a')).toBe(true);
    expect(guard.firstSeen('a')).toBe(false);
    expect(guard.firstSeen('b')).toBe(true);
    clock.advance(WINDOW);
    expect(guard.firstSeen('a')).toBe(false);
    expect(guard.firstSeen('b')).toBe(false);
  });

  it('remembers a signature for twice the window (a replay older than that fails the timestamp check anyway)', () => {
    const clock = new ManualClock();
    const guard = new ReplayGuard(clock, WINDOW);
    guard.firstSeen('a');
    clock.advance(2 * WINDOW);
    expect(guard.firstSeen('a')).toBe(false);
    clock.advance(1);
    expect(guard.firstSeen('a')).toBe(true);
    expect(guard.firstSeen('a')).toBe(false);
  });

  it('forgets only the entries older than that: newer ones are still refused', () => {
    const clock = new ManualClock();
    const guard = new ReplayGuard(clock, WINDOW);
    guard.firstSeen('old');
    clock.advance(WINDOW);
    guard.firstSeen('newer');
    clock.advance(WINDOW + 1);
    expect(guard.firstSeen('old')).toBe(true);
    expect(guard.firstSeen('newer')).toBe(false);
    clock.advance(WINDOW);
    expect(guard.firstSeen('newer')).toBe(true);
  });

});
