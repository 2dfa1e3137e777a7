import type { ConfigService } from '@nestjs/config';
import type { LoggerService } from '@nestjs/common';
import type { NamespaceChange } from './secret-namespace.definition.js';

/** `@nestjs/config`'s own slot for the validated environment (`VALIDATED_ENV_PROPNAME`): never written by secrets. */
const RESERVED_KEYS = new Set(['_PROCESS_ENV_VALIDATED']);
/** Keys that `ConfigService.get` / `set` would read as a path (`a.b`, `a[0]`): published as one flat key. */
const PATH_LIKE = /[.[\]]/;

/**
 * Hands the configuration to `@nestjs/config`'s `ConfigService`:
 * - at bootstrap, every value goes into the object behind `ConfigService` before any provider that depends on the
 *   store is created, the way `ConfigModule.forFeature` merges a loader's result (no change events);
 * - after a refresh, each changed key goes through `ConfigService.set`, so `changes$` emits once per key.
 * Secret values never reach `process.env`: `ConfigService.set` mirrors into it, and the environment is restored as
 * the operator set it. Keys that `ConfigService` would read as a path (`a.b`) are stored flat, so `get('a.b')`
 * returns the secret and `get('a')` is untouched; `_PROCESS_ENV_VALIDATED` is never published (a warning names it).
 */
export class ConfigPublisher {
  readonly #warned = new Set<string>();

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
      for (const key of keys) Object.defineProperty(this.host, key, { value: values[key], writable: true, enumerable: true, configurable: true });
    } else {
      this.publishChanges(keys, values);
    }
  }

  /** Refresh: `ConfigService.set` for each changed key (removed keys become undefined). */
  publishChanges(changed: Iterable<string>, values: Readonly<Record<string, unknown>>): void {
    const service = this.configService;
    if (!service) return;
    withProcessEnvUnchanged(() => {
      for (const key of this.#publishable(changed)) {
        const value = Object.hasOwn(values, key) ? values[key] : undefined;
        if (PATH_LIKE.test(key)) (service.set as (path: unknown, value: unknown) => void)([key], value);
        else service.set(key as never, value as never);
      }
    });
  }

  /** A `registerSecretsAs` namespace: its object goes into the configuration under `namespace` (no change event). */
  publishNamespace(namespace: string, object: Record<string, unknown>): void {
    if (this.host) Object.defineProperty(this.host, namespace, { value: object, writable: true, enumerable: true, configurable: true });
    else if (this.configService) withProcessEnvUnchanged(() => (this.configService!.set as (path: unknown, value: unknown) => void)([namespace], object));
  }

  /** Changed namespace properties: `ConfigService.set('<namespace>.<property>')` each (one `changes$` event each). */
  publishNamespaceChanges(namespace: string, changes: readonly NamespaceChange[]): void {
    const service = this.configService;
    if (!service) return;
    withProcessEnvUnchanged(() => {
      for (const { property, value } of changes) service.set(`${namespace}.${property}` as never, value as never);
    });
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
