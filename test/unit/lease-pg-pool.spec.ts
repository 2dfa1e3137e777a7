/**
 * The `pg` pool adapter over a running lease, with a fake pool that records what it was built with: one pool per
 * lease (user and password of the same lease), queries moved to the new lease's pool at a hand-over, the old pool
 * drained (waiting checkouts served) and then ended, one forced lease refresh after a refused login (28P01).
 */
import { describe, expect, it } from '@jest/globals';
import { DynamicSecretHandle } from '../../src/infisical/leases/dynamic-secret.handle.js';
import { DynamicSecretCredentials } from '../../src/infisical/leases/lease-credentials.js';
import { isPgAuthenticationFailure, LeasedPgPool, pgLeaseConfig, type PgLeaseConfig } from '../../src/infisical/leases/pg-pool.adapter.js';
import { failureOf, flushEventLoop } from '../support/deferred.js';
import { credentialsOf } from '../support/fakes/dynamic-secrets-api.fake.js';
import { leaseHarness } from '../support/lease-harness.js';

type Listener = (...args: never[]) => void;

/** The `pg.Pool` surface the adapter uses, in memory. */
class FakePgPool {
  waitingCount = 0;
  endCalls = 0;
  readonly queries: unknown[][] = [];
  readonly listeners: Record<string, Listener[]> = { error: [], release: [] };
  onQuery: (...args: unknown[]) => Promise<unknown> = async () => ({ rows: [{ user: this.config.user }] });

  constructor(readonly config: PgLeaseConfig) {}

  query(...args: unknown[]): Promise<unknown> {
    this.queries.push(args);
    return this.onQuery(...args);
  }

  async connect(): Promise<{ user: string | undefined }> {
    return this.onQuery('connect').then(() => ({ user: this.config.user }));
  }

  async end(): Promise<void> {
    this.endCalls++;
  }

  on(event: string, listener: Listener): this {
    this.listeners[event]!.push(listener);
    return this;
  }

  emit(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners[event]!) (listener as (...a: unknown[]) => void)(...args);
  }
}

const refusedLogin = () => Object.assign(new Error('password authentication failed for user "lease_user_1"'), { code: '28P01' });

async function setup() {
  const harness = leaseHarness();
  await harness.start();
  const handle = new DynamicSecretHandle(harness.lifecycle);
  const pools: FakePgPool[] = [];
  const errors: unknown[] = [];
  /** Set to make every pool built from now on refuse logins. */
  const settings = { refuseNewPools: false };
  const leased = new LeasedPgPool<{ user: string | undefined }, FakePgPool>(
    handle,
    (config) => {
      const pool = new FakePgPool(config);
      if (settings.refuseNewPools) {
        pool.onQuery = async () => {
          throw refusedLogin();
        };
      }
      pools.push(pool);
      return pool;
    },
    { onError: (error) => errors.push(error) },
  );
  return { ...harness, handle, pools, leased, errors, settings };
}

describe('LeasedPgPool', () => {
  it("builds the pool with the current lease's user and a password function of the same lease", async () => {
    const { pools, leased } = await setup();
    expect(pools).toHaveLength(1);
    expect(leased.pool).toBe(pools[0]);
    expect(pools[0]!.config.user).toBe('lease_user_1');
    expect(await pools[0]!.config.password()).toBe(credentialsOf(1).DB_PASSWORD);
    expect(await leased.query('select 1')).toEqual({ rows: [{ user: 'lease_user_1' }] });
    await leased.query('select $1', [2]);
    expect(pools[0]!.queries).toStrictEqual([['select 1'], ['select $1', [2]]]);
    expect(await leased.connect()).toEqual({ user: 'lease_user_1' });
  });

  it('moves to a pool of the new lease at a hand-over and ends the idle old pool; the old pool keeps its own password', async () => {
    const { pools, leased, until } = await setup();
    await until(151.2);
    expect(pools).toHaveLength(2);
    expect(pools[1]!.config.user).toBe('lease_user_2');
    expect(await pools[1]!.config.password()).toBe(credentialsOf(2).DB_PASSWORD);
    expect(await pools[0]!.config.password()).toBe(credentialsOf(1).DB_PASSWORD);
    expect(pools[0]!.endCalls).toBe(1);
    expect(leased.draining).toBe(0);
    await leased.query('select 2');
    expect(pools[1]!.queries).toEqual([['select 2']]);
    expect(pools[0]!.queries).toEqual([]);
  });

  it('serves checkouts already waiting on the old pool before ending it', async () => {
    const { pools, leased, handle } = await setup();
    pools[0]!.waitingCount = 2;
    await handle.forceRefresh();
    expect(leased.draining).toBe(1);
    expect(pools[0]!.endCalls).toBe(0);
    pools[0]!.waitingCount = 1;
    pools[0]!.emit('release');
    expect(pools[0]!.endCalls).toBe(0);
    pools[0]!.waitingCount = 0;
    pools[0]!.emit('release');
    pools[0]!.emit('release');
    expect(pools[0]!.endCalls).toBe(1);
    await flushEventLoop();
    expect(leased.draining).toBe(0);
  });

  it('takes one new lease after a refused login, shared by concurrent queries, and retries each once on it', async () => {
    const { pools, leased, fake, handle } = await setup();
    pools[0]!.onQuery = async () => {
      throw refusedLogin();
    };
    const [a, b] = await Promise.all([leased.query('select a'), leased.query('select b')]);
    expect(a).toEqual({ rows: [{ user: 'lease_user_2' }] });
    expect(b).toEqual({ rows: [{ user: 'lease_user_2' }] });
    expect(fake.log).toEqual(['create', 'create']);
    expect(handle.leaseId).toBe('lease-2');
    expect(pools[1]!.queries).toEqual([['select a'], ['select b']]);
  });

  it('retries a refused checkout the same way', async () => {
    const { pools, leased } = await setup();
    pools[0]!.onQuery = async () => {
      throw refusedLogin();
    };
    expect(await leased.connect()).toEqual({ user: 'lease_user_2' });
  });

  it('retries only once, and never for other errors', async () => {
    const { pools, leased, fake, settings } = await setup();
    const other = Object.assign(new Error('relation does not exist'), { code: '42P01' });
    pools[0]!.onQuery = async () => {
      throw other;
    };
    expect(await failureOf(leased.query('select x'))).toBe(other);
    expect(fake.log).toEqual(['create']);
    pools[0]!.onQuery = async () => {
      throw refusedLogin();
    };
    // The new lease's login is refused too: that error reaches the caller, after one refresh only.
    settings.refuseNewPools = true;
    expect(await failureOf(leased.query('select y'))).toMatchObject({ code: '28P01' });
    expect(pools[1]!.queries).toEqual([['select y']]);
    expect(fake.log).toEqual(['create', 'create']);
  });

  it('retries on the new pool without another refresh when a hand-over came first', async () => {
    const { pools, leased, fake, handle } = await setup();
    pools[0]!.onQuery = async () => {
      await handle.forceRefresh();
      throw refusedLogin();
    };
    expect(await leased.query('select 1')).toEqual({ rows: [{ user: 'lease_user_2' }] });
    expect(fake.log).toEqual(['create', 'create']);
  });

  it('ends every pool once and stops following the lease', async () => {
    const { pools, leased, handle, fake } = await setup();
    pools[0]!.waitingCount = 1;
    await handle.forceRefresh();
    await leased.end();
    expect(pools.map((p) => p.endCalls)).toEqual([1, 1]);
    expect(leased.draining).toBe(0);
    await handle.forceRefresh();
    expect(pools).toHaveLength(2);
    await leased.end();
    expect(pools.map((p) => p.endCalls)).toEqual([1, 1]);
    pools[1]!.onQuery = async () => {
      throw refusedLogin();
    };
    const creates = fake.log.length;
    expect(await failureOf<Error>(leased.query('select 1'))).toMatchObject({ code: '28P01' });
    expect(fake.log).toHaveLength(creates);
  });

  it("reports errors of the current pool's idle connections, not those of a draining pool", async () => {
    const { pools, errors, handle } = await setup();
    pools[0]!.waitingCount = 1;
    pools[0]!.emit('error', new Error('first'));
    await handle.forceRefresh();
    pools[0]!.emit('error', new Error('old'));
    pools[1]!.emit('error', new Error('new'));
    expect(errors.map((e) => (e as Error).message)).toEqual(['first', 'new']);
  });

  it('swallows the error of ending a pool that ended already', async () => {
    const { pools, leased, handle } = await setup();
    pools[0]!.end = async () => {
      throw new Error('Called end on pool more than once');
    };
    await handle.forceRefresh();
    await flushEventLoop();
    expect(leased.draining).toBe(0);
  });
});

describe('pg adapter parts', () => {
  it('tells a refused login from other PostgreSQL errors', () => {
    expect(isPgAuthenticationFailure({ code: '28P01' })).toBe(true);
    expect(isPgAuthenticationFailure({ code: '28000' })).toBe(true);
    expect(isPgAuthenticationFailure({ code: '57P01' })).toBe(false);
    expect(isPgAuthenticationFailure(new Error('28P01'))).toBe(false);
    expect(isPgAuthenticationFailure(null)).toBe(false);
    expect(isPgAuthenticationFailure(undefined)).toBe(false);
  });

  it('reads user and password of one lease; no password is an empty one', async () => {
    const { lifecycle, start } = leaseHarness();
    await start();
    const config = pgLeaseConfig(lifecycle.current());
    expect(config.user).toBe('lease_user_1');
    expect(await config.password()).toBe(credentialsOf(1).DB_PASSWORD);
    const bare = pgLeaseConfig({ leaseId: 'l', expireAt: 0, credentials: new DynamicSecretCredentials({ USERNAME: 'u' }) });
    expect(bare.user).toBe('u');
    expect(await bare.password()).toBe('');
  });
});
