import { inspect } from 'node:util';
import { REDACTED } from '../infisical.defaults.js';
import type { DynamicSecretCredentials } from './lease-credentials.js';
import type { LeaseSnapshot, LeaseStatus } from './lease-lifecycle.interface.js';
import type { LeaseLifecycle } from './lease.lifecycle.js';

/** What a handle reads through: the lease lifecycle without its start and stop. */
export type LeaseSource = Pick<LeaseLifecycle, 'name' | 'current' | 'onRotate' | 'forceRefresh' | 'status'>;

/**
 * Application code's view of one dynamic secret: the current lease's credentials, ID and expiry, read at every
 * access (a hand-over is picked up without re-injecting anything), an event after each hand-over, and a forced
 * refresh for credentials the database refused. Reading after the lease expired without a replacement throws
 * `InfisicalLeaseUnavailableError` instead of returning stale credentials. Prints without any credential.
 */
export class DynamicSecretHandle {
  readonly #source: LeaseSource;

  /** Created by the module (dependency injection), not by applications. @hidden */
  constructor(source: LeaseSource) {
    this.#source = source;
  }

  /** Name of the dynamic secret. */
  get name(): string {
    return this.#source.name;
  }

  /** The current lease (ID, expiry, credentials) as one consistent value. */
  get lease(): LeaseSnapshot {
    return this.#source.current();
  }

  /** Credentials of the current lease (`username`, `password`, `data`). */
  get credentials(): DynamicSecretCredentials {
    return this.#source.current().credentials;
  }

  /** ID of the current lease. */
  get leaseId(): string {
    return this.#source.current().leaseId;
  }

  /** When the current lease expires. */
  get expiresAt(): Date {
    return new Date(this.#source.current().expireAt);
  }

  /** State, lease ID, expiry and counts, without credentials; never throws. */
  get status(): LeaseStatus {
    return this.#source.status();
  }

  /** Calls `listener` after each hand-over to a new lease (e.g. to rebuild a client). Returns the unsubscribe function. */
  onRotate(listener: (handle: this) => void): () => void {
    return this.#source.onRotate(() => listener(this));
  }

  /**
   * Takes a new lease now (make-before-break) and resolves with it; concurrent calls share one. For credentials the
   * database refused (PostgreSQL `28P01`).
   */
  forceRefresh(): Promise<LeaseSnapshot> {
    return this.#source.forceRefresh();
  }

  /** Name, lease state, lease ID and expiry with `[REDACTED]` credentials: never a credential. */
  toString(): string {
    const { state, leaseId, expireAt } = this.#source.status();
    const until = expireAt === undefined ? '' : `, expires ${new Date(expireAt).toISOString()}`;
    return `DynamicSecretHandle(${this.name}) { ${state}${leaseId ? `, lease ${leaseId}` : ''}${until}, credentials: ${REDACTED} }`;
  }

  /** What `JSON.stringify` writes: name, state, lease ID, expiry (ISO) and `[REDACTED]` credentials. */
  toJSON(): Record<string, unknown> {
    const { state, leaseId, expireAt } = this.#source.status();
    return { name: this.name, state, leaseId, expireAt: expireAt === undefined ? undefined : new Date(expireAt).toISOString(), credentials: REDACTED };
  }

  /** What `util.inspect` and `console.log` print: the same as `toString()`. */
  [inspect.custom](): string {
    return this.toString();
  }
}
