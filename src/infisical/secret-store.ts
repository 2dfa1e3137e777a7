import { Logger, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import { inspect, isDeepStrictEqual } from 'node:util';
import type { ConfigValidator, SourcedSecret, ValidatedConfig } from './config-validator.js';
import type { FetchedSecret, FetchedSecrets, InfisicalClient } from './infisical.client.js';
import { INFISICAL_LOGGER_CONTEXT } from './infisical.constants.js';
import {
  describeTarget,
  InfisicalConfigValidationError,
  InfisicalError,
  InfisicalPermissionError,
  InfisicalSecretNotFoundError,
  InfisicalSecretPathNotFoundError,
  InfisicalStartupTimeoutError,
  InfisicalUnreachableError,
} from './infisical.errors.js';
import type { ResolvedInfisicalOptions } from './infisical-options.resolver.js';
import type { InfisicalClock, InfisicalTimer } from './interfaces/infisical-clock.interface.js';
import type { InfisicalStatus, KeyInfo } from './interfaces/secret-snapshot.interface.js';
import type { LastKnownGoodCache } from './last-known-good.cache.js';
import { refreshDelayMs, retryDelayMs } from './refresh-schedule.js';
import type { SecretRedactor } from './secret-redactor.js';

/** One immutable, validated view of the configuration. Replaced as a whole, never edited. */
interface Snapshot {
  config: ValidatedConfig;
  source: 'infisical' | 'cache' | 'env';
  /** When Infisical delivered these values (epoch ms); undefined when Infisical is disabled. */
  confirmedAt: number | undefined;
  /** Infisical's answer behind the snapshot (what the last-known-good file stores). */
  secrets: ReadonlyArray<{ key: string; value: string; version: number }>;
}

/** Receives the names of the keys whose value changed in a refresh. */
export type SecretChangeListener = (changedKeys: ReadonlySet<string>) => void;

export interface SecretStoreDependencies {
  options: ResolvedInfisicalOptions;
  /** Undefined when Infisical is disabled. */
  client: InfisicalClient | undefined;
  validator: ConfigValidator;
  clock: InfisicalClock;
  redactor: SecretRedactor;
  cache: LastKnownGoodCache | undefined;
  configService: ConfigService | undefined;
  env?: NodeJS.ProcessEnv;
  random?: () => number;
}

/**
 * Holds the current configuration snapshot and keeps it fresh.
 *
 * - Reads are in-memory lookups and never wait for the network while a snapshot exists.
 * - Refreshes run in the background every TTL (± jitter) and when a read finds the snapshot overdue; concurrent
 *   triggers share one request (single-flight).
 * - A refreshed answer is validated like at bootstrap and replaces the snapshot atomically; an invalid answer or a
 *   failure keeps the last good snapshot (stale-on-error), marks health degraded and retries with back-off.
 * - Changed keys are pushed through `ConfigService.set` (so `changes$` emits once per key) and to listeners.
 */
export class SecretStore implements OnModuleDestroy, OnApplicationShutdown {
  readonly #logger = new Logger(INFISICAL_LOGGER_CONTEXT);
  readonly #lifetime = new AbortController();
  readonly #listeners = new Set<SecretChangeListener>();
  readonly #options: ResolvedInfisicalOptions;
  readonly #client: InfisicalClient | undefined;
  readonly #validator: ConfigValidator;
  readonly #clock: InfisicalClock;
  readonly #redactor: SecretRedactor;
  readonly #cache: LastKnownGoodCache | undefined;
  readonly #configService: ConfigService | undefined;
  readonly #env: NodeJS.ProcessEnv;
  readonly #random: () => number;
  #snapshot: Snapshot | undefined;
  /** `#snapshot.config.values`, one property hop closer for the read path. */
  #values: Readonly<Record<string, unknown>> = {};
  #inflight: Promise<boolean> | undefined;
  #persisting: Promise<void> | undefined;
  #timer: InfisicalTimer | undefined;
  #nextRefreshAt: number | undefined;
  #failures = 0;
  #lastError: InfisicalError | undefined;
  #lastFailureSignature: string | undefined;
  #closed = false;

  constructor(deps: SecretStoreDependencies) {
    this.#options = deps.options;
    this.#client = deps.client;
    this.#validator = deps.validator;
    this.#clock = deps.clock;
    this.#redactor = deps.redactor;
    this.#cache = deps.cache;
    this.#configService = deps.configService;
    this.#env = deps.env ?? process.env;
    this.#random = deps.random ?? Math.random;
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

  /** Whether `key` has a value. */
  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /**
   * Like {@link get}, for code that can await: with `cacheTtlSeconds: 0` it fetches first (concurrent calls share
   * one request; while retries back off it answers from the last good snapshot); otherwise it answers from memory
   * at once and, when the snapshot is overdue, starts a background refresh.
   */
  async getAsync<T = string>(key: string): Promise<T | undefined> {
    if (this.#client && !this.#closed) {
      const now = this.#clock.now();
      const due = this.#nextRefreshAt === undefined || now >= this.#nextRefreshAt;
      if (this.#options.cacheTtlSeconds === 0) {
        if (this.#failures === 0 || due) await this.refresh();
      } else if (due) {
        void this.refresh();
      }
    }
    return this.get<T>(key);
  }

  /** Names of all keys in the current snapshot. */
  keys(): string[] {
    return Object.keys(this.#snapshot?.config.values ?? {});
  }

  /** Name-level information (source, version) about every key. */
  keyInfo(): Readonly<Record<string, KeyInfo>> {
    return this.#snapshot?.config.keys ?? {};
  }

  /** The validated configuration object (handed to `@nestjs/config` once at bootstrap). */
  configuration(): Readonly<Record<string, unknown>> {
    return this.#snapshot?.config.values ?? {};
  }

  /** Subscribes to changed keys; returns the unsubscribe function. */
  onChange(listener: SecretChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Health-level state, with names and versions only. */
  status(): InfisicalStatus {
    const snapshot = this.#snapshot;
    const now = this.#clock.now();
    const age = snapshot?.confirmedAt === undefined ? undefined : Math.max(0, Math.round((now - snapshot.confirmedAt) / 1000));
    const stale = this.#failures > 0 || snapshot?.source === 'cache';
    const maxStale = this.#options.maxStaleSeconds;
    const state = !snapshot
      ? 'down'
      : snapshot.source === 'env' || !stale
        ? 'up'
        : maxStale > 0 && age !== undefined && age > maxStale
          ? 'down'
          : 'degraded';
    const keys = { ...(snapshot?.config.keys ?? {}) };
    return {
      state,
      enabled: this.#options.enabled,
      source: snapshot?.source ?? 'none',
      environment: this.#options.target.environment,
      secretPath: this.#options.target.secretPath,
      lastSuccessfulRefresh: snapshot?.confirmedAt === undefined ? undefined : new Date(snapshot.confirmedAt).toISOString(),
      snapshotAgeSeconds: age,
      keyCount: Object.keys(keys).length,
      keys,
      consecutiveFailures: this.#failures,
      lastError: this.#failures > 0 && this.#lastError ? this.#redactor.redact(`${this.#lastError.name}: ${this.#lastError.message}`) : undefined,
      nextRefreshAt: this.#nextRefreshAt === undefined ? undefined : new Date(this.#nextRefreshAt).toISOString(),
    };
  }

  // ----------------------------------------------------------------------------------------------- bootstrap

  /**
   * Loads and validates the configuration: one login and one list call, bounded by `startupTimeoutMs` whatever
   * the SDK would do. A transient failure falls back to the last-known-good file when one is configured.
   */
  async bootstrap(): Promise<void> {
    const started = this.#clock.now();
    if (!this.#client) {
      const config = await this.#validator.validate({ secrets: undefined, secretsSource: 'infisical', env: this.#env });
      this.#setSnapshot({ config, source: 'env', confirmedAt: undefined, secrets: [] });
      this.#logSources('Infisical is disabled: configuration', started);
      return;
    }
    const { target, startupTimeoutMs } = this.#options;
    const deadlineAt = started + startupTimeoutMs;
    const deadline = new AbortController();
    let lastError: InfisicalError | undefined;
    const onClose = () => deadline.abort(this.#lifetime.signal.reason);
    this.#lifetime.signal.addEventListener('abort', onClose, { once: true });
    // The deadline timer keeps the process alive while bootstrap waits (e.g. between retries, when no socket is open).
    const timer = this.#clock.setTimeout(
      () => deadline.abort(new InfisicalStartupTimeoutError(target, startupTimeoutMs, lastError)),
      startupTimeoutMs,
      { keepAlive: true },
    );
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          const fetched = await this.#client.fetchSecrets(deadline.signal);
          const config = await this.#validateAnswer(fetched, deadline.signal, true);
          this.#install(fetched.secrets, config);
          break;
        } catch (caught) {
          const error = this.#asInfisicalError(caught);
          // Transient trouble is retried with back-off while the deadline leaves room for another attempt.
          const delay = retryDelayMs(attempt, error, 0, this.#random);
          if (!error.transient || deadline.signal.aborted || this.#clock.now() + delay >= deadlineAt) throw error;
          lastError = error;
          await this.#sleep(delay, deadline.signal);
        }
      }
      this.#logSources(`Loaded configuration from Infisical ${describeTarget(target)}:`, started);
      this.#persistInBackground();
      this.#schedule(this.#options.cacheTtlSeconds > 0 ? refreshDelayMs(this.#options.cacheTtlSeconds, this.#random) : undefined);
    } catch (caught) {
      let error = this.#asInfisicalError(caught);
      if (error instanceof InfisicalSecretPathNotFoundError && !deadline.signal.aborted) {
        error = await this.#client.explainNotFound(deadline.signal);
      }
      if (error.transient && this.#cache) {
        await this.#startFromCache(error);
        return;
      }
      throw this.#redactor.redactError(error);
    } finally {
      this.#clock.clearTimeout(timer);
      this.#lifetime.signal.removeEventListener('abort', onClose);
    }
  }

  /** Waits `ms` on the module's clock; rejects with the signal's reason when it aborts first. */
  #sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.#clock.clearTimeout(timer);
        reject(signal.reason);
      };
      const timer = this.#clock.setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  async #startFromCache(cause: InfisicalError): Promise<void> {
    const cache = this.#cache as LastKnownGoodCache;
    try {
      const cached = await cache.read();
      this.#redactor.add(...cached.secrets.map((s) => s.value));
      const config = await this.#validator.validate({
        secrets: new Map(cached.secrets.map((s) => [s.key, { value: s.value, version: s.version }])),
        secretsSource: 'cache',
        env: this.#env,
      });
      this.#setSnapshot({ config, source: 'cache', confirmedAt: cached.fetchedAt, secrets: cached.secrets });
    } catch (cacheError) {
      const reason = cacheError instanceof InfisicalError ? cacheError.message : String(cacheError);
      cause.message = `${cause.message}\nThe last-known-good snapshot could not be used either: ${reason}`;
      throw this.#redactor.redactError(cause);
    }
    this.#failures = 1;
    this.#lastError = cause;
    this.#lastFailureSignature = this.#signature(cause);
    this.#log(
      'warn',
      `Infisical could not answer at startup (${cause.message}). Serving the last-known-good snapshot from ` +
        `${cache.path} (${this.status().snapshotAgeSeconds} s old); health reports degraded until a refresh succeeds.`,
    );
    this.#logSources('Configuration from the last-known-good snapshot:', undefined);
    this.#schedule(retryDelayMs(this.#failures, cause, this.#options.cacheTtlSeconds, this.#random));
  }

  // ------------------------------------------------------------------------------------------------- refresh

  /** Resolves once no refresh (and no write of the last-known-good file) is under way, without starting one. */
  async whenSettled(): Promise<void> {
    while (this.#inflight || this.#persisting) {
      await this.#inflight;
      await this.#persisting;
    }
  }

  /**
   * Refreshes now (or joins the refresh under way). Resolves to true when the snapshot is fresh afterwards; never
   * rejects — failures keep the last good snapshot and are reported through {@link status} and the log.
   */
  refresh(): Promise<boolean> {
    if (!this.#client || this.#closed) return Promise.resolve(!this.#closed && this.#snapshot !== undefined && this.#failures === 0);
    this.#inflight ??= this.#runRefresh().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  async #runRefresh(): Promise<boolean> {
    const client = this.#client as InfisicalClient;
    this.#cancelTimer();
    try {
      const fetched = await client.fetchSecrets(this.#lifetime.signal);
      const config = await this.#validateAnswer(fetched, this.#lifetime.signal, false);
      if (this.#closed) return false;
      const changed = this.#install(fetched.secrets, config);
      if (this.#failures > 0) {
        this.#log('log', `Infisical refresh recovered after ${this.#failures} failed attempt(s); serving fresh values again.`);
      }
      this.#failures = 0;
      this.#lastError = undefined;
      this.#lastFailureSignature = undefined;
      this.#publish(changed);
      this.#persistInBackground();
      this.#schedule(this.#options.cacheTtlSeconds > 0 ? refreshDelayMs(this.#options.cacheTtlSeconds, this.#random) : undefined);
      return true;
    } catch (caught) {
      if (this.#closed) return false;
      const error = this.#asInfisicalError(caught);
      this.#failures++;
      this.#lastError = error;
      const delay = retryDelayMs(this.#failures, error, this.#options.cacheTtlSeconds, this.#random);
      const signature = this.#signature(error);
      const message =
        `Infisical refresh failed (attempt ${this.#failures}); keeping the last good values ` +
        `(${this.status().snapshotAgeSeconds ?? '?'} s old), next attempt in ${Math.round(delay / 1000)} s. ${error.name}: ${error.message}`;
      if (signature !== this.#lastFailureSignature) this.#log('warn', message);
      else this.#log('debug', message);
      this.#lastFailureSignature = signature;
      this.#schedule(delay);
      return false;
    }
  }

  /** Validates an answer with the same rules as bootstrap; explains a list that lacks every required key. */
  async #validateAnswer(fetched: FetchedSecrets, signal: AbortSignal, diagnose: boolean): Promise<ValidatedConfig> {
    this.#redactor.add(...fetched.secrets.map((s) => s.value));
    const secrets = new Map<string, SourcedSecret>(fetched.secrets.map((s) => [s.key, { value: s.value, version: s.version }]));
    try {
      return await this.#validator.validate({ secrets, secretsSource: 'infisical', env: this.#env });
    } catch (error) {
      if (!(error instanceof InfisicalConfigValidationError)) throw error;
      const missing = error.issues.filter((i) => i.kind === 'missing').map((i) => i.key);
      const noneFromInfisical = missing.length > 0 && error.issues.every((i) => i.kind === 'missing' || i.source !== 'infisical');
      const hidden = fetched.hiddenKeys.filter((k) => missing.includes(k));
      let note: string | undefined;
      if (hidden.length) {
        note = `Infisical hid the value of ${hidden.join(', ')}: the identity may see these keys but not read their values — give its role "Read Value" on secrets.`;
      } else if (noneFromInfisical) {
        if (diagnose && this.#client && !signal.aborted) {
          const environments = (await this.#client.listEnvironments(signal)) ?? [];
          const others = environments.filter((e) => e !== this.#options.target.environment);
          const readable = others.length ? await this.#client.findReadableEnvironments(signal, others) : [];
          if (readable.length) throw new InfisicalPermissionError(this.#options.target, missing, readable);
        }
        note =
          `Infisical returned ${fetched.secrets.length} secret(s) for ${describeTarget(this.#options.target)} and none of the missing keys. ` +
          `Either they do not exist there, or this identity cannot read them (Infisical hides unreadable secrets instead of refusing).`;
      }
      throw note ? new InfisicalConfigValidationError(error.where, error.issues, note) : error;
    }
  }

  #setSnapshot(snapshot: Snapshot): void {
    this.#snapshot = snapshot;
    this.#values = snapshot.config.values;
  }

  /** Replaces the snapshot atomically; returns the changed keys. */
  #install(secrets: readonly FetchedSecret[], config: ValidatedConfig): Set<string> {
    const previous = this.#snapshot?.config.values;
    this.#setSnapshot({
      config,
      source: 'infisical',
      confirmedAt: this.#clock.now(),
      secrets: secrets.map(({ key, value, version }) => ({ key, value, version })),
    });
    const changed = new Set<string>();
    if (previous) {
      for (const key of new Set([...Object.keys(previous), ...Object.keys(config.values)])) {
        if (!isDeepStrictEqual(previous[key], config.values[key])) changed.add(key);
      }
    }
    return changed;
  }

  /** Pushes changed keys to `ConfigService.set` (one `changes$` event each) and to listeners. */
  #publish(changed: ReadonlySet<string>): void {
    if (changed.size === 0) return;
    const keys = this.#snapshot?.config.keys ?? {};
    const described = [...changed].map((k) => {
      const info = keys[k];
      return `${k} (${info?.version !== undefined ? `v${info.version}` : (info?.source ?? 'removed')})`;
    });
    this.#log('log', `Infisical refresh: ${changed.size} key(s) changed: ${described.join(', ')}`);
    if (this.#configService) {
      // ConfigService.set mirrors values into process.env (and into .env entries that reference the key); secrets
      // are kept out of the environment, which child processes inherit, so it is restored as the operator set it.
      const env = process.env;
      const before = { ...env };
      try {
        for (const key of changed) this.#configService.set(key, this.get(key));
      } finally {
        for (const key of Object.keys(env)) if (!(key in before)) delete env[key];
        for (const [key, value] of Object.entries(before)) if (env[key] !== value) env[key] = value;
      }
    }
    for (const listener of this.#listeners) {
      try {
        listener(changed);
      } catch (error) {
        this.#log('error', `A rotation listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  /** Writes the last-known-good file without holding up bootstrap or the refresh. */
  #persistInBackground(): void {
    if (!this.#cache) return;
    const previous = this.#persisting ?? Promise.resolve();
    const current: Promise<void> = previous
      .then(() => this.#persist())
      .finally(() => {
        if (this.#persisting === current) this.#persisting = undefined;
      });
    this.#persisting = current;
  }

  async #persist(): Promise<void> {
    const snapshot = this.#snapshot;
    if (!this.#cache || !snapshot || snapshot.source !== 'infisical' || snapshot.confirmedAt === undefined) return;
    try {
      await this.#cache.write({ fetchedAt: snapshot.confirmedAt, secrets: [...snapshot.secrets] }, this.#clock.now());
    } catch (error) {
      this.#log('warn', `Could not write the last-known-good snapshot ${this.#cache.path}: ${(error as Error).message}`);
    }
  }

  // ---------------------------------------------------------------------------------------------- scheduling

  #schedule(delayMs: number | undefined): void {
    this.#cancelTimer();
    if (this.#closed || delayMs === undefined) {
      this.#nextRefreshAt = undefined;
      return;
    }
    this.#nextRefreshAt = this.#clock.now() + delayMs;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      void this.refresh();
    }, delayMs);
  }

  #cancelTimer(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  // ------------------------------------------------------------------------------------------------ shutdown

  /** Stops every timer and cancels any request under way. */
  onModuleDestroy(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#cancelTimer();
    this.#nextRefreshAt = undefined;
    this.#lifetime.abort(new InfisicalUnreachableError(this.#options.target, 'timeout', 'the application is shutting down'));
  }

  /** Optionally revokes the access token (bounded by `requestTimeoutMs`). */
  async onApplicationShutdown(): Promise<void> {
    this.onModuleDestroy();
    await this.#persisting; // a write under way completes (temp file renamed) before the process may exit
    if (!this.#options.revokeTokenOnShutdown || !this.#client) return;
    const controller = new AbortController();
    const timer = this.#clock.setTimeout(() => controller.abort(), this.#options.requestTimeoutMs);
    try {
      await this.#client.revoke(controller.signal);
    } catch (error) {
      this.#log('warn', `Could not revoke the Infisical access token: ${(error as Error).message}`);
    } finally {
      this.#clock.clearTimeout(timer);
    }
  }

  // ----------------------------------------------------------------------------------------------- internals

  get where(): string {
    return this.#options.enabled ? `Infisical ${describeTarget(this.#options.target)}` : 'the process environment';
  }

  #asInfisicalError(error: unknown): InfisicalError {
    if (error instanceof InfisicalError) return error;
    const detail = error instanceof Error ? error.message : String(error);
    return new InfisicalUnreachableError(this.#options.target, 'invalid-response', this.#redactor.redact(detail));
  }

  /** Every log line of the module goes through here: masked, whatever a message was built from. */
  #log(level: 'log' | 'warn' | 'error' | 'debug', message: string): void {
    this.#logger[level](this.#redactor.redact(message));
  }

  #signature(error: InfisicalError): string {
    return `${error.name}|${error.message}`;
  }

  #logSources(prefix: string, started: number | undefined): void {
    const bySource = new Map<string, string[]>();
    for (const [key, info] of Object.entries(this.keyInfo())) {
      const list = bySource.get(info.source) ?? [];
      list.push(info.version !== undefined ? `${key} (v${info.version})` : key);
      bySource.set(info.source, list);
    }
    const parts = [...bySource].map(([source, keys]) => `${source}: ${keys.sort().join(', ')}`);
    const took = started === undefined ? '' : ` in ${this.#clock.now() - started} ms`;
    this.#log('log', `${prefix} ${this.keys().length} keys${took} — ${parts.join('; ') || 'none'}`);
  }

  toString(): string {
    const s = this.status();
    return `SecretStore(${s.state}, ${s.source}, ${s.keyCount} keys, values redacted)`;
  }

  toJSON(): object {
    const { keys, ...rest } = this.status();
    return { ...rest, keys: Object.keys(keys) };
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
