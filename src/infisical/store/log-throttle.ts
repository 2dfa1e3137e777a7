/** What {@link LogThrottle.pass} lets through: whether it is the first of its key, and what was held back before it. */
export interface ThrottledLine {
  /** No line was logged for this key yet (or since {@link LogThrottle.reset}). */
  first: boolean;
  /** Occurrences held back since the last line logged for this key (0 for the first). */
  held: number;
  /** Milliseconds since the last line logged for this key (0 for the first). */
  sinceMs: number;
}

/**
 * Which occurrences of a repeated event get a log line: the first of each key, then at most one per `intervalMs`,
 * counting the ones held back in between (a flood of refused webhooks or Redis reconnects cannot flood the log).
 * Time comes from the caller (the module's clock), no timer. @internal
 */
export class LogThrottle<K = string> {
  readonly #last = new Map<K, { at: number; held: number }>();

  constructor(private readonly intervalMs: number) {}

  /** The line to log for this occurrence of `key` at `now`, or undefined to hold it back. */
  pass(key: K, now: number): ThrottledLine | undefined {
    const last = this.#last.get(key);
    if (last && now - last.at < this.intervalMs) {
      last.held++;
      return undefined;
    }
    this.#last.set(key, { at: now, held: 0 });
    return last ? { first: false, held: last.held, sinceMs: now - last.at } : { first: true, held: 0, sinceMs: 0 };
  }

  /** Forgets `key`: its next occurrence is logged as a first. */
  reset(key: K): void {
    this.#last.delete(key);
  }
}
