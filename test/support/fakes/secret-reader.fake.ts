import type { SecretReader } from '../../../src/infisical/credentials/secret-handle.js';

/**
 * The read side of a secret store, in memory: `get`/`getOrThrow`/`getAsync` answer from `values`, `change()` updates
 * them and tells the `onChange` listeners which keys changed, as a refresh does. `asyncReads` records `getAsync` calls
 * and the values they saw, so a test can tell that a fetch happened before the read.
 */
export class FakeSecretReader implements SecretReader {
  readonly values = new Map<string, unknown>();
  readonly asyncReads: string[] = [];
  /** What `previous(key)` answers (the value before the last rotation, while its grace window runs). */
  readonly previousValues = new Map<string, unknown>();
  readonly #listeners = new Set<(changed: ReadonlySet<string>) => void>();
  /** Applied by `getAsync` before it answers (a fetch that brings a newer value). */
  onFetch: ((key: string) => void) | undefined;

  constructor(entries: Record<string, unknown> = {}) {
    for (const [key, value] of Object.entries(entries)) this.values.set(key, value);
  }

  get<T = string>(key: string): T | undefined {
    return this.values.get(key) as T | undefined;
  }

  getOrThrow<T = string>(key: string): T {
    const value = this.get<T>(key);
    if (value === undefined) throw new Error(`secret "${key}" not found`);
    return value;
  }

  previous<T = string>(key: string): T | undefined {
    return this.previousValues.get(key) as T | undefined;
  }

  async getAsync<T = string>(key: string): Promise<T | undefined> {
    this.asyncReads.push(key);
    this.onFetch?.(key);
    return this.get<T>(key);
  }

  onChange(listener: (changed: ReadonlySet<string>) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Number of subscribed listeners. */
  get listenerCount(): number {
    return this.#listeners.size;
  }

  /** A refresh: sets (or, with undefined, removes) the values and announces the changed keys. */
  change(entries: Record<string, unknown>): void {
    for (const [key, value] of Object.entries(entries)) {
      if (value === undefined) this.values.delete(key);
      else this.values.set(key, value);
    }
    const changed = new Set(Object.keys(entries));
    for (const listener of [...this.#listeners]) listener(changed);
  }
}
