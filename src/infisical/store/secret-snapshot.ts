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
 * A frozen copy of `entries` without a prototype. Built as an object literal and then detached from
 * `Object.prototype`, so V8 keeps it in fast-properties mode (an `Object.create(null)` object starts as a hash
 * table, which made every read several times slower).
 */
function nullPrototype<T>(entries: Readonly<Record<string, T>>): Readonly<Record<string, T>> {
  const copy: Record<string, T> = {};
  for (const key of Object.keys(entries)) Object.defineProperty(copy, key, { value: entries[key], enumerable: true, writable: true, configurable: true });
  return Object.freeze(Object.setPrototypeOf(copy, null) as Record<string, T>);
}

/**
 * One immutable, validated view of the configuration: typed values, where each key came from, and Infisical's
 * answer behind it. Replaced as a whole, never edited. Lookups are own-property only, so `constructor`,
 * `toString` or `__proto__` are never found unless a secret has that name.
 */
export class SecretSnapshot {
  readonly values: Readonly<Record<string, unknown>>;
  readonly keys: Readonly<Record<string, KeyInfo>>;

  constructor(
    config: ValidatedConfig,
    readonly source: SnapshotSource,
    /** When Infisical delivered these values (epoch ms); undefined when Infisical is disabled. */
    readonly confirmedAt: number | undefined,
    readonly answer: readonly AnswerSecret[],
  ) {
    this.values = nullPrototype(config.values);
    this.keys = nullPrototype(config.keys);
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
    if (!previous) return changed;
    for (const key of new Set([...Object.keys(previous.values), ...Object.keys(this.values)])) {
      if (!isDeepStrictEqual(previous.get(key), this.get(key))) changed.add(key);
    }
    return changed;
  }
}
