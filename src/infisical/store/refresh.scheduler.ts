import { InfisicalError } from '../errors/infisical.error.js';
import { InfisicalUnreachableError } from '../errors/transport.errors.js';
import type { InfisicalClock, InfisicalTimer } from '../interfaces/infisical-clock.interface.js';
import type { InfisicalTarget } from '../interfaces/infisical-source.interface.js';
import { heldAs, holdAfter, isRejectedAnswer, refreshDelayMs, retryDelayMs, type RefreshCause } from './backoff.policy.js';
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
  /** Installs an accepted snapshot (a large one in steps: the refresh ends once it is installed). */
  accept: (snapshot: SecretSnapshot) => void | Promise<void>;
  clock: InfisicalClock;
  random: () => number;
  ttlSeconds: number;
  logger: StoreLogger;
  /** Named in errors that have no better target (shutdown). */
  target: InfisicalTarget;
  onRefresh?: (outcome: RefreshOutcome) => void;
}

/**
 * Keeps a store fresh, and is the one refresh policy every trigger goes through (TTL timer, webhook, fleet notice,
 * `refresh()` / `refreshNow()`, `getAsync`):
 * - single flight: concurrent triggers share one refresh;
 * - a refresh every TTL (± jitter); after a failure, one retry when its back-off, `Retry-After` or the pause after a
 *   failure that needs a human ends (see {@link holdAfter});
 * - a trigger during such a hold is kept and served by the attempt at its end (not dropped, not sent early), except
 *   an explicit call during Infisical's wait or the human pause: it resolves false at once without a request.
 * A failure or rejection never replaces the snapshot: the last good values stay, and the log says why once (repeats
 * go to debug).
 */
export class RefreshScheduler {
  readonly #lifetime = new AbortController();
  #inflight: Promise<boolean> | undefined;
  #timer: InfisicalTimer | undefined;
  #lastSignature: string | undefined;
  /** Changes held until the next attempt, which answers them. */
  #held: { promise: Promise<boolean>; resolve: (fresh: boolean) => void } | undefined;

  constructor(private readonly deps: RefreshSchedulerDependencies) {}

  /** Aborted at shutdown: every request under way is cancelled. */
  get signal(): AbortSignal {
    return this.#lifetime.signal;
  }

  get inflight(): Promise<boolean> | undefined {
    return this.#inflight;
  }

  /**
   * An explicit refresh: now, or the refresh under way. During a back-off it sends nothing and resolves with the
   * attempt at its end; during Infisical's wait (429) or the pause after a failure that needs a human it sends nothing
   * and resolves false at once (the attempt at the end of the wait still runs; `status()` says why). Resolves to true
   * when the snapshot is fresh afterwards; never rejects.
   */
  refresh(): Promise<boolean> {
    return this.#trigger('explicit');
  }

  /** Like {@link refresh}, once the refresh under way (if any) is over; concurrent callers share that next refresh. */
  async refreshAfterCurrent(): Promise<boolean> {
    await this.#inflight;
    return this.refresh();
  }

  /**
   * A change announced by a channel (webhook, fleet notice): a refresh once the one under way is over (it may have read
   * before the change). During a hold (back-off, `Retry-After`, the pause after a failure that needs a human) it sends
   * nothing and resolves with the attempt at the hold's end; concurrent changes share it. Never rejects.
   */
  async refreshAfterChange(): Promise<boolean> {
    await this.#inflight;
    return this.#trigger('change');
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
    this.#answerHeld(false);
    this.deps.state.scheduleAt(undefined);
    this.#lifetime.abort(new InfisicalUnreachableError(this.deps.target, 'timeout', 'the application is shutting down'));
  }

  /** One trigger through the policy: the refresh under way, a new one, the attempt at the hold's end, or false. */
  #trigger(cause: RefreshCause): Promise<boolean> {
    const { state, clock, logger } = this.deps;
    if (state.closed) return Promise.resolve(false);
    if (this.#inflight) return this.#inflight;
    const error = state.lastError;
    const until = state.nextRefreshAt;
    const held = error === undefined || until === undefined || clock.now() >= until ? 'run' : heldAs(holdAfter(error), cause);
    if (held === 'run') return this.#start();
    if (held === 'wait') return (this.#held ??= deferred()).promise;
    logger.write('debug', `Infisical refresh not sent: retries wait after ${error!.name} (next attempt in ${Math.ceil((until! - clock.now()) / 1000)} s).`);
    return Promise.resolve(false);
  }

  #start(): Promise<boolean> {
    const run = this.#run().finally(() => {
      this.#inflight = undefined;
    });
    this.#inflight = run;
    const held = this.#held;
    this.#held = undefined;
    void run.then((fresh) => held?.resolve(fresh));
    return run;
  }

  #answerHeld(fresh: boolean): void {
    this.#held?.resolve(fresh);
    this.#held = undefined;
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
      await this.deps.accept(snapshot);
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
      if (!this.#inflight) void this.#start();
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

function deferred(): { promise: Promise<boolean>; resolve: (fresh: boolean) => void } {
  let resolve!: (fresh: boolean) => void;
  const promise = new Promise<boolean>((settle) => (resolve = settle));
  return { promise, resolve };
}

