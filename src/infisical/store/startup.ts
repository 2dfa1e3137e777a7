import { InfisicalError } from '../errors/infisical.error.js';
import { InfisicalStartupTimeoutError } from '../errors/transport.errors.js';
import { sleep } from '../infisical.clock.js';
import type { InfisicalClock } from '../interfaces/infisical-clock.interface.js';
import type { InfisicalTarget } from '../interfaces/infisical-source.interface.js';
import { retryDelayMs } from './backoff.policy.js';
import type { LastKnownGoodCache } from './last-known-good.cache.js';
import { asInfisicalError } from './refresh.scheduler.js';
import type { SecretLoader } from './secret.loader.js';
import type { SecretSnapshot } from './secret-snapshot.js';

export interface StartupDependencies {
  loader: SecretLoader;
  cache: LastKnownGoodCache | undefined;
  clock: InfisicalClock;
  random: () => number;
  startupTimeoutMs: number;
  /** Aborted at shutdown (bootstrap stops at once). */
  lifetime: AbortSignal;
  target: InfisicalTarget;
  /** Every source, named by the deadline error. */
  sources: readonly InfisicalTarget[];
}

/** The first snapshot, and why it came from the last-known-good file when it did. */
export interface StartupResult {
  snapshot: SecretSnapshot;
  /** Set when Infisical could not answer and the last-known-good file stood in for it. */
  fallbackCause?: InfisicalError;
}

/**
 * Loads the first snapshot: one login and one list per source, bounded by `startupTimeoutMs` whatever the network
 * does. Transient trouble is retried with back-off while the deadline leaves room, and when it runs out the last
 * attempt's error is reported (a start-up timeout only when no attempt finished); a definitive answer (wrong
 * credentials, no access, invalid configuration) fails at once. When Infisical cannot answer and a last-known-good
 * file is configured, the file stands in (validated like an answer); a definitive answer is never hidden behind it.
 */
export async function loadAtStartup(deps: StartupDependencies): Promise<StartupResult> {
  const { clock, startupTimeoutMs, target } = deps;
  const deadlineAt = clock.now() + startupTimeoutMs;
  const deadline = new AbortController();
  let lastError: InfisicalError | undefined;
  const onClose = () => deadline.abort(deps.lifetime.reason);
  deps.lifetime.addEventListener('abort', onClose, { once: true });
  // The deadline timer keeps the process alive while bootstrap waits (e.g. between retries, when no socket is open).
  // At the deadline, the last failed attempt is the cause reported (as when its retry would not fit before the
  // deadline); a start-up timeout is reported only when no attempt finished at all.
  const timer = clock.setTimeout(() => deadline.abort(lastError ?? new InfisicalStartupTimeoutError(target, startupTimeoutMs, deps.sources)), startupTimeoutMs, {
    keepAlive: true,
  });
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        return { snapshot: await deps.loader.load(deadline.signal, { diagnose: true }) };
      } catch (caught) {
        const error = asInfisicalError(caught, target);
        const delay = retryDelayMs(attempt, error, 0, deps.random);
        if (!error.transient || deadline.signal.aborted || clock.now() + delay >= deadlineAt) throw error;
        lastError = error;
        await sleep(clock, delay, deadline.signal);
      }
    }
  } catch (caught) {
    const error = asInfisicalError(caught, target);
    if (!error.transient || !deps.cache || deps.lifetime.aborted) throw error;
    return { snapshot: await fromCache(deps, deps.cache, error), fallbackCause: error };
  } finally {
    clock.clearTimeout(timer);
    deps.lifetime.removeEventListener('abort', onClose);
  }
}

async function fromCache(deps: StartupDependencies, cache: LastKnownGoodCache, cause: InfisicalError): Promise<SecretSnapshot> {
  try {
    const cached = await cache.read();
    return await deps.loader.fromAnswer(cached.secrets, 'cache', cached.fetchedAt);
  } catch (cacheError) {
    const reason = cacheError instanceof InfisicalError ? cacheError.message : String(cacheError);
    throw cause.withNote(`The last-known-good snapshot could not be used either: ${reason}`);
  }
}
