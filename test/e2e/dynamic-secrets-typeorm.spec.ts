/**
 * Acceptance of dynamic secrets: a NestJS app with @nestjs/typeorm + pg whose database user is a dynamic secret's
 * lease (local Infisical server, real PostgreSQL; default TTL 10 s, max TTL 30 s), issuing queries for at least 60 s
 * of real time. No query fails while the lease is renewed and handed over to new ones (the old pool drains, then
 * its role is revoked); a login PostgreSQL refuses (28P01) forces one new lease before the query is retried; at
 * shutdown the current lease is revoked and its role dropped; no lease credential is ever printed.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { inspect } from 'node:util';
import pg from 'pg';
import { Column, DataSource, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { DynamicSecretHandle, InfisicalHealthIndicator, InfisicalModule, InjectDynamicSecret } from '../../src/infisical/index.js';
import { leasedDatabase } from '../support/readme/dynamic-secrets.typeorm.js';
import { DYNAMIC_SECRET_NAME, dynamicSecretSeed, leasingModuleOptions, seedWithDynamicSecrets } from '../support/fixtures/dynamic-secret-seed.js';
import { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { MetricCollector } from '../support/metric-collector.js';
import { findLeaks, LogCapture } from '../support/log-capture.js';
import { PostgresServer } from '../support/postgres-server.js';
import { waitFor } from '../support/wait-for.js';

/** How long queries run (the acceptance's 60 s), and the longest the run may take to also see two hand-overs. */
const RUN_MS = 60_000;
const RUN_CAP_MS = 110_000;

// The recipe (docs/dynamic-secrets.md, test/support/readme/dynamic-secrets.typeorm.ts): TypeORM's pg driver with a
// pool that follows the lease.

@Entity({ schema: 'app', name: 'items' })
class Item {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column()
  note!: string;
}

/** Application code: injects the handle (e.g. to show which lease is in use), never its credentials. */
@Injectable()
class LeaseProbe {
  constructor(@InjectDynamicSecret(DYNAMIC_SECRET_NAME) readonly handle: DynamicSecretHandle) {}
}

// ── The test ─────────────────────────────────────────────────────────────────────────────────────────────────────

describe('dynamic secrets + TypeORM (PostgreSQL user from a lease, 60 s of queries)', () => {
  let pgServer: PostgresServer;
  let server: LocalInfisicalServer;
  let app: INestApplication;
  const logs = new LogCapture();
  let metrics: MetricCollector;
  const credentials = new Set<string>();
  /** Every lease the app was handed: ID → database user. */
  const seen = new Map<string, string>();
  const printed: string[] = [];

  beforeAll(async () => {
    metrics = new MetricCollector();
    pgServer = await PostgresServer.start();
    server = await LocalInfisicalServer.start({ seed: seedWithDynamicSecrets([dynamicSecretSeed(pgServer, { defaultTTL: '10s', maxTTL: '30s' })]) });
    const db = pgServer.connectionFor('unused', 'unused');

    @Module({
      imports: [
        InfisicalModule.forRoot(leasingModuleOptions(server.url)),
        leasedDatabase(db, [Item]),
        TypeOrmModule.forFeature([Item]),
        InfisicalModule.forFeature({ dynamicSecrets: [DYNAMIC_SECRET_NAME] }),
      ],
      providers: [LeaseProbe],
    })
    class AppModule {}

    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).setLogger(logs).compile();
    app = moduleRef.createNestApplication({ logger: logs });
    await app.init();
  }, 60_000);

  afterAll(async () => {
    await app?.close().catch(() => undefined);
    await server?.close();
    await pgServer?.stop();
    await metrics?.stop();
  });

  const health = () => app.get(InfisicalHealthIndicator).isHealthy('infisical');
  const remember = (handle: DynamicSecretHandle) => {
    const { username, password } = handle.credentials;
    seen.set(handle.leaseId, username!);
    for (const value of [username, password]) if (value) credentials.add(value);
  };

  it('runs queries for 60 s with none failing: renewals, hand-overs (drained, then revoked), a forced refresh on 28P01, revocation at shutdown', async () => {
    const handle = app.get(LeaseProbe).handle;
    const dataSource = app.get<DataSource>(getDataSourceToken());
    const items = dataSource.getRepository(Item);
    remember(handle);
    handle.onRotate(remember);
    const firstLease = handle.leaseId;
    printed.push(String(handle), JSON.stringify(handle), JSON.stringify(health()));

    // Two workers, each query after the previous one: a select naming the database user, and an insert.
    const users = new Set<string>();
    const failures: string[] = [];
    let queries = 0;
    let running = true;
    const started = Date.now();
    const worker = async (id: number) => {
      for (let i = 0; running; i++) {
        try {
          if (i % 2 === 0) {
            const [row] = (await dataSource.query('select current_user as name')) as Array<{ name: string }>;
            users.add(row!.name);
          } else {
            await items.insert({ note: `worker ${id} query ${i}` });
          }
          queries++;
        } catch (error) {
          failures.push(String(error));
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    const workers = [worker(1), worker(2)];
    // Not a sleep for correctness: the run lasts RUN_MS, longer (up to RUN_CAP_MS) until two hand-overs were seen.
    await waitFor(() => Date.now() - started >= RUN_MS && handle.status.handOvers >= 2, '60 s of queries and two lease hand-overs', RUN_CAP_MS);
    printed.push(JSON.stringify(health()));
    running = false;
    await Promise.all(workers);
    const durationMs = Date.now() - started;

    const status = handle.status;
    const superseded = [...seen].filter(([id]) => id !== handle.leaseId);
    // Each superseded lease is revoked (gone from the server) once its drain period, at most until its expiry, is over.
    const known = () => new Set(server.dynamicSecrets.leases().map((lease) => lease.id));
    await waitFor(() => superseded.every(([id]) => !known().has(id)), 'superseded leases revoked', 40_000);
    const dropped = await Promise.all(superseded.map(async ([, user]) => !(await pgServer.roleExists(user))));

    process.stdout.write(
      `dynamic-secrets-typeorm: ${queries} queries in ${durationMs} ms, ${failures.length} failed, ${status.renewals} renewals, ` +
        `${status.handOvers} hand-overs, ${users.size} database users, ${dropped.filter(Boolean).length}/${superseded.length} superseded roles dropped\n`,
    );
    expect(failures).toEqual([]);
    expect(durationMs).toBeGreaterThanOrEqual(RUN_MS);
    expect(queries).toBeGreaterThan(100);
    expect(status.renewals).toBeGreaterThanOrEqual(2);
    expect(status.handOvers).toBeGreaterThanOrEqual(2);
    expect(users.size).toBeGreaterThanOrEqual(3); // the queries moved to each new lease's user
    expect(handle.leaseId).not.toBe(firstLease);
    expect(superseded.length).toBeGreaterThanOrEqual(2);
    expect(dropped.every(Boolean)).toBe(true);

    // Health names the lease (ID, expiry, renewals), never its credentials.
    const details = health().infisical as unknown as { status: string; dynamicSecrets: Array<Record<string, unknown>> };
    expect(details.status).toBe('up');
    expect(details.dynamicSecrets).toEqual([
      expect.objectContaining({ name: DYNAMIC_SECRET_NAME, environment: 'dev', path: '/', status: 'up', leaseId: handle.leaseId, expiresAt: handle.expiresAt.toISOString(), handOvers: status.handOvers }),
    ]);

    // PostgreSQL refuses the current user's login (28P01): one forced new lease, then the query succeeds.
    const refused = handle.leaseId;
    const user = handle.credentials.username!;
    const admin = new pg.Client(pgServer.admin);
    await admin.connect();
    try {
      await admin.query(`ALTER ROLE "${user}" PASSWORD 'not-the-lease-password'`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [user]);
    } finally {
      await admin.end();
    }
    // The pool drops the ended connections; the next checkouts log in again (refused, then on the new lease).
    const pool = (dataSource.driver as unknown as { master: { totalCount: number } }).master;
    await waitFor(() => pool.totalCount === 0, 'the terminated connections to leave the pool', 10_000);
    const after: string[] = [];
    for (let i = 0; i < 5; i++) {
      const attempt = await dataSource.query('select current_user as name').then(
        (rows: Array<{ name: string }>) => rows[0]!.name,
        (error: unknown) => `failed: ${String(error)}`,
      );
      after.push(attempt);
    }
    expect(handle.leaseId).not.toBe(refused);
    expect(after.filter((a) => a.startsWith('failed'))).toEqual([]);
    expect(new Set(after)).toEqual(new Set([handle.credentials.username]));
    printed.push(JSON.stringify(health()), String(handle));

    // Shutdown: pools end, the current lease is revoked and its role dropped.
    const last = { id: handle.leaseId, user: handle.credentials.username! };
    await app.close();
    expect(known().has(last.id)).toBe(false);
    expect(await pgServer.roleExists(last.user)).toBe(false);
    expect(server.dynamicSecrets.leases()).toEqual([]);
    // After shutdown the handle refuses to hand out credentials; its error names the dynamic secret, not a value.
    const refusal = (() => {
      try {
        return handle.credentials;
      } catch (error) {
        return error as Error;
      }
    })();
    expect(refusal).toBeInstanceOf(Error);
    expect((refusal as Error).message).toContain(DYNAMIC_SECRET_NAME);
    printed.push(String(refusal), (refusal as Error).stack ?? '', inspect(refusal), inspect(handle), JSON.stringify(health()));

    // OpenTelemetry: every lease created and renewed was counted, none failed; revoked counts what this instance
    // revoked (at least the two at shutdown: the current lease and the one superseded by the forced refresh). A
    // superseded lease drains until its expiry, so Infisical may revoke it first (a 404 then, not counted).
    const counted = new Map<string, number>();
    for (const point of await metrics.points('infisical.dynamic_secret.leases')) {
      expect(point.attributes['infisical.dynamic_secret.name']).toBe(DYNAMIC_SECRET_NAME);
      counted.set(String(point.attributes['infisical.lease.event']), Number(point.value));
    }
    expect([...counted.keys()].sort()).toEqual(['created', 'renewed', 'revoked']);
    expect(counted.get('created')).toBe(seen.size);
    expect(counted.get('renewed')).toBeGreaterThanOrEqual(status.renewals);
    expect(counted.get('revoked')).toBeGreaterThanOrEqual(2);
    expect(counted.get('revoked')).toBeLessThanOrEqual(seen.size);

    // No lease credential in any log line, health payload or printed handle.
    expect(credentials.size).toBeGreaterThanOrEqual(2 * 4);
    expect(findLeaks([logs.text, ...printed].join('\n'), credentials)).toEqual([]);
  }, 180_000);
});
