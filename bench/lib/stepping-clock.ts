import type { InfisicalClock, InfisicalTimer } from '../../src/infisical/interfaces/infisical-clock.interface.js';
import { ManualClock } from '../../test/support/manual-clock.js';

/**
 * A {@link ManualClock} that can also run late: `stall(ms)` moves time forward *without* firing the timers that
 * fall due (an event loop too busy to run them), so readers can see an expired snapshot before the refresh timer
 * does; `catchUp()` then fires the late timers. `advance(ms)` is the ManualClock's (timers fire on time).
 */
export class SteppingClock implements InfisicalClock {
  readonly inner: ManualClock;
  #lag = 0;

  constructor(start?: number) {
    this.inner = new ManualClock(start);
  }

  readonly now = (): number => this.inner.now() + this.#lag;

  setTimeout(callback: () => void, ms: number): InfisicalTimer {
    return this.inner.setTimeout(callback, ms + this.#lag);
  }

  clearTimeout(timer: InfisicalTimer): void {
    this.inner.clearTimeout(timer);
  }

  /** Delays (from now) of the pending timers, soonest first. */
  get pending(): number[] {
    return this.inner.pending.map((d) => d - this.#lag);
  }

  /** Time moves on by `ms`, but no timer runs. */
  stall(ms: number): void {
    this.#lag += ms;
  }

  /** The timers that fell due during a stall run now. */
  catchUp(): void {
    const lag = this.#lag;
    this.#lag = 0;
    this.inner.advance(lag);
  }

  /** Moves time forward by `ms`, firing due timers in order. */
  advance(ms: number): void {
    this.catchUp();
    this.inner.advance(ms);
  }
}
