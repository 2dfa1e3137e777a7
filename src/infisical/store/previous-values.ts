import type { InfisicalClock } from '../interfaces/infisical-clock.interface.js';
import type { SecretSnapshot } from './secret-snapshot.js';

/** One replaced value and when it stopped being current (epoch ms). */
interface Replaced {
  readonly value: unknown;
  readonly replacedAt: number;
}

/**
 * The value each key had before the last installed refresh changed or removed it, kept for a grace window
 * (`previousValueGraceSeconds`) so that a signature or JWT made with it just before a rotation can still be checked.
 * Only the most recent previous value of a key is kept; a refresh that fails or is refused installs nothing and so
 * changes nothing here. Values are secrets: the store keeps them masked while they can be read.
 */
export class PreviousValues {
  readonly #entries = new Map<string, Replaced>();
  readonly #graceMs: number;

  constructor(
    private readonly clock: InfisicalClock,
    graceSeconds: number,
  ) {
    this.#graceMs = graceSeconds * 1000;
  }

  /** Whether previous values are kept at all (a grace window above 0). */
  get enabled(): boolean {
    return this.#graceMs > 0;
  }

  /** Remembers, as replaced now, the values that `changed` keys had in `before` (the snapshot being replaced). */
  record(changed: Iterable<string>, before: SecretSnapshot | undefined): void {
    if (!this.enabled || !before) return;
    const replacedAt = this.clock.now();
    this.#forgetExpired(replacedAt);
    for (const key of changed) {
      const value = before.get(key);
      if (value !== undefined) this.#entries.set(key, { value, replacedAt });
    }
  }

  /** The previous value of `key` while its grace window runs (replacedAt + grace is past it), else undefined. */
  get(key: string): unknown {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (this.clock.now() < entry.replacedAt + this.#graceMs) return entry.value;
    this.#entries.delete(key);
    return undefined;
  }

  /** The previous values still readable, as text (what the redactor must keep masking). */
  live(): string[] {
    this.#forgetExpired(this.clock.now());
    return [...this.#entries.values()].map(({ value }) => String(value));
  }

  #forgetExpired(now: number): void {
    for (const [key, entry] of this.#entries) if (now >= entry.replacedAt + this.#graceMs) this.#entries.delete(key);
  }
}
