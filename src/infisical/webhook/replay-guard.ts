import { WEBHOOK_REPLAY_CAPACITY } from '../infisical.defaults.js';
import type { InfisicalClock } from '../interfaces/infisical-clock.interface.js';

/** What the guard says about a delivery: new (now remembered), seen before, or not rememberable (refuse it). */
export type ReplayVerdict = 'first' | 'replay' | 'full';

/**
 * Remembers every accepted delivery for as long as the freshness check could accept it again: a delivery signed at
 * `t` passes that check until `t + windowMs` on this clock, so it is remembered until then, and forgotten after
 * (bounded memory, whatever the clock skew between Infisical and this machine). Live entries are never dropped to
 * make room: with `capacity` of them, further deliveries are refused until the oldest expire.
 */
export class ReplayGuard {
  /** Signature → the last instant at which the freshness check accepts the delivery; in the order accepted. */
  readonly #until = new Map<string, number>();

  constructor(
    private readonly clock: InfisicalClock,
    private readonly windowMs: number,
    private readonly capacity = WEBHOOK_REPLAY_CAPACITY,
  ) {}

  /** How many deliveries are remembered. */
  get size(): number {
    return this.#until.size;
  }

  /** Judges the delivery with `signature`, signed at `signedAt` (already found fresh), and remembers a new one. */
  admit(signature: string, signedAt: number): ReplayVerdict {
    const now = this.clock.now();
    this.#forgetExpired(now, true);
    if (this.#until.has(signature)) return 'replay';
    if (this.#until.size >= this.capacity) this.#forgetExpired(now, false);
    if (this.#until.size >= this.capacity) return 'full';
    this.#until.set(signature, signedAt + this.windowMs);
    return 'first';
  }

  /**
   * Drops the entries past their last acceptable instant: from the oldest accepted up to the first live one
   * (`fromOldest`, cheap, enough while there is room), or all of them.
   */
  #forgetExpired(now: number, fromOldest: boolean): void {
    for (const [signature, until] of this.#until) {
      if (until < now) this.#until.delete(signature);
      else if (fromOldest) return;
    }
  }
}
