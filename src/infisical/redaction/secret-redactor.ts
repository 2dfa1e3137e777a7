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
 * change, not per value; masking a text costs one map lookup per character, plus, where registered values start
 * with the characters there, one binary search per distinct value length.
 */
export class SecretRedactor {
  readonly #generations = new Map<MaskGroup, Array<Set<string>>>();
  #index: Map<string, Bucket> | undefined;

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
      const bucket = index.get(text.slice(i, i + MIN_MASKED_LENGTH));
      const match = bucket && findMatch(bucket, text, i);
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

  #buildIndex(): Map<string, Bucket> {
    if (this.#index) return this.#index;
    const index = new Map<string, Bucket>();
    for (const value of this.#values()) {
      for (const form of new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)])) {
        const key = form.slice(0, MIN_MASKED_LENGTH);
        const bucket = index.get(key);
        if (bucket) bucket.sorted.push(form);
        else index.set(key, { sorted: [form], lengths: [] });
      }
    }
    for (const bucket of index.values()) {
      bucket.sorted.sort();
      bucket.lengths = [...new Set(bucket.sorted.map((form) => form.length))].sort((a, b) => b - a);
    }
    this.#index = index;
    return index;
  }

  toJSON(): string {
    return `SecretRedactor(${this.size} values)`;
  }
}

/** Values (in every masked form) sharing their first {@link MIN_MASKED_LENGTH} characters. */
interface Bucket {
  /** In code-unit order: a value is found by binary search, and the values that start with a text are adjacent. */
  sorted: string[];
  /** Distinct lengths, longest first. */
  lengths: number[];
}

/** Index of the first entry of `sorted` that is not below `text`. */
function lowerBound(sorted: readonly string[], text: string): number {
  let low = 0;
  for (let high = sorted.length; low < high; ) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < text) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The longest value of `bucket` at `i` in `text`, found by binary search — one per distinct value length, never one
 * comparison per value, so thousands of values sharing a prefix such as `https://` stay cheap. Near the end of the
 * text, a value cut off by the end (shortened server text) counts too; it is longer than any whole match there.
 */
function findMatch(bucket: Bucket, text: string, i: number): string | undefined {
  const { sorted, lengths } = bucket;
  const rest = text.length - i;
  if (rest < lengths[0]!) {
    const tail = text.slice(i);
    const cut = sorted[lowerBound(sorted, tail)];
    if (cut !== undefined && cut.length > rest && cut.startsWith(tail)) return cut;
  }
  for (const length of lengths) {
    if (length > rest) continue;
    const candidate = text.slice(i, i + length);
    if (sorted[lowerBound(sorted, candidate)] === candidate) return candidate;
  }
  return undefined;
}
