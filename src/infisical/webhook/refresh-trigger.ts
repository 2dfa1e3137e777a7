import type { InfisicalClock, InfisicalTimer } from '../interfaces/infisical-clock.interface.js';

/**
 * Turns "something changed" notices into refreshes: at most one started per `minIntervalMs`; notices that arrive
 * in between are coalesced into one refresh when the interval is over (never dropped: the change they announce
 * may have happened after the refresh under way read Infisical).
 */
export class RefreshTrigger {
  #lastStartedAt = Number.NEGATIVE_INFINITY;
  #timer: InfisicalTimer | undefined;
  #pending: Promise<boolean> | undefined;
  #resolve: ((fresh: boolean) => void) | undefined;
  #stopped = false;

  constructor(
    private readonly clock: InfisicalClock,
    private readonly minIntervalMs: number,
    private readonly refresh: () => Promise<boolean>,
  ) {}

  /** Asks for a refresh; resolves when the refresh it joined is over (true when the values are fresh). */
  request(): Promise<boolean> {
    if (this.#stopped) return Promise.resolve(false);
    if (this.#pending) return this.#pending;
    const pending = new Promise<boolean>((resolve) => (this.#resolve = resolve));
    this.#pending = pending;
    const wait = Math.max(0, this.#lastStartedAt + this.minIntervalMs - this.clock.now());
    if (wait === 0) this.#fire();
    else this.#timer = this.clock.setTimeout(() => this.#fire(), wait);
    return pending;
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) this.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#settle(false);
  }

  #fire(): void {
    this.#timer = undefined;
    this.#lastStartedAt = this.clock.now();
    const resolve = this.#resolve;
    this.#pending = undefined;
    this.#resolve = undefined;
    this.refresh().then(resolve, () => resolve?.(false));
  }

  #settle(value: boolean): void {
    this.#resolve?.(value);
    this.#pending = undefined;
    this.#resolve = undefined;
  }
}
