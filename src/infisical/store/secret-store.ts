import type { OnApplicationShutdown, OnModuleDestroy } from '@nestjs/common';
import { inspect } from 'node:util';
import { revokeWithinBudget } from '../auth/access-token.session.js';
import { NamespaceRegistry } from '../config/namespace.registry.js';
import type { SecretNamespace } from '../config/secret-namespace.definition.js';
import { InfisicalSecretNotFoundError } from '../errors/configuration.errors.js';
import { computeStatus } from './health-status.js';
import { SHUTDOWN_REVOKE_BUDGET_MS } from '../infisical.defaults.js';
import type { InfisicalStatus, KeyInfo } from '../interfaces/infisical-status.interface.js';
import { ChangeFanout, type SecretChangeListener } from './change-fanout.js';
import { PreviousValues } from './previous-values.js';
import type { SecretSnapshot } from './secret-snapshot.js';
import type { SecretStoreParts } from './secret-store-parts.interface.js';
import { SnapshotInstaller } from './snapshot.installer.js';

export type { SecretChangeListener } from './change-fanout.js';
export type { SecretStoreParts } from './secret-store-parts.interface.js';

/**
 * The configuration loaded from Infisical, as application code reads it:
 * - reads are in-memory lookups of the current snapshot (own keys only) and never wait for the network;
 * - a snapshot is replaced as a whole after a good refresh; changed keys reach `ConfigService.set` (one `changes$`
 *   event each) and the `onChange` listeners;
 * - `status()` is what health reports: names, sources and versions, never values.
 */
export class SecretStore implements OnModuleDestroy, OnApplicationShutdown {
  readonly #parts: SecretStoreParts;
  readonly #closers: Array<() => void | Promise<void>> = [];
  #closing: Promise<unknown> | undefined;
  /** `snapshot.values` (a null-prototype object), one property hop closer for the read path. */
  #values: Readonly<Record<string, unknown>> = Object.create(null);

  readonly #namespaces: NamespaceRegistry;
  readonly #changes: ChangeFanout;
  readonly #installer: SnapshotInstaller;
  readonly #previous: PreviousValues;

  /** Created by the module (dependency injection), not by applications. @hidden */
  constructor(parts: SecretStoreParts) {
    this.#parts = parts;
    this.#namespaces = new NamespaceRegistry(parts.publisher);
    this.#changes = new ChangeFanout(parts.publisher, this.#namespaces, parts.logger);
    this.#previous = new PreviousValues(parts.clock, parts.options.previousValueGraceSeconds);
    this.#installer = new SnapshotInstaller(parts, this.#changes, (snapshot) => this.#set(snapshot), this.#previous);
  }

  // ---------------------------------------------------------------------------------------------------- reads

  /** Current value of `key` (typed by the schema when it declares the key), or undefined. In-memory only. */
  get<T = string>(key: string): T | undefined {
    return this.#values[key] as T | undefined;
  }

  /** Current value of `key`; throws {@link InfisicalSecretNotFoundError} naming the key and environment if absent. */
  getOrThrow<T = string>(key: string): T {
    const value = this.get<T>(key);
    if (value === undefined) throw new InfisicalSecretNotFoundError(key, this.where);
    return value;
  }

  /** Value `key` had before the last refresh changed or removed it, for `previousValueGraceSeconds`; else undefined. */
  previous<T = string>(key: string): T | undefined {
    return this.#previous.get(key) as T | undefined;
  }

  /** Whether `key` has a value. */
  has(key: string): boolean {
    return this.#values[key] !== undefined;
  }

  /**
   * Like {@link get}, for code that can await: with `cacheTtlSeconds: 0` it fetches first (concurrent calls share
   * one request; while a retry waits — back-off, 429 `Retry-After`, the pause after a failure that needs a human — it
   * answers from the last good snapshot without a request); otherwise it answers from memory at once and, when the
   * snapshot is overdue (a timer that ran late), starts a background refresh.
   */
  async getAsync<T = string>(key: string): Promise<T | undefined> {
    const { scheduler, state, clock, options } = this.#parts;
    if (scheduler && !state.closed) {
      const due = state.nextRefreshAt === undefined || clock.now() >= state.nextRefreshAt;
      if (options.cacheTtlSeconds === 0) {
        if (state.failures === 0 || due) await scheduler.refresh();
      } else if (due) {
        void scheduler.refresh();
      }
    }
    return this.get<T>(key);
  }

  /** Names of all keys in the current snapshot. */
  keys(): string[] {
    return Object.keys(this.#values);
  }

  /** Name-level information (source, version, folder) about every key. */
  keyInfo(): Readonly<Record<string, KeyInfo>> {
    return this.#parts.state.snapshot?.keys ?? {};
  }

  /** The validated configuration (a frozen, null-prototype object). */
  configuration(): Readonly<Record<string, unknown>> {
    return this.#values;
  }

  /** Subscribes to changed keys; returns the unsubscribe function. A listener that throws does not stop the others. */
  onChange(listener: SecretChangeListener): () => void {
    return this.#changes.subscribe(listener);
  }

  /** Health-level state, with names and versions only. */
  status(): InfisicalStatus {
    const { state, options, clock, redactor } = this.#parts;
    return computeStatus(state.view, {
      enabled: options.enabled,
      sources: options.sources,
      maxStaleSeconds: options.maxStaleSeconds,
      requestTimeoutMs: options.requestTimeoutMs,
      healthMaxKeys: options.healthMaxKeys,
      now: clock.now(),
      redact: (text) => redactor.redact(text),
      fleet: this.#parts.fleetStatus?.(),
    });
  }

  /** `Infisical environment "dev" (project …, path "/")`, or `the process environment` when disabled. */
  get where(): string {
    return this.#parts.where;
  }

  /**
   * Requires `keys` now and at every later refresh (a refresh that drops one is rejected and the last good values
   * stay): used by `InfisicalModule.forFeature` and namespaces. The merge model decides, as a refresh would: a key
   * absent in Infisical but set in the operator's environment / `.env` is served from there (source `env`).
   * Throws the validation error naming the keys that break a rule.
   * @internal
   */
  requireKeys(keys: readonly string[], requiredBy: string): void {
    this.#installer.require(keys, requiredBy);
  }

  /**
   * The live object of a `registerSecretsAs` namespace (built now; the secrets it reads become required).
   * @internal
   */
  namespace<T extends object>(definition: SecretNamespace<T>): T {
    return this.#namespaces.register(definition, () => this.#values, (keys, by) => this.requireKeys(keys, by));
  }

  // ------------------------------------------------------------------------------------------------- refresh

  /**
   * Refreshes now (or joins the refresh under way). Resolves to true when the snapshot is fresh afterwards; never
   * rejects — failures keep the last good snapshot and are reported through {@link status} and the log.
   * During the back-off after a network or 5xx failure it sends nothing and resolves with the retry at its end. While
   * Infisical asked to wait (429 `Retry-After`) or after a failure that needs a human (login refused, no access:
   * retried every 5 min) it sends nothing and resolves false at once: `status()` gives the error and the next attempt,
   * which still runs.
   */
  refresh(): Promise<boolean> {
    const { scheduler, state } = this.#parts;
    if (!scheduler) return Promise.resolve(!state.closed && state.snapshot !== undefined);
    return scheduler.refresh();
  }

  /**
   * Refreshes now, after the refresh under way if there is one (that one may have started before the change that
   * prompted this call). Concurrent calls share one refresh. Never rejects. Holds like {@link refresh}: during a
   * back-off it resolves with the retry at its end; during Infisical's wait (429) or the pause after a failure that
   * needs a human it resolves false at once without a request.
   */
  refreshNow(): Promise<boolean> {
    const { scheduler, state } = this.#parts;
    if (!scheduler) return Promise.resolve(!state.closed && state.snapshot !== undefined);
    return scheduler.refreshAfterCurrent();
  }

  /**
   * A change announced by a channel (webhook, fleet notice): refreshes after the refresh under way; during a back-off,
   * a 429 wait or the pause after a failure that needs a human it sends nothing and resolves with the attempt at its end.
   * @internal
   */
  refreshAfterChange(): Promise<boolean> {
    const { scheduler, state } = this.#parts;
    if (!scheduler) return Promise.resolve(!state.closed && state.snapshot !== undefined);
    return scheduler.refreshAfterChange();
  }

  /** Resolves once no refresh (and no write of the last-known-good file) is under way, without starting one. */
  async whenSettled(): Promise<void> {
    const { scheduler, cache } = this.#parts;
    while (scheduler?.inflight || cache?.writing) {
      await scheduler?.inflight;
      await cache?.settled();
    }
  }

  /**
   * Installs the first snapshot (bootstrap): published to `ConfigService` at once, without change events.
   * @internal
   */
  install(snapshot: SecretSnapshot): void {
    this.#installer.install(snapshot);
  }

  /**
   * Installs a refreshed snapshot, prepared in steps and switched in one synchronous step (see
   * {@link SnapshotInstaller.accept}). A snapshot that fits one step is installed at once (no promise to await).
   * @internal
   */
  accept(snapshot: SecretSnapshot): Promise<void> | undefined {
    return this.#installer.accept(snapshot);
  }

  #set(snapshot: SecretSnapshot): void {
    this.#parts.state.install(snapshot);
    this.#values = snapshot.values;
  }

  // ------------------------------------------------------------------------------------------------ shutdown

  /** Stops every timer and cancels any request under way. */
  onModuleDestroy(): void {
    const { state, scheduler } = this.#parts;
    if (!state.close()) return;
    scheduler?.stop();
    this.#closing = Promise.allSettled(this.#closers.map(async (close) => close()));
  }

  /**
   * Runs `close` when the store stops (metrics, webhook, fleet connection); awaited before shutdown completes.
   * @internal
   */
  onClose(close: () => void | Promise<void>): void {
    this.#closers.push(close);
  }

  /** Lets a last-known-good write finish, then optionally revokes the access token (within 2 s). */
  async onApplicationShutdown(): Promise<void> {
    this.onModuleDestroy();
    const { cache, session, options, clock, logger } = this.#parts;
    await this.#closing;
    await cache?.settled();
    if (options.revokeTokenOnShutdown && session) await revokeWithinBudget(session, clock, SHUTDOWN_REVOKE_BUDGET_MS, (m) => logger.warn(m));
  }

  toString(): string {
    const s = this.status();
    return `SecretStore(${s.state}, ${s.source}, ${s.keyCount} keys, values redacted)`;
  }

  /** What `JSON.stringify` writes: the status (`status()`) with key names only, never a value. */
  toJSON(): object {
    const { keys, ...rest } = this.status();
    return { ...rest, keys: Object.keys(keys) };
  }

  /** What `util.inspect` and `console.log` print: the same as `toString()`. */
  [inspect.custom](): string {
    return this.toString();
  }
}
