import { InfisicalError } from '../errors/infisical.error.js';
import { InfisicalUnreachableError } from '../errors/transport.errors.js';
import type { InfisicalClock, InfisicalTimer } from '../interfaces/infisical-clock.interface.js';
import type { InfisicalTarget } from '../interfaces/infisical-source.interface.js';
import { isRejectedAnswer, refreshDelayMs, retryDelayMs } from './backoff.policy.js';
import type { SecretSnapshot } from './secret-snapshot.js';
import type { StoreLogger } from './store.logger.js';
import type { RefreshBookkeeping } from './store-state.js';

/** What happened to one refresh, for metrics. */
export interface RefreshOutcome {
  result: 'success' | 'rejected' | 'failure';
  durationMs: number;
  error?: InfisicalError;
}

export interface RefreshSchedulerDependencies {
  /** The store's state; the scheduler writes only its failure and schedule bookkeeping. */
  state: RefreshBookkeeping;
  /** Produces a validated candidate snapshot (throws the named error of a failure or rejection). */
  load: (signal: AbortSignal) => Promise<SecretSnapshot>;
  /** Installs an accepted snapshot. */
  accept: (snapshot: SecretSnapshot) => void;
  clock: InfisicalClock;
  random: () => number;
  ttlSeconds: number;
  logger: StoreLogger;
  /** Named in errors that have no better target (shutdown). */
  target: InfisicalTarget;
  onRefresh?: (outcome: RefreshOutcome) => void;
}

/**
 * Keeps a store fresh: a refresh every TTL (± jitter), single flight (concurrent triggers share one refresh),
 * back-off after failures, and the failure state health reports. A failure or rejection never replaces the
 * snapshot: the last good values stay, and the log says why once (repeats go to debug).
 */
export class RefreshScheduler {
  readonly #lifetime = new AbortController();
  #inflight: Promise<boolean> | undefined;
  #timer: InfisicalTimer | undefined;
  #lastSignature: string | undefined;

  constructor(private readonly deps: RefreshSchedulerDependencies) {}

  /** Aborted at shutdown: every request under way is cancelled. */
  get signal(): AbortSignal {
    return this.#lifetime.signal;
  }

  get inflight(): Promise<boolean> | undefined {
    return this.#inflight;
  }

  /** Refreshes now, or joins the refresh under way. Resolves to true when the snapshot is fresh afterwards; never rejects. */
  refresh(): Promise<boolean> {
    if (this.deps.state.closed) return Promise.resolve(false);
    this.#inflight ??= this.#run().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  /** Refreshes once the refresh under way (if any) is over; concurrent callers share that next refresh. */
  async refreshAfterCurrent(): Promise<boolean> {
    await this.#inflight;
    return this.refresh();
  }

  /** Schedules the regular refresh after a good load (none when the TTL is 0). */
  scheduleRegular(): void {
    this.#schedule(this.deps.ttlSeconds > 0 ? refreshDelayMs(this.deps.ttlSeconds, this.deps.random) : undefined);
  }

  /** Records a failure (also used when bootstrap fell back to the last-known-good file) and schedules the retry. */
  recordFailure(error: InfisicalError): number {
    const { state } = this.deps;
    state.recordFailure(error, !isRejectedAnswer(error));
    const delay = retryDelayMs(state.transportFailures, error, this.deps.ttlSeconds, this.deps.random);
    this.#schedule(delay);
    return delay;
  }

  /** Stops every timer and cancels the refresh under way. */
  stop(): void {
    this.#cancelTimer();
    this.deps.state.scheduleAt(undefined);
    this.#lifetime.abort(new InfisicalUnreachableError(this.deps.target, 'timeout', 'the application is shutting down'));
  }

  async #run(): Promise<boolean> {
    const { state, clock, logger } = this.deps;
    this.#cancelTimer();
    const started = clock.now();
    state.refreshStarted(started);
    try {
      const snapshot = await this.deps.load(this.#lifetime.signal);
      if (state.closed) return false;
      const failedBefore = state.recordSuccess();
      if (failedBefore > 0) logger.log(`Infisical refresh recovered after ${failedBefore} failed attempt(s); serving fresh values again.`);
      this.#lastSignature = undefined;
      this.deps.accept(snapshot);
      this.scheduleRegular();
      this.deps.onRefresh?.({ result: 'success', durationMs: clock.now() - started });
      return true;
    } catch (caught) {
      if (state.closed) return false;
      const error = asInfisicalError(caught, this.deps.target);
      const delay = this.recordFailure(error);
      const age = state.snapshot?.confirmedAt === undefined ? '?' : Math.max(0, Math.round((clock.now() - state.snapshot.confirmedAt) / 1000));
      const verb = isRejectedAnswer(error) ? 'was rejected' : 'failed';
      const message =
        `Infisical refresh ${verb} (attempt ${state.failures}); keeping the last good values (${age} s old), ` +
        `next attempt in ${Math.round(delay / 1000)} s. ${error.name}: ${error.message}`;
      const signature = `${error.name}|${error.message}`;
      logger.write(signature === this.#lastSignature ? 'debug' : 'warn', message);
      this.#lastSignature = signature;
      this.deps.onRefresh?.({ result: isRejectedAnswer(error) ? 'rejected' : 'failure', durationMs: clock.now() - started, error });
      return false;
    } finally {
      state.refreshEnded();
    }
  }

  #schedule(delayMs: number | undefined): void {
    const { state, clock } = this.deps;
    this.#cancelTimer();
    if (state.closed || delayMs === undefined) {
      state.scheduleAt(undefined);
      return;
    }
    state.scheduleAt(clock.now() + delayMs);
    this.#timer = clock.setTimeout(() => {
      this.#timer = undefined;
      void this.refresh();
    }, delayMs);
  }

  #cancelTimer(): void {
    if (this.#timer !== undefined) this.deps.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/** Anything thrown on the data path as a named error (an unexpected throw is an unusable answer). */
export function asInfisicalError(error: unknown, target: InfisicalTarget): InfisicalError {
  if (error instanceof InfisicalError) return error;
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new InfisicalUnreachableError(target, 'invalid-response', `an unexpected failure while reading the answer (${detail.slice(0, 300)})`);
}
