/** Opaque handle of a timer created by an {@link InfisicalClock}. */
export type InfisicalTimer = unknown;

/**
 * Time source and timers of the module. The default uses `Date.now` and unref'd Node timers (so the module never
 * keeps a process alive); tests replace it through the `INFISICAL_CLOCK` token to drive TTLs deterministically.
 */
export interface InfisicalClock {
  /** Current time in epoch milliseconds. */
  now(): number;
  /**
   * Runs `callback` once after `ms` milliseconds. Timers do not keep the process alive unless `keepAlive` is set
   * (the start-up deadline sets it: a process that is still bootstrapping must not exit because only timers remain).
   */
  setTimeout(callback: () => void, ms: number, options?: { keepAlive?: boolean }): InfisicalTimer;
  /** Cancels a timer created by {@link InfisicalClock.setTimeout}; unknown or fired timers are ignored. */
  clearTimeout(timer: InfisicalTimer): void;
}
