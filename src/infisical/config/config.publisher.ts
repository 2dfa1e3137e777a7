import type { ConfigService } from '@nestjs/config';
import type { LoggerService } from '@nestjs/common';
import type { NamespaceChange } from './secret-namespace.definition.js';

/** `@nestjs/config`'s own slot for the validated environment (`VALIDATED_ENV_PROPNAME`): never written by secrets. */
const RESERVED_KEYS = new Set(['_PROCESS_ENV_VALIDATED']);
/** Keys that `ConfigService.get` / `set` would read as a path (`a.b`, `a[0]`): published as one flat key. */
const PATH_LIKE = /[.[\]]/;

/** One `changes$` event, as `ConfigService.set` emits it. */
interface ChangeEvent {
  path: unknown;
  oldValue: unknown;
  newValue: unknown;
}

/** What `ConfigService.set` does after writing: the subject behind `changes$` (`@nestjs/config` 3, 4 and 12). */
interface ChangeSubject {
  next(event: ChangeEvent): void;
}

/**
 * Hands the configuration to `@nestjs/config`'s `ConfigService`:
 * - at bootstrap, every value goes into the object behind `ConfigService` before any provider that depends on the
 *   store is created, the way `ConfigModule.forFeature` merges a loader's result (no change events);
 * - after a refresh, every changed key is written into that object first, and only then does `changes$` emit once
 *   per key (the events `ConfigService.set` emits), so a subscriber never reads a mix of old and new values. The
 *   cost is one property write and one event per changed key: `ConfigService.set`'s `process.env` write and `.env`
 *   re-read per key (undone right after, since secrets never stay in `process.env`) are skipped. Without that
 *   object, with `ConfigModule`'s `cache: true` or an unknown `ConfigService`, each key goes through
 *   `ConfigService.set`, with `process.env` restored afterwards.
 * Secret values never reach `process.env`. Keys that `ConfigService` would read as a path (`a.b`) are stored flat,
 * so `get('a.b')` returns the secret and `get('a')` is untouched; `_PROCESS_ENV_VALIDATED` is never published (a
 * warning names it).
 */
export class ConfigPublisher {
  readonly #warned = new Set<string>();
  /** Events of the batch under way ({@link batch}), emitted when it ends. */
  #pending: Array<() => void> | undefined;

  constructor(
    private readonly configService: ConfigService | undefined,
    /** The object behind `ConfigService` (`CONFIGURATION_TOKEN`), when available. */
    private readonly host: Record<string, unknown> | undefined,
    private readonly logger: Pick<LoggerService, 'warn'>,
  ) {}

  /** Bootstrap: puts every key into `ConfigService`'s configuration. */
  publishInitial(values: Readonly<Record<string, unknown>>): void {
    const keys = this.#publishable(Object.keys(values));
    if (this.host) {
      for (const key of keys) defineValue(this.host, key, values[key]);
    } else {
      this.publishChanges(keys, values);
    }
  }

  /**
   * Runs `publish` (calls of {@link publishChanges} and {@link publishNamespaceChanges}) with every write done at
   * once and the `changes$` events held back until it returns: readers see the whole change or none of it.
   */
  batch(publish: () => void): void {
    if (this.#pending) return publish();
    const pending: Array<() => void> = [];
    this.#pending = pending;
    try {
      publish();
    } finally {
      this.#pending = undefined;
    }
    for (const emit of pending) emit();
  }

  /** Refresh: writes each changed key (removed keys become undefined), then one `changes$` event per key. */
  publishChanges(changed: Iterable<string>, values: Readonly<Record<string, unknown>>): void {
    const service = this.configService;
    if (!service) return;
    const keys = this.#publishable(changed);
    const valueOf = (key: string) => (Object.hasOwn(values, key) ? values[key] : undefined);
    const pathOf = (key: string): unknown => (PATH_LIKE.test(key) ? [key] : key);
    const subject = this.#subject(service);
    if (!subject) {
      withProcessEnvUnchanged(() => {
        for (const key of keys) (service.set as (path: unknown, value: unknown) => void)(pathOf(key), valueOf(key));
      });
      return;
    }
    const host = this.host!;
    // `ConfigService.get` reads the configuration object first: a value published there is read without its path lookup
    const oldValueOf = (key: string, path: unknown) => {
      const own = Object.hasOwn(host, key) ? host[key] : undefined;
      return own !== undefined ? own : (service.get as (path: unknown) => unknown)(path);
    };
    const events = keys.map((key) => {
      const path = pathOf(key);
      return { path, oldValue: oldValueOf(key, path), newValue: valueOf(key) };
    });
    for (const [i, key] of keys.entries()) defineValue(host, key, events[i]!.newValue);
    this.#emit(subject, events);
  }

  /** A `registerSecretsAs` namespace: its object goes into the configuration under `namespace` (no change event). */
  publishNamespace(namespace: string, object: Record<string, unknown>): void {
    if (this.host) defineValue(this.host, namespace, object);
    else if (this.configService) withProcessEnvUnchanged(() => (this.configService!.set as (path: unknown, value: unknown) => void)([namespace], object));
  }

  /**
   * Changed namespace properties: one `changes$` event for `'<namespace>.<property>'` each, as
   * `ConfigService.set('<namespace>.<property>')` emits it. The properties are written into the namespace object.
   */
  publishNamespaceChanges(namespace: string, changes: readonly NamespaceChange[]): void {
    const service = this.configService;
    if (!service) return;
    const subject = this.#subject(service);
    const target = this.host?.[namespace];
    if (!subject || typeof target !== 'object' || target === null) {
      withProcessEnvUnchanged(() => {
        for (const { property, value } of changes) service.set(`${namespace}.${property}` as never, value as never);
      });
      return;
    }
    const events = changes.map(({ property, value }) => ({ path: `${namespace}.${property}`, oldValue: service.get(`${namespace}.${property}`), newValue: value }));
    for (const { property, value } of changes) defineValue(target as Record<string, unknown>, property, value);
    this.#emit(subject, events);
  }

  /** The subject behind `changes$` when writing into the configuration object is what `set` would do. */
  #subject(service: ConfigService): ChangeSubject | undefined {
    const internals = service as unknown as { isCacheEnabled?: boolean; _changes$?: Partial<ChangeSubject> };
    if (!this.host || internals.isCacheEnabled) return undefined;
    const subject = internals._changes$;
    return typeof subject?.next === 'function' ? (subject as ChangeSubject) : undefined;
  }

  #emit(subject: ChangeSubject, events: readonly ChangeEvent[]): void {
    const emit = () => {
      for (const event of events) subject.next(event);
    };
    if (this.#pending) this.#pending.push(emit);
    else emit();
  }

  #publishable(keys: Iterable<string>): string[] {
    const out: string[] = [];
    for (const key of keys) {
      if (!RESERVED_KEYS.has(key)) {
        out.push(key);
      } else if (!this.#warned.has(key)) {
        this.#warned.add(key);
        this.logger.warn(`Secret "${key}" is not published to ConfigService: @nestjs/config reserves that name. Read it with SecretStore.get, or rename it in Infisical.`);
      }
    }
    return out;
  }
}

/** Writes `key` as an own, plain data property (`__proto__` included), as `publishInitial` always did. */
function defineValue(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/**
 * Runs `change` and then restores `process.env` exactly as it was: `ConfigService.set` mirrors values into it (and
 * into `.env` entries that reference the key), and the environment is inherited by every process the app spawns.
 */
export function withProcessEnvUnchanged(change: () => void): void {
  const env = process.env;
  const before = { ...env };
  try {
    change();
  } finally {
    for (const key of Object.keys(env)) if (!Object.hasOwn(before, key)) delete env[key];
    for (const [key, value] of Object.entries(before)) if (env[key] !== value) env[key] = value;
  }
}
