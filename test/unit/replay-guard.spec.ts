import { describe, expect, it } from '@jest/globals';
import { WEBHOOK_REPLAY_CAPACITY } from '../../src/infisical/infisical.defaults.js';
import { ReplayGuard } from '../../src/infisical/webhook/replay-guard.js';
import { ManualClock } from '../support/manual-clock.js';

const WINDOW = 300_000;

describe('ReplayGuard', () => {
  it('admits a signature the first time and calls it a replay after', () => {
    const clock = new ManualClock();
    const guard = new ReplayGuard(clock, WINDOW);
    expect(guard.admit('a', clock.now())).toBe('first');
    expect(guard.admit('a', clock.now())).toBe('replay');
    expect(guard.admit('b', clock.now())).toBe('first');
    expect(guard.size).toBe(2);
  });

  it('remembers a delivery until its signed timestamp leaves the window, whenever it arrived', () => {
    const clock = new ManualClock();
    const guard = new ReplayGuard(clock, WINDOW);
    const signedAt = clock.now() + WINDOW; // signed by a clock 5 min ahead: fresh for the next 10 min here
    expect(guard.admit('ahead', signedAt)).toBe('first');
    clock.advance(2 * WINDOW);
    expect(guard.admit('ahead', signedAt)).toBe('replay');
    clock.advance(1);
    expect(guard.admit('other', clock.now())).toBe('first');
    expect(guard.size).toBe(1); // 'ahead' is forgotten: the freshness check refuses it from now on
  });

  it('a delivery signed at the edge of the window is remembered only as long as it is fresh', () => {
    const clock = new ManualClock();
    const guard = new ReplayGuard(clock, WINDOW);
    guard.admit('behind', clock.now() - WINDOW);
    expect(guard.admit('behind', clock.now() - WINDOW)).toBe('replay');
    clock.advance(1);
    guard.admit('next', clock.now());
    expect(guard.size).toBe(1);
  });

  it('forgets from the oldest accepted up to the first live entry while there is room', () => {
    const clock = new ManualClock();
    const guard = new ReplayGuard(clock, WINDOW);
    guard.admit('old', clock.now());
    guard.admit('ahead', clock.now() + WINDOW);
    guard.admit('behind', clock.now() - WINDOW);
    clock.advance(WINDOW + 1);
    expect(guard.admit('new', clock.now())).toBe('first');
    // 'old' went; 'behind' (expired too) waits behind the live 'ahead' until room is needed
    expect(guard.size).toBe(3);
    expect(guard.admit('ahead', clock.now() - WINDOW)).toBe('replay');
  });

  it('at capacity, expired entries anywhere make room; live ones are never dropped: further deliveries are "full"', () => {
    const clock = new ManualClock();
    const guard = new ReplayGuard(clock, WINDOW, 3);
    guard.admit('ahead', clock.now() + WINDOW);
    guard.admit('behind', clock.now() - WINDOW);
    guard.admit('live', clock.now());
    clock.advance(1);
    expect(guard.admit('fourth', clock.now())).toBe('first'); // 'behind' expired: its room is taken
    expect(guard.size).toBe(3);
    expect(guard.admit('fifth', clock.now())).toBe('full');
    expect(guard.size).toBe(3);
    for (const signature of ['ahead', 'live', 'fourth']) expect(guard.admit(signature, clock.now())).toBe('replay');
    clock.advance(WINDOW);
    expect(guard.admit('fifth', clock.now())).toBe('first'); // 'live' left the window at last
    expect(guard.admit('live', clock.now() - WINDOW)).toBe('full');
  });

  it('a replay is a replay even when the guard is full', () => {
    const clock = new ManualClock();
    const guard = new ReplayGuard(clock, WINDOW, 1);
    guard.admit('a', clock.now());
    expect(guard.admit('a', clock.now())).toBe('replay');
    expect(guard.admit('b', clock.now())).toBe('full');
  });

  it('holds WEBHOOK_REPLAY_CAPACITY (10,000) deliveries by default', () => {
    const clock = new ManualClock();
    const guard = new ReplayGuard(clock, WINDOW);
    expect(WEBHOOK_REPLAY_CAPACITY).toBe(10_000);
    for (let i = 0; i < WEBHOOK_REPLAY_CAPACITY; i++) expect(guard.admit(`s${i}`, clock.now())).toBe('first');
    expect(guard.admit('one-more', clock.now())).toBe('full');
  });
});
