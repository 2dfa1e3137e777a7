import type { InfisicalError } from '../errors/infisical.error.js';
import type { SecretSnapshot } from './secret-snapshot.js';

/** The state of one store, as health status and metrics read it: the snapshot served and the refresh failure state. Names only, no values. */
export interface StoreState {
  readonly snapshot: SecretSnapshot | undefined;
  /** Consecutive failed or rejected refreshes (0 = fresh). */
  readonly failures: number;
  /** Consecutive refreshes that got no usable answer (network, 5xx, 429 …); rejections do not count. */
  readonly transportFailures: number;
  readonly lastError: InfisicalError | undefined;
  readonly nextRefreshAt: number | undefined;
  /** When the refresh under way started, if one is. */
  readonly refreshStartedAt: number | undefined;
  readonly closed: boolean;
}

/** The writes the refresh scheduler makes: the failure and schedule bookkeeping. */
export interface RefreshBookkeeping extends StoreState {
  refreshStarted(at: number): void;
  refreshEnded(): void;
  /** Counts a failed or rejected refresh; `transport` when no usable answer came back. */
  recordFailure(error: InfisicalError, transport: boolean): void;
  /** Clears the failure state; returns how many failures came before. */
  recordSuccess(): number;
  /** When the next refresh is due (undefined: none scheduled). */
  scheduleAt(at: number | undefined): void;
}

/**
 * The one owner of a store's mutable state: its methods are the only writers — the snapshot and the close by the
 * store, the failure and schedule bookkeeping by the refresh scheduler. Everything else reads {@link view}, a frozen
 * object that follows the live values and writes nothing.
 */
export class StoreStateOwner implements RefreshBookkeeping {
  #snapshot: SecretSnapshot | undefined;
  #failures = 0;
  #transportFailures = 0;
  #lastError: InfisicalError | undefined;
  #nextRefreshAt: number | undefined;
  #refreshStartedAt: number | undefined;
  #closed = false;

  /** The read-only view handed to readers (health status, metrics). */
  readonly view: StoreState;

  constructor() {
    const owner = this;
    this.view = Object.freeze({
      get snapshot() {
        return owner.#snapshot;
      },
      get failures() {
        return owner.#failures;
      },
      get transportFailures() {
        return owner.#transportFailures;
      },
      get lastError() {
        return owner.#lastError;
      },
      get nextRefreshAt() {
        return owner.#nextRefreshAt;
      },
      get refreshStartedAt() {
        return owner.#refreshStartedAt;
      },
      get closed() {
        return owner.#closed;
      },
    });
  }

  get snapshot(): SecretSnapshot | undefined {
    return this.#snapshot;
  }
  get failures(): number {
    return this.#failures;
  }
  get transportFailures(): number {
    return this.#transportFailures;
  }
  get lastError(): InfisicalError | undefined {
    return this.#lastError;
  }
  get nextRefreshAt(): number | undefined {
    return this.#nextRefreshAt;
  }
  get refreshStartedAt(): number | undefined {
    return this.#refreshStartedAt;
  }
  get closed(): boolean {
    return this.#closed;
  }

  /** Store: the snapshot now served. */
  install(snapshot: SecretSnapshot): void {
    this.#snapshot = snapshot;
  }

  /** Store: marks the store closed; returns false when it already was. */
  close(): boolean {
    if (this.#closed) return false;
    this.#closed = true;
    return true;
  }

  refreshStarted(at: number): void {
    this.#refreshStartedAt = at;
  }

  refreshEnded(): void {
    this.#refreshStartedAt = undefined;
  }

  recordFailure(error: InfisicalError, transport: boolean): void {
    this.#failures++;
    if (transport) this.#transportFailures++;
    this.#lastError = error;
  }

  recordSuccess(): number {
    const before = this.#failures;
    this.#failures = 0;
    this.#transportFailures = 0;
    this.#lastError = undefined;
    return before;
  }

  scheduleAt(at: number | undefined): void {
    this.#nextRefreshAt = at;
  }
}

/** A new store's state: no snapshot, no failure, open. */
export function initialStoreState(): StoreStateOwner {
  return new StoreStateOwner();
}
