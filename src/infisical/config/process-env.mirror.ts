import { NUL_IN_MIRRORED_VALUE } from './config-merge.js';

/**
 * The opt-in `mirrorToProcessEnv` list: the named keys' current values, as strings, in `process.env`, for libraries
 * that read nothing else. A key's operator value is what the environment holds unless it is the mirror's own write
 * (so build the mirror before the module writes anything); it is put back when the key disappears from the
 * configuration and on shutdown. Keys not listed never reach `process.env`. The mirror's own writes are never read
 * back as the operator's values: see {@link operatorView}.
 */
export class ProcessEnvMirror {
  /** The operator's value of each mirrored key (undefined: not set), as last seen where the mirror had not written. */
  readonly #original = new Map<string, string | undefined>();
  /** What the mirror last wrote for each key (a different value found there later is the operator's). */
  readonly #written = new Map<string, string>();

  constructor(
    private readonly keys: readonly string[],
    /** The environment written to; by default `process.env` as it is at each write. */
    private readonly target?: NodeJS.ProcessEnv,
  ) {}

  get #env(): NodeJS.ProcessEnv {
    return this.target ?? process.env;
  }

  /** The operator's value of a mirrored key: what the environment holds, unless that is the mirror's own write. */
  operatorValue(key: string): string | undefined {
    const current = this.#env[key];
    const written = this.#written.get(key);
    if (written === undefined || current !== written) this.#original.set(key, current);
    return this.#original.get(key);
  }

  /**
   * `env` as the operator set it: the mirrored keys read through {@link operatorValue}. An environment other than
   * the one written to is returned as it is.
   */
  operatorView(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    if (env !== this.#env || this.keys.length === 0) return env;
    const view: NodeJS.ProcessEnv = { ...env };
    for (const key of this.keys) {
      const value = this.operatorValue(key);
      if (value === undefined) delete view[key];
      else view[key] = value;
    }
    return view;
  }

  /** Writes the listed keys' current values (all of them at bootstrap, or those in `changed` after a refresh). */
  apply(read: (key: string) => unknown, changed?: ReadonlySet<string>): void {
    for (const key of this.keys) {
      if (changed && !changed.has(key)) continue;
      const original = this.operatorValue(key);
      const value = read(key);
      if (value === undefined) {
        this.#written.delete(key);
        this.#put(key, original);
        continue;
      }
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      // The merge model refuses such values first; a write would silently cut the value at the NUL.
      if (text.includes('\0')) throw new Error(`${key} ${NUL_IN_MIRRORED_VALUE}`);
      this.#written.set(key, text);
      this.#env[key] = text;
    }
  }

  /** Puts back the operator's values (shutdown). */
  restore(): void {
    for (const key of this.keys) this.#put(key, this.operatorValue(key));
    this.#written.clear();
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
  mirror: ProcessEnvMirror = new ProcessEnvMirror(keys, env),
): void {
  if (keys.length === 0) return;
  const read = (key: string) => store.get(key);
  mirror.apply(read);
  store.onChange((changed) => mirror.apply(read, changed));
  store.onClose(() => mirror.restore());
}
