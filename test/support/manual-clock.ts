import type { InfisicalClock, InfisicalTimer } from '../../src/infisical/interfaces/infisical-clock.interface.js';

/** More timers than any test fires in one {@link ManualClock.advance} (a day of 1 s timers is 86,400). */
const MAX_TIMERS_PER_ADVANCE = 100_000;

const runaway = (method: string, ms: number): Error =>
  new Error(`ManualClock.${method}(${ms}): more than ${MAX_TIMERS_PER_ADVANCE} timers fired; a timer keeps re-arming itself`);

interface PendingTimer {
  id: number;
  at: number;
  callback: () => void;
}

/**
 * A clock tests move by hand: `advance(ms)` fires every timer that falls due, in order. Pass `clock.now` to the
 * local Infisical server as well so that token expiry follows the same time.
 */
export class ManualClock implements InfisicalClock {
  #now: number;
  #sequence = 0;
  readonly #timers = new Map<number, PendingTimer>();

  constructor(start = Date.UTC(2026, 10, 23, 12, 0, 0)) {
    this.#now = start;
  }

  readonly now = (): number => this.#now;

  setTimeout(callback: () => void, ms: number): InfisicalTimer {
    const id = ++this.#sequence;
    this.#timers.set(id, { id, at: this.#now + Math.max(0, ms), callback });
    return id;
  }

  clearTimeout(timer: InfisicalTimer): void {
    this.#timers.delete(timer as number);
  }

  /** Delays (from now) of the timers still pending, soonest first. */
  get pending(): number[] {
    return [...this.#timers.values()].map((t) => t.at - this.#now).sort((a, b) => a - b);
  }

  /** Moves time forward by `ms` WITHOUT firing timers, like a CPU-throttled instance whose timers run late. */
  jump(ms: number): void {
    this.#now += ms;
  }

  /**
   * Like {@link advance} (and with the same limit), but after each timer it awaits `settle()` (e.g. the store's `whenSettled`) so that the
   * work the timer started — real I/O on loopback — completes before time moves on, as it would in reality.
   */
  async advanceAsync(ms: number, settle: () => Promise<unknown>): Promise<void> {
    const end = this.#now + ms;
    for (let fired = 0; ; fired++) {
      const next = this.#nextDue(end);
      if (!next) break;
      if (fired === MAX_TIMERS_PER_ADVANCE) throw runaway('advanceAsync', ms);
      this.#timers.delete(next.id);
      this.#now = Math.max(this.#now, next.at);
      next.callback();
      await settle();
    }
    this.#now = end;
    await settle();
  }

  #nextDue(end: number): PendingTimer | undefined {
    return [...this.#timers.values()].filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
  }

  /**
   * Moves time forward by `ms`, firing due timers in order (time stops at each timer while it runs). Throws when one
   * call fires more than {@link MAX_TIMERS_PER_ADVANCE} timers: code that keeps re-arming a timer that is already due
   * would otherwise never let the test end.
   */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (let fired = 0; ; fired++) {
      const next = this.#nextDue(end);
      if (!next) break;
      if (fired === MAX_TIMERS_PER_ADVANCE) throw runaway('advance', ms);
      this.#timers.delete(next.id);
      this.#now = Math.max(this.#now, next.at);
      next.callback();
    }
    this.#now = end;
  }
}
