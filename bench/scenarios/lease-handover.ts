/**
 * 10. Lease hand-overs: query latency of a NestJS app whose PostgreSQL user is a dynamic secret's lease (the TypeORM
 *    recipe of docs/dynamic-secrets.md, test/support/readme/dynamic-secrets.typeorm.ts: `LeasedPgPool` behind TypeORM's
 *    pg driver), while the lease is renewed and handed over, against the steady state of the same run. A throw-away
 *    PostgreSQL cluster and the local Infisical server (in a child process, as a real Infisical is remote; the dynamic
 *    secret with default TTL 10 s and max TTL 20 s: a renewal at ~6.7 s, a new lease at ~13.3 s, and so on). A fixed
 *    number of workers each run one query after the other for the whole run; every query's start and latency are kept.
 *    A query is "during a hand-over" when it starts within ±1 s of an `onRotate` event (the new lease's pool opens its
 *    connections then, and the old pool drains and ends); every other query after the warm-up is "steady". Reported:
 *    p50 / p99 / max of each, and p99(hand-over) / p99(steady), target ≤ 1.5×; beside it, without a target, the queries
 *    starting within 250 ms after a hand-over (those that wait for the new pool's logins).
 */
import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DynamicSecretHandle, InfisicalModule, InjectDynamicSecret } from '../../src/infisical/index.js';
import { DYNAMIC_SECRET_NAME, dynamicSecretSeed, leasingModuleOptions, seedWithDynamicSecrets } from '../../test/support/fixtures/dynamic-secret-seed.js';
import { PostgresServer, TEST_TABLE } from '../../test/support/postgres-server.js';
import { leasedDatabase } from '../../test/support/readme/dynamic-secrets.typeorm.js';
import { RemoteInfisicalServer } from '../lib/remote-server.js';
import { percentile, round3, sleep } from '../lib/stats.js';

export const LEASE_HANDOVER_TARGET_RATIO = 1.5;
/** Half-width of the window around each hand-over. */
const WINDOW_MS = 1000;
/** A tighter look, without a target: queries starting in the first 250 ms after a hand-over (new connections). */
const FIRST_MS = 250;
/** Queries of the first seconds (TypeORM's and the pool's first connections) belong to neither class. */
const WARMUP_MS = 2000;
const TTL = { defaultTTL: '10s', maxTTL: '20s' } as const;

@Injectable()
class LeaseProbe {
  constructor(@InjectDynamicSecret(DYNAMIC_SECRET_NAME) readonly handle: DynamicSecretHandle) {}
}

interface Latencies {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

export interface LeaseHandoverResult {
  runMs: number;
  concurrency: number;
  ttl: typeof TTL;
  windowMs: number;
  handOvers: number;
  renewals: number;
  /** Distinct database users the queries ran as (one per lease). */
  users: number;
  queries: number;
  failed: number;
  failures: string[];
  steady: Latencies;
  handOver: Latencies;
  firstMs: number;
  /** Queries starting within `firstMs` after a hand-over (a subset of `handOver`). */
  firstAfterHandOver: Latencies;
  /** The slowest queries during hand-overs (ms), to see how many pay for new connections. */
  slowestHandOverMs: number[];
  ratio: number;
  target: number;
  met: boolean;
}

const latencies = (values: number[]): Latencies => ({
  n: values.length,
  p50: round3(percentile(values, 50)),
  p99: round3(percentile(values, 99)),
  max: round3(values.reduce((a, b) => Math.max(a, b), 0)),
});

/**
 * Runs queries for `runMs` (longer, up to `capMs`, until `minHandOvers` hand-overs were seen), `concurrency` workers,
 * each pausing `pauseMs` between its queries.
 */
export async function runLeaseHandover(opts: { runMs: number; capMs: number; minHandOvers: number; concurrency: number; pauseMs: number }): Promise<LeaseHandoverResult> {
  const pgServer = await PostgresServer.start();
  let server: RemoteInfisicalServer | undefined;
  let app: INestApplicationContext | undefined;
  try {
    server = await RemoteInfisicalServer.start(0, seedWithDynamicSecrets([dynamicSecretSeed(pgServer, TTL)]));
    const db = pgServer.connectionFor('unused', 'unused');

    @Module({
      imports: [
        InfisicalModule.forRoot(leasingModuleOptions(server.url)),
        leasedDatabase(db, []),
        InfisicalModule.forFeature({ dynamicSecrets: [DYNAMIC_SECRET_NAME] }),
      ],
      providers: [LeaseProbe],
    })
    class AppModule {}

    app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    const handle = app.get(LeaseProbe).handle;
    const dataSource = app.get<DataSource>(getDataSourceToken());
    const rotations: number[] = [];
    handle.onRotate(() => rotations.push(performance.now()));

    const starts: number[] = [];
    const durations: number[] = [];
    const failures: string[] = [];
    const users = new Set<string>();
    let running = true;
    const began = performance.now();
    const worker = async () => {
      while (running) {
        const start = performance.now();
        try {
          const [row] = (await dataSource.query(`SELECT current_user AS name, note FROM ${TEST_TABLE} WHERE id = 1`)) as Array<{ name: string }>;
          durations.push(performance.now() - start);
          starts.push(start - began);
          users.add(row!.name);
        } catch (error) {
          failures.push(String(error).slice(0, 200));
        }
        await sleep(opts.pauseMs);
      }
    };
    const workers = Array.from({ length: opts.concurrency }, () => worker());
    for (;;) {
      const elapsed = performance.now() - began;
      if (elapsed >= opts.capMs || (elapsed >= opts.runMs && handle.status.handOvers >= opts.minHandOvers)) break;
      await sleep(100);
    }
    running = false;
    await Promise.all(workers);
    const runMs = performance.now() - began;
    const status = handle.status;

    const marks = rotations.map((t) => t - began);
    const steady: number[] = [];
    const during: number[] = [];
    const first: number[] = [];
    for (const [i, start] of starts.entries()) {
      if (start < WARMUP_MS) continue;
      (marks.some((m) => Math.abs(start - m) <= WINDOW_MS) ? during : steady).push(durations[i]!);
      if (marks.some((m) => start >= m && start - m <= FIRST_MS)) first.push(durations[i]!);
    }
    const s = latencies(steady);
    const h = latencies(during);
    const ratio = h.p99 / s.p99;
    return {
      runMs: round3(runMs),
      concurrency: opts.concurrency,
      ttl: TTL,
      windowMs: WINDOW_MS,
      handOvers: status.handOvers,
      renewals: status.renewals,
      users: users.size,
      queries: durations.length,
      failed: failures.length,
      failures: failures.slice(0, 5),
      steady: s,
      handOver: h,
      firstMs: FIRST_MS,
      firstAfterHandOver: latencies(first),
      slowestHandOverMs: [...during].sort((a, b) => b - a).slice(0, 10).map(round3),
      ratio,
      target: LEASE_HANDOVER_TARGET_RATIO,
      met: failures.length === 0 && rotations.length >= opts.minHandOvers && ratio <= LEASE_HANDOVER_TARGET_RATIO,
    };
  } finally {
    // The app first (it revokes its lease through the server), then the server, then the cluster.
    await app?.close().catch(() => undefined);
    await server?.close();
    await pgServer.stop();
  }
}
