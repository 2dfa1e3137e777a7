import { isDeepStrictEqual } from 'node:util';
import type { ValidatedConfig } from '../config/config-validator.js';
import type { KeyInfo } from '../interfaces/infisical-status.interface.js';

/** Where a snapshot's values came from. */
export type SnapshotSource = 'infisical' | 'cache' | 'env';

/** One secret of Infisical's merged answer, as the last-known-good file and the fleet snapshot store it. */
export interface AnswerSecret {
  key: string;
  value: string;
  version: number;
  projectId?: string;
  environment?: string;
  secretPath?: string;
}

/**
 * A frozen copy of `entries` without a prototype. Built as a plain object (`Object.fromEntries`, which makes
 * `__proto__` an own property like any other key) and then detached from `Object.prototype`, so V8 keeps it in
 * fast-properties mode (an `Object.create(null)` object starts as a hash table, which made every read several times
 * slower).
 */
function nullPrototype<T>(entries: Readonly<Record<string, T>>): Readonly<Record<string, T>> {
  return Object.freeze(Object.setPrototypeOf(Object.fromEntries(Object.entries(entries)), null) as Record<string, T>);
}

/**
 * One immutable, validated view of the configuration: typed values, where each key came from, and Infisical's
 * answer behind it. Replaced as a whole, never edited. Lookups are own-property only, so `constructor`,
 * `toString` or `__proto__` are never found unless a secret has that name.
 */
export class SecretSnapshot {
  readonly values: Readonly<Record<string, unknown>>;
  readonly keys: Readonly<Record<string, KeyInfo>>;
  /** Number of keys in {@link values}. */
  readonly size: number;

  constructor(
    config: ValidatedConfig,
    readonly source: SnapshotSource,
    /** When Infisical delivered these values (epoch ms); undefined when Infisical is disabled. */
    readonly confirmedAt: number | undefined,
    readonly answer: readonly AnswerSecret[],
  ) {
    this.values = nullPrototype(config.values);
    this.keys = nullPrototype(config.keys);
    this.size = Object.keys(this.values).length;
  }

  get(key: string): unknown {
    return Object.hasOwn(this.values, key) ? this.values[key] : undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** Keys whose value differs from `previous` (added, removed or changed); empty without a previous snapshot. */
  changedKeys(previous: SecretSnapshot | undefined): Set<string> {
    const changed = new Set<string>();
    for (const key of this.#keysToCompare(previous)) this.#compare(previous!, key, changed);
    return changed;
  }

  /**
   * {@link changedKeys}, compared at most `perStep` keys at a time with `pause()` awaited between two batches (the
   * comparison of a rotation of 10,000 keys does not hold the event loop in one piece).
   */
  async changedKeysInSteps(previous: SecretSnapshot | undefined, perStep: number, pause: () => Promise<void>): Promise<Set<string>> {
    const changed = new Set<string>();
    const keys = this.#keysToCompare(previous);
    for (let start = 0; start < keys.length; start += perStep) {
      if (start > 0) await pause();
      for (const key of keys.slice(start, start + perStep)) this.#compare(previous!, key, changed);
    }
    return changed;
  }

  /** The keys of both snapshots, each once (none without a previous snapshot). */
  #keysToCompare(previous: SecretSnapshot | undefined): string[] {
    if (!previous) return [];
    const keys = Object.keys(previous.values);
    for (const key of Object.keys(this.values)) if (!Object.hasOwn(previous.values, key)) keys.push(key);
    return keys;
  }

  #compare(previous: SecretSnapshot, key: string, changed: Set<string>): void {
    if (!isDeepStrictEqual(previous.get(key), this.get(key))) changed.add(key);
  }
}
