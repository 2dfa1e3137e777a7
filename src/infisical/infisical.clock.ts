import type { InfisicalClock, InfisicalTimer } from './interfaces/infisical-clock.interface.js';

/** The real clock: `Date.now` and Node timers that do not keep the event loop alive (unless asked to). @internal */
export const systemClock: InfisicalClock = {
  now: () => Date.now(),
  setTimeout(callback: () => void, ms: number, options?: { keepAlive?: boolean }): InfisicalTimer {
    const timer = setTimeout(callback, ms);
    if (!options?.keepAlive) timer.unref();
    return timer;
  },
  clearTimeout(timer: InfisicalTimer): void {
    clearTimeout(timer as NodeJS.Timeout);
  },
};

/** Resolves after `ms` on `clock`; rejects with the signal's reason as soon as `signal` aborts (the timer is cleared). @internal */
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
