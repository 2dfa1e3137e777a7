import type { InfisicalClock } from '../interfaces/infisical-clock.interface.js';

/** Resolves after `ms` on `clock`; rejects with the signal's reason as soon as `signal` aborts (the timer is cleared). */
export function sleep(clock: InfisicalClock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const abort = () => {
      clock.clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = clock.setTimeout(() => {
      signal.removeEventListener('abort', abort);
      resolve();
    }, ms);
    signal.addEventListener('abort', abort, { once: true });
  });
}
