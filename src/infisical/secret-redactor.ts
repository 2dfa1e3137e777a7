import { REDACTED } from './infisical.constants.js';

/** Values shorter than this are not masked: they are not secrets in practice and masking them mangles text. */
const MIN_SECRET_LENGTH = 6;
/** Length of the index key; must not exceed {@link MIN_SECRET_LENGTH}. */
const PREFIX = 4;

/**
 * Knows every sensitive string of one module instance (secret values, including rotated ones, the client secret and
 * access tokens) and masks them in any text before it is logged or put into an error.
 *
 * Values are indexed by their first characters, so masking a text costs one map lookup per character of the text —
 * not a regular expression over every secret (1,000 secrets of 200 bytes would make a 600 KB pattern).
 */
export class SecretRedactor {
  /** First {@link PREFIX} characters → the values starting with them, longest first. */
  readonly #byPrefix = new Map<string, string[]>();
  #count = 0;

  /** Registers values to mask from now on (plain, JSON-escaped and URL-encoded forms). */
  add(...values: ReadonlyArray<string | undefined | null>): void {
    for (const value of values) {
      if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) continue;
      this.#index(value);
      const escaped = JSON.stringify(value).slice(1, -1);
      if (escaped !== value) this.#index(escaped);
      const encoded = encodeURIComponent(value);
      if (encoded !== value) this.#index(encoded);
    }
  }

  /** Returns `text` with every registered value replaced by `[REDACTED]`. */
  redact(text: string): string {
    if (this.#count === 0 || !text || text.length < MIN_SECRET_LENGTH) return text;
    let out = '';
    let copied = 0;
    for (let i = 0; i <= text.length - MIN_SECRET_LENGTH; ) {
      const match = this.#byPrefix.get(text.slice(i, i + PREFIX))?.find((value) => text.startsWith(value, i));
      if (match) {
        out += text.slice(copied, i) + REDACTED;
        i += match.length;
        copied = i;
      } else {
        i++;
      }
    }
    return copied === 0 ? text : out + text.slice(copied);
  }

  /** Redacts an error's message and stack in place (the error object is ours) and returns it. */
  redactError<E extends Error>(error: E): E {
    error.message = this.redact(error.message);
    if (error.stack) error.stack = this.redact(error.stack);
    return error;
  }

  #index(form: string): void {
    const key = form.slice(0, PREFIX);
    const bucket = this.#byPrefix.get(key);
    if (!bucket) {
      this.#byPrefix.set(key, [form]);
    } else if (!bucket.includes(form)) {
      bucket.push(form);
      bucket.sort((a, b) => b.length - a.length);
    } else {
      return;
    }
    this.#count++;
  }

  toJSON(): string {
    return `SecretRedactor(${this.#count} values)`;
  }
}
