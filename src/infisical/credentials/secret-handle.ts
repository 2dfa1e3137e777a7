import { inspect } from 'node:util';
import { REDACTED } from '../infisical.defaults.js';
import type { SecretStore } from '../store/secret-store.js';

/** What a handle reads through: the store's read API and its change events. */
export type SecretReader = Pick<SecretStore, 'get' | 'getOrThrow' | 'getAsync' | 'onChange'> & Partial<Pick<SecretStore, 'previous'>>;

/**
 * Base of everything that hands secrets to application code (credentials, `SecretRef`, `SecretGroup`). Values are
 * read from the in-memory snapshot at every access, so a rotation is picked up without re-injecting anything;
 * `toString`, `JSON.stringify` and `util.inspect` print key names with `[REDACTED]` values.
 */
export abstract class SecretHandle {
  readonly #store: SecretReader;
  readonly #label: string;
  readonly #keys: readonly string[];

  protected constructor(store: SecretReader, label: string, keys: readonly string[]) {
    this.#store = store;
    this.#label = label;
    this.#keys = keys;
  }

  /** The configuration keys behind this handle. */
  get keys(): string[] {
    return [...this.#keys];
  }

  /**
   * Calls `listener` once after a refresh changed any of this handle's keys (e.g. to rebuild an API client).
   * Returns the unsubscribe function.
   */
  onRotate(listener: (handle: this) => void): () => void {
    const mine = new Set(this.#keys);
    return this.#store.onChange((changed) => {
      for (const key of changed) {
        if (mine.has(key)) {
          listener(this);
          return;
        }
      }
    });
  }

  /** Current value of `key` from the snapshot; throws a named error if it is absent. */
  protected read(key: string): string {
    const value = this.#store.get<unknown>(key);
    return typeof value === 'string' ? value : String(this.#store.getOrThrow(key));
  }

  /** Value `key` had before its last rotation, while the grace window (`previousValueGraceSeconds`) runs. */
  protected readPrevious(key: string): string | undefined {
    const value = this.#store.previous?.(key);
    return value === undefined ? undefined : String(value);
  }

  /** Like {@link read}, honouring `cacheTtlSeconds: 0` (fetch on every call). */
  protected async readAsync(key: string): Promise<string> {
    await this.#store.getAsync(key);
    return this.read(key);
  }

  /** Key names with `[REDACTED]` values, e.g. `Secret { API_KEY: [REDACTED] }`: never a value. */
  toString(): string {
    return `${this.#label} { ${this.#keys.map((k) => `${k}: ${REDACTED}`).join(', ')} }`;
  }

  /** What `JSON.stringify` writes: each key name mapped to `[REDACTED]`. */
  toJSON(): Record<string, string> {
    return Object.fromEntries(this.#keys.map((k) => [k, REDACTED]));
  }

  /** What `util.inspect` and `console.log` print: the same as `toString()`. */
  [inspect.custom](): string {
    return this.toString();
  }
}
