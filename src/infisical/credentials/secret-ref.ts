import { SecretHandle, type SecretReader } from './secret-handle.js';

/** One secret injected by name with `@InjectSecret('KEY')` (registered with `InfisicalModule.forFeature`). */
export class SecretRef extends SecretHandle {
  /** Created by the module (dependency injection), not by applications. @hidden */
  constructor(
    store: SecretReader,
    /** The configuration key of the secret. */
    readonly key: string,
  ) {
    super(store, `Secret`, [key]);
  }

  /** Current value (in-memory). */
  get value(): string {
    return this.read(this.key);
  }

  /**
   * The value before the last rotation (a refresh that changed or removed it) for `previousValueGraceSeconds`
   * (default 300) after it, e.g. to verify a signature or JWT made just before; otherwise undefined.
   */
  get previous(): string | undefined {
    return this.readPrevious(this.key);
  }

  /** Current value, fetched first when `cacheTtlSeconds` is 0. */
  valueAsync(): Promise<string> {
    return this.readAsync(this.key);
  }
}

/** A named group of secrets injected with `@InjectSecretGroup('name')`. */
export class SecretGroup extends SecretHandle {
  readonly #members: ReadonlySet<string>;

  /** Created by the module (dependency injection), not by applications. @hidden */
  constructor(
    store: SecretReader,
    /** The name the group was registered under (`forFeature({ groups })`). */
    readonly name: string,
    keys: readonly string[],
  ) {
    super(store, `SecretGroup(${name})`, keys);
    this.#members = new Set(keys);
  }

  /** Current value of one member of the group. */
  get(key: string): string {
    if (!this.#members.has(key)) {
      throw new RangeError(`"${key}" is not part of secret group "${this.name}" (members: ${[...this.#members].join(', ')})`);
    }
    return this.read(key);
  }

  /** Current values of all members, as a plain object (handle it as you would the secrets themselves). */
  values(): Record<string, string> {
    return Object.fromEntries(this.keys.map((k) => [k, this.read(k)]));
  }
}
