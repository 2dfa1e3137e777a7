import { InfisicalLeaseNotFoundError, InfisicalLeaseUnavailableError } from '../errors/dynamic-secret.errors.js';
import type { InfisicalClock, InfisicalTimer } from '../interfaces/infisical-clock.interface.js';
import type { LeaseApi, LeaseEvents } from './lease-lifecycle.interface.js';
import { drainDelayMs } from './lease-timing.js';

/** A lease to revoke: its ID and expiry (epoch ms). */
export interface RevocableLease {
  readonly id: string;
  readonly expireAt: number;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The leases of one dynamic secret that are on their way out: an old lease after a hand-over is revoked once the
 * drain period is over (never later than its expiry, when Infisical revokes it anyway); at shutdown every lease still
 * held is revoked at once, within a budget. A lease Infisical no longer knows (404) counts as revoked.
 * @internal
 */
export class LeaseRevocations {
  readonly #retiring = new Map<RevocableLease, InfisicalTimer>();
  readonly #late: RevocableLease[] = [];

  constructor(
    private readonly api: Pick<LeaseApi, 'revoke'>,
    private readonly clock: InfisicalClock,
    private readonly name: string,
    private readonly events: LeaseEvents,
  ) {}

  /** Revokes `lease` after `drainMs`, or at its expiry if that comes first. */
  retire(lease: RevocableLease, drainMs: number, signal: AbortSignal): void {
    const timer = this.clock.setTimeout(() => {
      this.#retiring.delete(lease);
      void this.revoke(lease, signal);
    }, drainDelayMs(this.clock.now(), lease.expireAt, drainMs));
    this.#retiring.set(lease, timer);
  }

  /** A lease that arrived after shutdown began: revoked with the others. */
  adopt(lease: RevocableLease): void {
    this.#late.push(lease);
  }

  async revoke(lease: RevocableLease, signal: AbortSignal): Promise<void> {
    try {
      await this.api.revoke(lease.id, signal);
      this.events.onRevoked?.();
    } catch (error) {
      if (error instanceof InfisicalLeaseNotFoundError) return;
      this.events.onFailed?.(error);
      this.events.warn?.(
        `Could not revoke lease ${lease.id} of dynamic secret "${this.name}" (Infisical revokes it at its expiry, ` +
          `${new Date(lease.expireAt).toISOString()}): ${messageOf(error)}`,
      );
    }
  }

  /**
   * Shutdown: waits for `running` (the renewal or hand-over in progress, already cancelled), then revokes `current`,
   * the draining leases and the late ones that have not expired, all within `budgetMs` in total.
   */
  async revokeAll(current: RevocableLease | undefined, running: Promise<unknown> | undefined, budgetMs: number): Promise<void> {
    const budget = new AbortController();
    let timer: InfisicalTimer;
    const ended = new Promise<void>((resolve) => {
      timer = this.clock.setTimeout(() => {
        budget.abort(new InfisicalLeaseUnavailableError(this.name, 'stopped'));
        resolve();
      }, budgetMs);
    });
    await Promise.race([running, ended]);
    for (const pending of this.#retiring.values()) this.clock.clearTimeout(pending);
    const now = this.clock.now();
    const held = [current, ...this.#retiring.keys(), ...this.#late].filter((l): l is RevocableLease => l !== undefined && l.expireAt > now);
    this.#retiring.clear();
    this.#late.length = 0;
    await Promise.race([Promise.all(held.map((lease) => this.revoke(lease, budget.signal))), ended]);
    this.clock.clearTimeout(timer!);
  }
}
