import { inspect } from 'node:util';
import { REDACTED } from '../infisical.defaults.js';

/** Keys a provider may use for the user name and the password, in order (SQL: `DB_USERNAME`, `DB_PASSWORD`). */
const USERNAME_KEYS = ['DB_USERNAME', 'USERNAME', 'username', 'user'];
const PASSWORD_KEYS = ['DB_PASSWORD', 'PASSWORD', 'password'];

/**
 * The credentials of one lease. `toString`, `JSON.stringify` and `util.inspect` print the key names with
 * `[REDACTED]` values; the values are read through the getters only.
 */
export class DynamicSecretCredentials {
  readonly #data: Readonly<Record<string, string>>;

  constructor(data: Readonly<Record<string, string>>) {
    this.#data = Object.freeze({ ...data });
  }

  /** The user name (`DB_USERNAME`, `USERNAME`, `username` or `user`), when the provider returns one. */
  get username(): string | undefined {
    return this.#first(USERNAME_KEYS);
  }

  /** The password (`DB_PASSWORD`, `PASSWORD` or `password`), when the provider returns one. */
  get password(): string | undefined {
    return this.#first(PASSWORD_KEYS);
  }

  /** Every value the provider returned, by its key (a frozen copy: printing it prints the values). */
  get data(): Readonly<Record<string, string>> {
    return this.#data;
  }

  /** The provider's keys (names only). */
  get keys(): string[] {
    return Object.keys(this.#data);
  }

  #first(keys: readonly string[]): string | undefined {
    for (const key of keys) if (Object.hasOwn(this.#data, key)) return this.#data[key];
    return undefined;
  }

  toString(): string {
    return `DynamicSecretCredentials { ${this.keys.map((k) => `${k}: ${REDACTED}`).join(', ')} }`;
  }

  toJSON(): Record<string, string> {
    return Object.fromEntries(this.keys.map((k) => [k, REDACTED]));
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
