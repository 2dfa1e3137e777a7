import { MASK_RETAINED_GENERATIONS, MIN_MASKED_LENGTH, REDACTED } from '../infisical.defaults.js';

/** Kinds of sensitive strings, each with its own history: a new snapshot never makes the client secret forgotten. */
export type MaskGroup = 'credentials' | 'tokens' | 'secrets' | 'platform';

/**
 * Masks every sensitive string of one module instance — secret values, the client secret, access tokens, platform
 * JWTs — in any text before it is logged or put into an error or health payload.
 *
 * Memory is bounded: each group keeps its current values plus those of its last {@link MASK_RETAINED_GENERATIONS}
 * generations (a rotated value stays masked for a few refreshes, then is forgotten). Cost is linear: registering
 * values is a set insert each, and the index (values by their first characters, longest first) is rebuilt once per
 * change, not per value; masking a text costs one map lookup per character plus a comparison for each value that
 * shares the characters there.
 */
export class SecretRedactor {
  readonly #generations = new Map<MaskGroup, Array<Set<string>>>();
  #index: Map<string, string[]> | undefined;

  /** Adds values to the current generation of `group` (e.g. the client secret, a value seen in a rejected answer). */
  add(group: MaskGroup, ...values: ReadonlyArray<string | undefined | null>): void {
    const current = this.#current(group);
    for (const value of values) {
      if (typeof value !== 'string' || value.length < MIN_MASKED_LENGTH || current.has(value)) continue;
      current.add(value);
      this.#index = undefined;
    }
  }

  /**
   * Starts a new generation of `group` holding `values` (the values of a new snapshot, a new token); the oldest
   * generation beyond the retention is forgotten.
   */
  replace(group: MaskGroup, values: Iterable<string>): void {
    const next = new Set<string>();
    for (const value of values) if (typeof value === 'string' && value.length >= MIN_MASKED_LENGTH) next.add(value);
    const history = this.#generations.get(group) ?? [];
    const previous = history[history.length - 1];
    if (previous && previous.size === next.size && [...next].every((v) => previous.has(v))) return;
    history.push(next);
    while (history.length > MASK_RETAINED_GENERATIONS + 1) history.shift();
    this.#generations.set(group, history);
    this.#index = undefined;
  }

  /**
   * Returns `text` with every registered value (plain, JSON-escaped or URL-encoded) replaced by `[REDACTED]` — also
   * a value cut off by the end of the text (shortened server text), from its first characters on.
   */
  redact(text: string): string {
    if (!text || text.length < MIN_MASKED_LENGTH) return text;
    const index = this.#buildIndex();
    if (index.size === 0) return text;
    let out = '';
    let copied = 0;
    for (let i = 0; i <= text.length - MIN_MASKED_LENGTH; ) {
      const match = index.get(text.slice(i, i + MIN_MASKED_LENGTH))?.find((value) => matchesAt(text, i, value));
      if (match) {
        out += text.slice(copied, i) + REDACTED;
        i = Math.min(text.length, i + match.length);
        copied = i;
      } else {
        i++;
      }
    }
    return copied === 0 ? text : out + text.slice(copied);
  }

  /** Number of distinct values masked now (all groups, all retained generations). */
  get size(): number {
    return this.#values().size;
  }

  #current(group: MaskGroup): Set<string> {
    const history = this.#generations.get(group);
    if (history?.length) return history[history.length - 1]!;
    const first = new Set<string>();
    this.#generations.set(group, [first]);
    return first;
  }

  #values(): Set<string> {
    const all = new Set<string>();
    for (const history of this.#generations.values()) for (const generation of history) for (const value of generation) all.add(value);
    return all;
  }

  #buildIndex(): Map<string, string[]> {
    if (this.#index) return this.#index;
    const index = new Map<string, string[]>();
    for (const value of this.#values()) {
      for (const form of new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)])) {
        const key = form.slice(0, MIN_MASKED_LENGTH);
        const bucket = index.get(key);
        if (bucket) bucket.push(form);
        else index.set(key, [form]);
      }
    }
    for (const bucket of index.values()) if (bucket.length > 1) bucket.sort((a, b) => b.length - a.length);
    this.#index = index;
    return index;
  }

  toJSON(): string {
    return `SecretRedactor(${this.size} values)`;
  }
}

/** `value` starts at `i` in `text`, whole or cut off by the end of the text. */
function matchesAt(text: string, i: number, value: string): boolean {
  return i + value.length <= text.length ? text.startsWith(value, i) : value.startsWith(text.slice(i));
}
