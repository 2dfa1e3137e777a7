import { MASK_RETAINED_GENERATIONS, MIN_MASKED_LENGTH, REDACTED } from '../infisical.defaults.js';

/**
 * Kinds of sensitive strings, each with its own history: a new snapshot never makes the client secret forgotten.
 * `previous`: rotated values still readable as `SecretRef.previous`.
 */
export type MaskGroup = 'credentials' | 'tokens' | 'secrets' | 'platform' | 'previous';

/**
 * Masks every sensitive string of one module instance — secret values, the client secret, access tokens, platform
 * JWTs — in any text before it is logged or put into an error or health payload.
 *
 * Memory is bounded: each group keeps its current values plus those of its last {@link MASK_RETAINED_GENERATIONS}
 * generations (a rotated value stays masked for a few refreshes, then is forgotten). Cost follows what changed: each
 * value counts the generations that hold it, and only a value that starts or stops being masked touches the index
 * (values by their first characters, in every masked form). Those index updates are queued: {@link catchUp} applies
 * them a bounded number at a time, and {@link redact} applies what is left before it masks anything. Masking a text
 * costs one map lookup per character, plus, where registered values start with the characters there, one lookup per
 * distinct value length.
 */
export class SecretRedactor {
  readonly #generations = new Map<MaskGroup, Array<Set<string>>>();
  /** Value → how many generations (of all groups) hold it. */
  readonly #holders = new Map<string, number>();
  readonly #index = new Map<string, Bucket>();
  /** Values to add to (+1) or remove from (−1) the index, in order. */
  #queue: Array<[string, 1 | -1]> = [];
  /** Generations handed to {@link replace} and not counted yet, oldest first. */
  readonly #incoming: Array<[MaskGroup, string[]]> = [];

  /** Adds values to the current generation of `group` (e.g. the client secret, a value seen in a rejected answer). */
  add(group: MaskGroup, ...values: ReadonlyArray<string | undefined | null>): void {
    while (this.#incoming.length > 0) this.#settleGeneration();
    const current = this.#current(group);
    for (const value of values) {
      if (typeof value !== 'string' || value.length < MIN_MASKED_LENGTH || current.has(value)) continue;
      current.add(value);
      this.#hold(value);
    }
  }

  /**
   * Starts a new generation of `group` holding `values` (the values of a new snapshot, a new token); the oldest
   * generation beyond the retention is forgotten. Only the list is taken now: it is counted and indexed by
   * {@link catchUp}, or by the next {@link redact}, whichever comes first.
   */
  replace(group: MaskGroup, values: Iterable<string>): void {
    this.#incoming.push([group, Array.from(values)]);
  }

  /** Values not counted or indexed yet (those of generations handed to {@link replace}, then index updates). */
  get pending(): number {
    let values = this.#queue.length;
    for (const [, generation] of this.#incoming) values += generation.length;
    return values;
  }

  /**
   * Applies what {@link replace} and {@link add} left to do — each new generation in one step, then the index
   * updates at most `perStep` at a time — awaiting `pause()` between two steps, so a rotation of thousands of values
   * does not hold the event loop in one piece.
   */
  async catchUp(perStep: number, pause: () => Promise<void>): Promise<void> {
    while (this.#incoming.length > 0) {
      this.#settleGeneration();
      await pause();
    }
    while (this.#applyQueued(perStep) > 0) await pause();
  }

  /**
   * Returns `text` with every registered value (plain, JSON-escaped or URL-encoded) replaced by `[REDACTED]` — also
   * a value cut off by the end of the text (shortened server text), from its first characters on.
   */
  redact(text: string): string {
    if (!text || text.length < MIN_MASKED_LENGTH) return text;
    this.#settle();
    const index = this.#index;
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
    this.#settle();
    return this.#holders.size;
  }

  /** Applies everything left to do, at once. */
  #settle(): void {
    while (this.#incoming.length > 0) this.#settleGeneration();
    this.#applyQueued(Number.POSITIVE_INFINITY);
  }

  /** Makes the oldest generation handed to {@link replace} current (unless it holds what the current one holds). */
  #settleGeneration(): void {
    const [group, values] = this.#incoming.shift()!;
    const next = new Set<string>();
    for (const value of values) if (typeof value === 'string' && value.length >= MIN_MASKED_LENGTH) next.add(value);
    const history = this.#generations.get(group) ?? [];
    const previous = history[history.length - 1];
    if (previous && previous.size === next.size && [...next].every((v) => previous.has(v))) return;
    history.push(next);
    for (const value of next) this.#hold(value);
    while (history.length > MASK_RETAINED_GENERATIONS + 1) for (const value of history.shift()!) this.#release(value);
    this.#generations.set(group, history);
  }

  #current(group: MaskGroup): Set<string> {
    const history = this.#generations.get(group);
    if (history?.length) return history[history.length - 1]!;
    const first = new Set<string>();
    this.#generations.set(group, [first]);
    return first;
  }

  #hold(value: string): void {
    const holders = this.#holders.get(value) ?? 0;
    this.#holders.set(value, holders + 1);
    if (holders === 0) this.#queue.push([value, 1]);
  }

  #release(value: string): void {
    const holders = this.#holders.get(value)! - 1;
    if (holders > 0) {
      this.#holders.set(value, holders);
    } else {
      this.#holders.delete(value);
      this.#queue.push([value, -1]);
    }
  }

  /** Applies up to `limit` queued index updates; returns how many are left. */
  #applyQueued(limit: number): number {
    const queue = this.#queue;
    const count = Math.min(limit, queue.length);
    for (let i = 0; i < count; i++) {
      const [value, delta] = queue[i]!;
      for (const form of new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)])) this.#count(form, delta);
    }
    this.#queue = count === queue.length ? [] : queue.slice(count);
    return this.#queue.length;
  }

  #count(form: string, delta: 1 | -1): void {
    const prefix = form.slice(0, MIN_MASKED_LENGTH);
    let bucket = this.#index.get(prefix);
    if (!bucket) this.#index.set(prefix, (bucket = { forms: new Map(), lengths: new Map(), longestFirst: [], sorted: undefined }));
    const forms = (bucket.forms.get(form) ?? 0) + delta;
    if (forms > 0) bucket.forms.set(form, forms);
    else bucket.forms.delete(form);
    if (forms > 1 || (forms === 1 && delta < 0)) return;
    // the form appeared or disappeared: the bucket's lengths and order change
    const lengths = (bucket.lengths.get(form.length) ?? 0) + delta;
    if (lengths > 0) bucket.lengths.set(form.length, lengths);
    else bucket.lengths.delete(form.length);
    bucket.longestFirst = [...bucket.lengths.keys()].sort((a, b) => b - a);
    bucket.sorted = undefined;
    if (bucket.forms.size === 0) this.#index.delete(prefix);
  }

  toJSON(): string {
    return `SecretRedactor(${this.size} values)`;
  }
}

/** Masked forms sharing their first {@link MIN_MASKED_LENGTH} characters. */
interface Bucket {
  /** Form → how many masked values have it (a JSON-escaped form may equal another value's plain form). */
  forms: Map<string, number>;
  /** Form length → how many forms have it. */
  lengths: Map<number, number>;
  /** Distinct lengths, longest first. */
  longestFirst: number[];
  /** The forms in code-unit order, built when a text's end is first checked against this bucket (cut values). */
  sorted: string[] | undefined;
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
 * The longest form of `bucket` at `i` in `text`: one lookup per distinct length, never one comparison per value,
 * so thousands of values sharing a prefix such as `https://` stay cheap. Near the end of the text, a value cut off by
 * the end (shortened server text) counts too; it is longer than any whole match there.
 */
function findMatch(bucket: Bucket, text: string, i: number): string | undefined {
  const { forms, longestFirst } = bucket;
  const rest = text.length - i;
  if (rest < longestFirst[0]!) {
    const tail = text.slice(i);
    const sorted = (bucket.sorted ??= [...forms.keys()].sort());
    const cut = sorted[lowerBound(sorted, tail)];
    if (cut !== undefined && cut.length > rest && cut.startsWith(tail)) return cut;
  }
  for (const length of longestFirst) {
    if (length > rest) continue;
    const candidate = text.slice(i, i + length);
    if (forms.has(candidate)) return candidate;
  }
  return undefined;
}
