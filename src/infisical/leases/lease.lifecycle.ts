import type { CreatedLease } from '../api/lease-response.parser.js';
import { parseDurationMs } from '../api/ttl-duration.parser.js';
import { InfisicalLeaseNotFoundError, InfisicalLeaseRefusedError, InfisicalLeaseUnavailableError } from '../errors/dynamic-secret.errors.js';
import { InfisicalError } from '../errors/infisical.error.js';
import { DEFAULT_LEASE_DRAIN_MS, DEFAULT_LEASE_SHUTDOWN_BUDGET_MS } from '../infisical.defaults.js';
import { sleep } from '../infisical.clock.js';
import type { InfisicalClock, InfisicalTimer } from '../interfaces/infisical-clock.interface.js';
import { retryDelayMs } from '../store/backoff.policy.js';
import { DynamicSecretCredentials } from './lease-credentials.js';
import type { LeaseApi, LeaseEvents, LeaseLifecycleOptions, LeaseSnapshot, LeaseStatus, RotateListener } from './lease-lifecycle.interface.js';
import { LeaseRevocations } from './lease-revocations.js';
import { renewalFits, renewDelayMs, retryWithinMs } from './lease-timing.js';

/** The lease held; `renewable` is false once a renewal was refused (the next step is a new lease). */
interface Held {
  id: string;
  expireAt: number;
  createdAt: number | undefined;
  credentials: DynamicSecretCredentials;
  renewable: boolean;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const stopped = (name: string) => new InfisicalLeaseUnavailableError(name, 'stopped');

/**
 * The lease of one dynamic secret, on the injected clock: taken at start-up; renewed after two thirds of its remaining
 * life; replaced make-before-break when a renewal would pass the max TTL or is refused (new lease handed over first,
 * old one revoked after the drain period); retried with back-off within its remaining life; revoked at shutdown within
 * a budget. Never handed out at or after its `expireAt`. One renewal or hand-over at a time; forceRefresh is shared.
 */
export class LeaseLifecycle {
  #lease: Held | undefined;
  #maxTtlMs: number | undefined;
  #renewTtlMs: number | undefined;
  #timer: InfisicalTimer | undefined;
  #work: Promise<unknown> | undefined;
  #forced: Promise<LeaseSnapshot> | undefined;
  #failures = 0;
  #lastError: unknown;
  #renewals = 0;
  #handOvers = 0;
  #stopped = false;
  readonly #listeners = new Set<RotateListener>();
  readonly #lifetime = new AbortController();
  readonly #revocations: LeaseRevocations;

  constructor(
    private readonly api: LeaseApi,
    private readonly clock: InfisicalClock,
    private readonly options: LeaseLifecycleOptions,
    private readonly events: LeaseEvents = {},
  ) {
    this.#revocations = new LeaseRevocations(api, clock, options.name, events);
  }

  get name(): string {
    return this.options.name;
  }

  /** Takes the first lease, retrying transient failures until `signal` (the start-up deadline) aborts. */
  async start(signal: AbortSignal): Promise<LeaseSnapshot> {
    const both = AbortSignal.any([signal, this.#lifetime.signal]);
    for (;;) {
      try {
        const created = await this.#exclusive(() => this.api.create(both));
        if (this.#stopped) {
          this.#revocations.adopt(created.lease);
          break;
        }
        this.#install(created);
        return this.current();
      } catch (error) {
        this.#fail(error);
        if (!(error instanceof InfisicalError && error.transient) || both.aborted) throw error;
        await sleep(this.clock, retryWithinMs(0, undefined, retryDelayMs(this.#failures, error, 0, this.options.random)), both).catch(() => {
          throw error;
        });
      }
    }
    throw stopped(this.name);
  }

  /** The current lease; throws {@link InfisicalLeaseUnavailableError} rather than hand out an expired one. */
  current(): LeaseSnapshot {
    const lease = this.#lease;
    const lastError = this.#lastError instanceof InfisicalError ? this.#lastError : undefined;
    if (this.#stopped) throw stopped(this.name);
    if (!lease) throw new InfisicalLeaseUnavailableError(this.name, 'not-started', undefined, lastError);
    if (this.clock.now() >= lease.expireAt) throw new InfisicalLeaseUnavailableError(this.name, 'expired', lease.expireAt, lastError);
    return Object.freeze({ leaseId: lease.id, expireAt: lease.expireAt, credentials: lease.credentials });
  }

  /** Calls `listener` with the new lease after each hand-over; returns the unsubscribe function. */
  onRotate(listener: RotateListener): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /**
   * Replaces the lease now (e.g. the database refused its credentials), make-before-break; concurrent calls share
   * one new lease, and a hand-over that happened while waiting for a running renewal counts as the new lease.
   */
  forceRefresh(): Promise<LeaseSnapshot> {
    if (this.#stopped) return Promise.reject(stopped(this.name));
    this.#forced ??= this.#forceReplace().finally(() => (this.#forced = undefined));
    return this.#forced;
  }

  /** Stops renewing and revokes every lease still held (current, draining), within the shutdown budget. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.clock.clearTimeout(this.#timer);
    this.#lifetime.abort(stopped(this.name));
    await this.#revocations.revokeAll(this.#lease, this.#work, this.options.shutdownBudgetMs ?? DEFAULT_LEASE_SHUTDOWN_BUDGET_MS);
  }

  /** What health and metrics show (never the credentials). */
  status(): LeaseStatus {
    const lease = this.#lease;
    const maxExpireAt = lease?.createdAt !== undefined && this.#maxTtlMs !== undefined ? lease.createdAt + this.#maxTtlMs : undefined;
    const error = this.#lastError;
    return {
      name: this.name,
      environment: this.options.environment,
      path: this.options.path,
      state: this.#stopped ? 'stopped' : !lease ? 'starting' : this.clock.now() >= lease.expireAt ? 'expired' : 'active',
      leaseId: lease?.id,
      expireAt: lease?.expireAt,
      createdAt: lease?.createdAt,
      maxExpireAt,
      renewals: this.#renewals,
      handOvers: this.#handOvers,
      consecutiveFailures: this.#failures,
      lastError: error === undefined ? undefined : { code: error instanceof InfisicalError ? error.code : 'UNKNOWN', message: messageOf(error) },
    };
  }

  #install(created: CreatedLease): void {
    const { lease, dynamicSecret, data } = created;
    this.#maxTtlMs = parseDurationMs(dynamicSecret.maxTtl);
    this.#renewTtlMs = parseDurationMs(this.options.ttl ?? dynamicSecret.defaultTtl);
    this.events.mask?.(Object.values(data));
    const held: Held = { id: lease.id, expireAt: lease.expireAt, createdAt: lease.createdAt, credentials: new DynamicSecretCredentials(data), renewable: true };
    this.#lease = held;
    this.#succeeded();
    this.events.onCreated?.();
    this.#schedule(renewDelayMs(this.clock.now(), held.expireAt));
  }

  #schedule(delayMs: number): void {
    this.clock.clearTimeout(this.#timer);
    this.#timer = this.clock.setTimeout(() => {
      this.#timer = undefined;
      if (!this.#work && !this.#stopped) this.#exclusive(() => this.#maintain());
    }, delayMs);
  }

  /** Runs `task` as the one renewal or hand-over in progress (`#work` never rejects: failures are recorded). */
  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    const work = task();
    // Never two at once (timers skip while one runs; forceRefresh waits), so the one that ends is the current one.
    this.#work = work.catch(() => undefined).finally(() => (this.#work = undefined));
    return work;
  }

  /** Renews the lease when a renewal can extend it, otherwise (or when Infisical refuses) replaces it. */
  async #maintain(): Promise<void> {
    const lease = this.#lease!;
    if (lease.renewable && this.clock.now() < lease.expireAt && renewalFits(lease.expireAt, this.#renewTtlMs, lease.createdAt, this.#maxTtlMs)) {
      try {
        const renewed = await this.api.renew(lease.id, this.#lifetime.signal);
        if (this.#stopped) return;
        // A renewal that does not extend the lease (a server that renews in place) is not tried again.
        if (renewed.expireAt <= lease.expireAt) lease.renewable = false;
        lease.expireAt = renewed.expireAt;
        lease.createdAt = renewed.createdAt ?? lease.createdAt;
        this.#renewals++;
        this.#succeeded();
        this.events.onRenewed?.();
        this.#schedule(renewDelayMs(this.clock.now(), lease.expireAt));
        return;
      } catch (error) {
        if (this.#stopped) return;
        if (!(error instanceof InfisicalLeaseRefusedError || error instanceof InfisicalLeaseNotFoundError)) return this.#retryLater(error);
        lease.renewable = false;
        // A lease Infisical no longer knows has no usable credentials: it is over now.
        if (error instanceof InfisicalLeaseNotFoundError) lease.expireAt = Math.min(lease.expireAt, this.clock.now());
      }
    }
    await this.#replace();
  }

  /** Make-before-break: a new lease first, handed to the listeners, then the old one revoked after the drain period. */
  async #replace(): Promise<boolean> {
    const old = this.#lease;
    let created: CreatedLease;
    try {
      created = await this.api.create(this.#lifetime.signal);
    } catch (error) {
      if (!this.#stopped) this.#retryLater(error);
      return false;
    }
    if (this.#stopped) {
      this.#revocations.adopt(created.lease);
      return false;
    }
    this.#install(created);
    this.#handOvers++;
    if (old && old.expireAt > this.clock.now()) this.#revocations.retire(old, this.options.drainMs ?? DEFAULT_LEASE_DRAIN_MS, this.#lifetime.signal);
    const snapshot = this.current();
    for (const listener of [...this.#listeners]) {
      try {
        listener(snapshot);
      } catch (error) {
        this.events.warn?.(`An onRotate listener of dynamic secret "${this.name}" failed: ${messageOf(error)}`);
      }
    }
    return true;
  }

  async #forceReplace(): Promise<LeaseSnapshot> {
    const before = this.#lease;
    while (this.#work) await this.#work;
    // The credentials were refused: a retry after a failed hand-over replaces the lease too, never renews it.
    if (this.#lease === before && before) before.renewable = false;
    if (this.#lease === before && !(await this.#exclusive(() => this.#replace()))) {
      throw this.#lastError ?? stopped(this.name);
    }
    return this.current();
  }

  #retryLater(error: unknown): void {
    this.#fail(error);
    const backoff = retryDelayMs(this.#failures, error, 0, this.options.random);
    this.#schedule(retryWithinMs(this.clock.now(), this.#lease?.expireAt, backoff));
  }

  #fail(error: unknown): void {
    this.#failures++;
    this.#lastError = error;
    this.events.onFailed?.(error);
  }

  #succeeded(): void {
    [this.#failures, this.#lastError] = [0, undefined];
  }
}
