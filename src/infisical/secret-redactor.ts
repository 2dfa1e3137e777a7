import { REDACTED } from './infisical.constants.js';

/** Values shorter than this are not masked: they are not secrets in practice and masking them mangles text. */
const MIN_SECRET_LENGTH = 6;

/**
 * Knows every sensitive string of one module instance (secret values, including rotated ones, the client secret and
 * access tokens) and masks them in any text before it is logged or put into an error.
 */
export class SecretRedactor {
  readonly #values = new Set<string>();
  #pattern: RegExp | undefined;

  /** Registers values to mask from now on (plain, JSON-escaped and URL-encoded forms). */
  add(...values: ReadonlyArray<string | undefined | null>): void {
    let changed = false;
    for (const value of values) {
      if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) continue;
      for (const form of [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)]) {
        if (!this.#values.has(form)) {
          this.#values.add(form);
          changed = true;
        }
      }
    }
    if (changed) this.#pattern = undefined;
  }

  /** Returns `text` with every registered value replaced by `[REDACTED]`. */
  redact(text: string): string {
    if (this.#values.size === 0 || !text) return text;
    this.#pattern ??= new RegExp(
      [...this.#values]
        .sort((a, b) => b.length - a.length)
        .map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('|'),
      'g',
    );
    return text.replace(this.#pattern, REDACTED);
  }

  /** Redacts an error's message and stack in place (the error object is ours) and returns it. */
  redactError<E extends Error>(error: E): E {
    error.message = this.redact(error.message);
    if (error.stack) error.stack = this.redact(error.stack);
    return error;
  }

  toJSON(): string {
    return `SecretRedactor(${this.#values.size} values)`;
  }
}
