import type { InfisicalClock, InfisicalTimer } from '../../src/infisical/interfaces/infisical-clock.interface.js';

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
   * Like {@link advance}, but after each timer it awaits `settle()` (e.g. the store's `whenSettled`) so that the
   * work the timer started — real I/O on loopback — completes before time moves on, as it would in reality.
   */
  async advanceAsync(ms: number, settle: () => Promise<unknown>): Promise<void> {
    const end = this.#now + ms;
    for (;;) {
      const next = this.#nextDue(end);
      if (!next) break;
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

  /** Moves time forward by `ms`, firing due timers in order (time stops at each timer while it runs). */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      const next = this.#nextDue(end);
      if (!next) break;
      this.#timers.delete(next.id);
      this.#now = Math.max(this.#now, next.at);
      next.callback();
    }
    this.#now = end;
  }
}
