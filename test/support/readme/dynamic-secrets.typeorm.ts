import { TypeOrmModule } from '@nestjs/typeorm';
import pg from 'pg';
import type { EntitySchema, MixedList } from 'typeorm';
import { DynamicSecretHandle, InfisicalModule, InjectDynamicSecret, LeasedPgPool } from '../../../src/infisical/index.js';

/**
 * `pg` with its `Pool` replaced by one that follows `handle`'s lease: TypeORM builds the pool from its options, the
 * lease supplies `user` and `password` (a new `pg.Pool` per lease, the old one drained, then ended), and a login
 * refused with 28P01 forces one new lease before the checkout is retried. Pass it as TypeORM's `driver`.
 */
export function leasedPgDriver(handle: DynamicSecretHandle): typeof pg {
  class LeasedPool {
    readonly #errorListeners: Array<(error: unknown) => void> = [];
    readonly #leased: LeasedPgPool<pg.PoolClient, pg.Pool>;
    constructor(options: pg.PoolConfig) {
      this.#leased = new LeasedPgPool(handle, (lease) => new pg.Pool({ ...options, ...lease }), {
        onError: (error) => this.#errorListeners.forEach((listener) => listener(error)),
      });
    }
    on(event: string, listener: (error: unknown) => void): this {
      if (event === 'error') this.#errorListeners.push(listener);
      return this;
    }
    connect(callback: (error: Error | undefined, client?: pg.PoolClient, release?: (error?: Error) => void) => void): void {
      this.#leased.connect().then(
        (client) => callback(undefined, client, (error?: Error) => client.release(error)),
        (error: Error) => callback(error),
      );
    }
    /** Connections of the current lease's pool. */
    get totalCount(): number {
      return this.#leased.pool.totalCount;
    }
    query(text: string, values?: unknown[]): Promise<unknown> {
      return this.#leased.query(text, values);
    }
    end(callback?: (error?: Error) => void): Promise<void> {
      const ended = this.#leased.end();
      if (callback) ended.then(() => callback(), callback);
      return ended;
    }
  }
  return { ...pg, Pool: LeasedPool } as unknown as typeof pg;
}

/** TypeORM on the lease of the dynamic secret `postgres-app` (listed in the root module's `dynamicSecrets`). */
export const leasedDatabase = (db: { host: string; port: number; database: string }, entities: MixedList<Function | string | EntitySchema>) =>
  TypeOrmModule.forRootAsync({
    imports: [InfisicalModule.forFeature({ dynamicSecrets: ['postgres-app'] })],
    inject: [InjectDynamicSecret.token('postgres-app')],
    useFactory: (handle: DynamicSecretHandle) => ({
      type: 'postgres' as const,
      host: db.host,
      port: db.port,
      database: db.database, // required: pg's default database is the user's name, which changes with every lease
      driver: leasedPgDriver(handle),
      entities,
    }),
  });
