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
