/**
 * The opt-in `mirrorToProcessEnv` list: the named keys' current values, as strings, in `process.env`, for libraries
 * that read nothing else. Each key's original environment value is remembered before the first write and put back
 * when the key disappears from the configuration and on shutdown. Keys not listed never reach `process.env`.
 */
export class ProcessEnvMirror {
  /** What `process.env` held for each mirrored key before the first write (undefined: it was not set). */
  readonly #original = new Map<string, string | undefined>();

  constructor(
    private readonly keys: readonly string[],
    /** The environment written to; by default `process.env` as it is at each write. */
    private readonly target?: NodeJS.ProcessEnv,
  ) {}

  get #env(): NodeJS.ProcessEnv {
    return this.target ?? process.env;
  }

  /** Writes the listed keys' current values (all of them at bootstrap, or those in `changed` after a refresh). */
  apply(read: (key: string) => unknown, changed?: ReadonlySet<string>): void {
    for (const key of this.keys) {
      if (changed && !changed.has(key)) continue;
      if (!this.#original.has(key)) this.#original.set(key, this.#env[key]);
      const value = read(key);
      if (value === undefined) this.#put(key, this.#original.get(key));
      else this.#env[key] = typeof value === 'string' ? value : JSON.stringify(value);
    }
  }

  /** Puts back what the environment held before the mirror wrote (shutdown). */
  restore(): void {
    for (const [key, value] of this.#original) this.#put(key, value);
    this.#original.clear();
  }

  #put(key: string, value: string | undefined): void {
    if (value === undefined) delete this.#env[key];
    else this.#env[key] = value;
  }
}

/** Mirrors `keys` of `store` into `process.env` now, after every refresh that changes one, and restores them on close. */
export function attachProcessEnvMirror(
  store: { get(key: string): unknown; onChange(listener: (changed: ReadonlySet<string>) => void): unknown; onClose(close: () => void): void },
  keys: readonly string[],
  env?: NodeJS.ProcessEnv,
): void {
  if (keys.length === 0) return;
  const mirror = new ProcessEnvMirror(keys, env);
  const read = (key: string) => store.get(key);
  mirror.apply(read);
  store.onChange((changed) => mirror.apply(read, changed));
  store.onClose(() => mirror.restore());
}
