/**
 * How the store splits the work of a large refresh so that the event loop keeps turning: at most `keysPerStep` keys
 * are handled in one synchronous step, and `pause()` lets other work run before the next step.
 */
export interface WorkSteps {
  /** Keys compared or indexed in one synchronous step (default {@link DEFAULT_KEYS_PER_STEP}). */
  readonly keysPerStep: number;
  /** Resolves once the event loop has run other work (default: `setImmediate`). */
  pause(): Promise<void>;
}

/**
 * 2,000 keys per step: each key costs a few microseconds per stage (comparison, mask index), so a step stays near
 * 10 ms on a loaded 2-core machine, and a refresh of up to 2,000 keys is not split at all.
 */
export const DEFAULT_KEYS_PER_STEP = 2_000;

/** Steps of {@link DEFAULT_KEYS_PER_STEP} keys, with a `setImmediate` turn of the event loop between two. */
export const EVENT_LOOP_STEPS: WorkSteps = Object.freeze({
  keysPerStep: DEFAULT_KEYS_PER_STEP,
  pause: () => new Promise<void>((resolve) => setImmediate(resolve)),
});
