import { isDeepStrictEqual } from 'node:util';
import { InfisicalOptionsError } from '../errors/options.error.js';
import type { ConfigPublisher } from './config.publisher.js';
import type { NamespaceChange, SecretNamespace, SecretValues } from './secret-namespace.definition.js';

interface Binding {
  definition: SecretNamespace;
  object: Record<string, unknown>;
}

/**
 * The live objects of the `registerSecretsAs` namespaces of one store: built once at registration (the secrets the
 * factory reads become required), rebuilt after every accepted refresh, and kept in `ConfigService` under the
 * namespace name. The injected object is the one `ConfigService` holds, updated in place.
 */
export class NamespaceRegistry {
  readonly #bindings = new Map<string, Binding>();

  constructor(private readonly publisher: Pick<ConfigPublisher, 'publishNamespace' | 'publishNamespaceChanges'>) {}

  /**
   * Builds and publishes `definition` (once per name; a second registration gets the same object). `requireKeys`
   * receives the secrets the factory read, before a failure of the factory is reported; when requiring them adds
   * values (a key served from the operator's environment), the object is built again from the values then current.
   */
  register<T extends object>(definition: SecretNamespace<T>, values: SecretValues | (() => SecretValues), requireKeys: (keys: string[], by: string) => void): T {
    const current = typeof values === 'function' ? values : () => values;
    const name = definition.NAMESPACE;
    const existing = this.#bindings.get(name);
    if (existing) {
      if (existing.definition !== (definition as SecretNamespace)) {
        throw new InfisicalOptionsError([{ option: `registerSecretsAs('${name}')`, problem: 'is registered twice with different factories: give each namespace its own name' }]);
      }
      return existing.object as T;
    }
    const by = `registerSecretsAs('${name}')`;
    const read = new Set<string>();
    const before = current();
    let outcome = attempt(() => definition.build(recordingReads(before, read)));
    requireKeys([...read], by);
    if (current() !== before) outcome = attempt(() => definition.build(current()));
    if ('error' in outcome) {
      throw new InfisicalOptionsError([{ option: by, problem: `its factory threw ${describeFailure(outcome.error)}; correct the factory or the secrets it reads` }]);
    }
    const built = outcome.value;
    if (built === null || typeof built !== 'object' || Array.isArray(built)) {
      throw new InfisicalOptionsError([{ option: by, problem: 'its factory must return an object such as { url: secrets.DATABASE_URL }' }]);
    }
    const object = built as Record<string, unknown>;
    this.#bindings.set(name, { definition: definition as SecretNamespace, object });
    this.publisher.publishNamespace(name, object);
    return object as T;
  }

  /** Rebuilds every namespace from accepted values; a factory that throws keeps its last object (reported by `onError`). */
  update(values: SecretValues, onError: (namespace: string, error: unknown) => void): void {
    for (const [name, binding] of this.#bindings) {
      let changes: NamespaceChange[];
      try {
        changes = diff(binding.object, binding.definition.build(values) as Record<string, unknown>);
      } catch (error) {
        onError(name, error);
        continue;
      }
      if (!changes.length) continue;
      this.publisher.publishNamespaceChanges(name, changes);
      for (const { property, value } of changes) {
        if (value === undefined) delete binding.object[property];
        else binding.object[property] = value;
      }
    }
  }
}

/** The value `run` returns, or the error it throws. */
function attempt(run: () => unknown): { value: unknown } | { error: unknown } {
  try {
    return { value: run() };
  } catch (error) {
    return { error };
  }
}

/**
 * A factory's failure by its error class only: the message of an error thrown while parsing a secret (JSON.parse,
 * new URL) may quote part of the value, which value-based masking cannot recognise.
 */
export function describeFailure(error: unknown): string {
  const name = error instanceof Error ? error.constructor.name || error.name : typeof error;
  return `${name} (its message is not shown: it may quote a secret)`;
}

/** The properties of `fresh` that differ from `current` (removed ones as undefined). */
export function diff(current: Record<string, unknown>, fresh: Record<string, unknown>): NamespaceChange[] {
  const properties = new Set([...Object.keys(current), ...Object.keys(fresh ?? {})]);
  return [...properties].filter((p) => !isDeepStrictEqual(current[p], fresh?.[p])).map((property) => ({ property, value: fresh?.[property] }));
}

/** A read-only view of `values` that records the names read through it. */
function recordingReads(values: SecretValues, read: Set<string>): SecretValues {
  return new Proxy(Object.create(null) as Record<string, unknown>, {
    get: (_target, key) => {
      if (typeof key !== 'string') return undefined;
      read.add(key);
      return values[key];
    },
    has: (_target, key) => typeof key === 'string' && key in values,
    ownKeys: () => Object.keys(values),
    getOwnPropertyDescriptor: (_target, key) =>
      typeof key === 'string' && Object.hasOwn(values, key) ? { value: values[key], enumerable: true, configurable: true, writable: false } : undefined,
    set: () => false,
  });
}
