import type { InfisicalClock } from '../interfaces/infisical-clock.interface.js';

/**
 * Remembers the signatures accepted within the freshness window, so that a captured delivery sent again is
 * refused. Older entries are dropped as new ones arrive (a replay that old fails the timestamp check anyway).
 */
export class ReplayGuard {
  readonly #seen = new Map<string, number>();

  constructor(
    private readonly clock: InfisicalClock,
    private readonly windowMs: number,
  ) {}

  /** True the first time `signature` is offered within the window; false for a replay. */
  firstSeen(signature: string): boolean {
    const now = this.clock.now();
    for (const [seen, at] of this.#seen) {
      if (now - at <= this.windowMs * 2) break;
      this.#seen.delete(seen);
    }
    if (this.#seen.has(signature)) return false;
    this.#seen.set(signature, now);
    return true;
  }
}
