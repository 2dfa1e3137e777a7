import type { LeaseSnapshot } from './lease-lifecycle.interface.js';

/**
 * The part of a `pg` `Pool` the adapter uses, as structural types: `pg` is not a dependency of the library, the
 * application passes its own `Pool`. (node-postgres 8.x: the pool copies its options once, and each `Client` reads
 * `user` once, in its constructor; `password` may be an async function, called when the server asks for it.)
 */
export interface PgPoolLike<Client = unknown> {
  query(...args: never[]): Promise<unknown>;
  connect(): Promise<Client>;
  end(): Promise<void>;
  on(event: 'error' | 'release', listener: (...args: never[]) => void): unknown;
  readonly waitingCount: number;
}

/** What a pool needs from a lease: its user name and its password, as one pair. */
export interface PgLeaseConfig {
  user: string | undefined;
  /** An async function, as `pg` accepts it: the password never sits in the pool's options. */
  password: () => Promise<string>;
}

/** Where the adapter reads the lease from: a `DynamicSecretHandle`. */
export interface PgLeaseSource {
  readonly lease: LeaseSnapshot;
  onRotate(listener: () => void): () => void;
  forceRefresh(): Promise<LeaseSnapshot>;
}

/**
 * Pool options of `lease`: its user and a password function. Both belong to the same lease, so a connection never
 * pairs one lease's user with another's password.
 */
export function pgLeaseConfig(lease: LeaseSnapshot): PgLeaseConfig {
  const { credentials } = lease;
  return { user: credentials.username, password: async () => credentials.password ?? '' };
}

/** PostgreSQL refused the login: `28P01` (password authentication failed) or `28000` (e.g. the role is gone). */
export function isPgAuthenticationFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '28P01' || code === '28000';
}

/** Settings of {@link LeasedPgPool}. */
export interface LeasedPgPoolOptions {
  /** Errors of idle connections of the current pool (`pool.on('error')`). @default ignored */
  onError?: (error: unknown) => void;
}

/**
 * A `pg` pool that follows the lease of a dynamic secret: one pool per lease, built by `createPool` with that lease's
 * user and password. After a hand-over, new queries and checkouts go to the new lease's pool at once, and the old
 * pool is drained — its waiting checkouts served, every client released — then ended, before the old lease is
 * revoked (the lease's drain period). A query or checkout that PostgreSQL refuses at login (`28P01`) forces one new
 * lease (shared by concurrent callers) and is retried once on its pool. Give `createPool` a `database` explicitly:
 * without one, `pg` connects to a database named like the (per-lease) user. During a hand-over the two pools may
 * hold up to twice `max` connections.
 *
 * ```ts
 * const pool = new LeasedPgPool(handle, (lease) => new pg.Pool({ host, port, database: 'app', max: 10, ...lease }));
 * await pool.query('select 1');
 * ```
 */
export class LeasedPgPool<Client = unknown, P extends PgPoolLike<Client> = PgPoolLike<Client>> {
  #pool: P;
  /** Pools of earlier leases, until their `end()` has finished. */
  readonly #draining = new Set<P>();
  readonly #ending = new WeakSet<P>();
  readonly #unsubscribe: () => void;
  #ended = false;

  constructor(
    private readonly source: PgLeaseSource,
    private readonly createPool: (config: PgLeaseConfig) => P,
    private readonly options: LeasedPgPoolOptions = {},
  ) {
    this.#pool = this.#open(source.lease);
    this.#unsubscribe = source.onRotate(() => this.#rotate());
  }

  /** The current lease's pool (for what the adapter does not forward; do not keep it across hand-overs). */
  get pool(): P {
    return this.#pool;
  }

  /** Pools of earlier leases still draining. */
  get draining(): number {
    return this.#draining.size;
  }

  /** `pool.query(...)` on the current lease's pool (promise form); once more on a new lease after a refused login. */
  query<R = unknown>(text: unknown, values?: unknown): Promise<R> {
    const args = values === undefined ? [text] : [text, values];
    return this.#withRetry((pool) => (pool.query as (...a: unknown[]) => Promise<unknown>).apply(pool, args)) as Promise<R>;
  }

  /** `pool.connect()` on the current lease's pool; once more on a new lease after a refused login. */
  connect(): Promise<Client> {
    return this.#withRetry((pool) => pool.connect()) as Promise<Client>;
  }

  /** Ends every pool (current and draining) and stops following the lease. */
  async end(): Promise<void> {
    this.#ended = true;
    this.#unsubscribe();
    await Promise.all([this.#pool, ...this.#draining].map((pool) => this.#close(pool)));
  }

  async #withRetry(run: (pool: P) => Promise<unknown>): Promise<unknown> {
    const pool = this.#pool;
    try {
      return await run(pool);
    } catch (error) {
      if (!isPgAuthenticationFailure(error) || this.#ended) throw error;
      // Another caller may have moved to a new lease already; otherwise ask for one (shared).
      if (pool === this.#pool) await this.source.forceRefresh();
      return run(this.#pool);
    }
  }

  #open(lease: LeaseSnapshot): P {
    const pool = this.createPool(pgLeaseConfig(lease));
    pool.on('error', ((error: unknown) => {
      if (pool === this.#pool) this.options.onError?.(error);
    }) as (...args: never[]) => void);
    return pool;
  }

  #rotate(): void {
    const old = this.#pool;
    this.#pool = this.#open(this.source.lease);
    this.#draining.add(old);
    if (old.waitingCount === 0) {
      void this.#close(old);
      return;
    }
    // Checkouts already waiting on the old pool are served by it; it ends once none waits.
    old.on('release', (() => {
      if (old.waitingCount === 0) void this.#close(old);
    }) as (...args: never[]) => void);
  }

  /** `end()` of `pg`: idle clients close at once, checked-out ones when released (never mid-query). */
  async #close(pool: P): Promise<void> {
    if (this.#ending.has(pool)) return;
    this.#ending.add(pool);
    try {
      await pool.end();
    } catch {
      // Ended already.
    } finally {
      this.#draining.delete(pool);
    }
  }
}
