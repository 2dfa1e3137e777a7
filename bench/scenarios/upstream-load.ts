/**
 * 3. Upstream load (request counts are exact; time is a ManualClock, so windows are deterministic).
 *  (i)   one instance, 1,000 concurrent `store.getAsync` readers across each expiry, 10 TTL windows, 20 ms latency:
 *        odd windows the refresh timer fires on time and readers join it; even windows the timer is late (event loop
 *        stalled) and the readers find the snapshot expired first. Plus a `cacheTtlSeconds: 0` burst.
 *  (ii)  50 instances (50 application contexts, one identity each) sharing one server for 10 TTL windows with the
 *        module's real jitter (Math.random): spread of the refresh instants per window and total list requests.
 */
import { ManualClock } from '../../test/support/manual-clock.js';
import { LogCapture } from '../../test/support/log-capture.js';
import { APP_PROJECT_ID, APP_VALUES } from '../../test/support/fixtures/app-seed.js';
import { LocalInfisicalServer } from '../../test/support/infisical-server/index.js';
import type { INestApplicationContext } from '@nestjs/common';
import type { SecretStore } from '../../src/infisical/index.js';
import { moduleOptions } from '../lib/bench-app.js';
import { createBenchSeed, fleetIdentity } from '../lib/seed.js';
import { SteppingClock } from '../lib/stepping-clock.js';
import { startWithClock } from '../lib/testing-app.js';
import { max, mean, min, sleep, stdev } from '../lib/stats.js';

const LIST = '/api/v3/secrets/raw';
const LOGIN = '/api/v1/auth/universal-auth/login';
const TTL_SECONDS = 60;

export interface SingleFlightWindow {
  window: number;
  trigger: 'timer' | 'late-timer (readers first)';
  readers: number;
  listRequests: number;
  /** Readers answered with the value from before the refresh (served from memory while it ran). */
  servedPrevious: number;
  servedNew: number;
}

export interface SingleFlightResult {
  ttlSeconds: number;
  latencyMs: number;
  readersPerWindow: number;
  windows: SingleFlightWindow[];
  totalListRequests: number;
  loginsAfterBootstrap: number;
  ttlZeroBurst: { readers: number; bursts: number; listRequestsPerBurst: number[] };
  warnings: number;
  met: boolean;
}

export interface FleetWindow {
  window: number;
  listRequests: number;
  /** Refresh instants relative to the start, in TTLs: spread statistics. */
  meanTtl: number;
  stdevTtl: number;
  rangeTtl: number;
  /** Expected stdev for k windows of independent ±10 % uniform jitter: 0.1·√(k/3). */
  expectedStdevTtl: number;
}

export interface FleetResult {
  instances: number;
  windows: number;
  ttlSeconds: number;
  bootstrapListRequests: number;
  logins: number;
  totalListRequests: number;
  expectedListRequests: number;
  perInstance: { min: number; max: number };
  perWindow: FleetWindow[];
  /** Interval between consecutive refreshes of one instance, in TTLs. */
  interval: { min: number; max: number; mean: number; stdev: number };
  /** Most list requests at one instant (same ms), and in any 1 s, over all windows (no jitter: = instances). */
  maxAtOneInstant: number;
  maxInOneSecond: number;
  warnings: number;
  countsMet: boolean;
  jitterMet: boolean;
}

export interface UpstreamResult {
  singleFlight: SingleFlightResult;
  fleet: FleetResult;
}

const greeting = (store: SecretStore) => store.get<string>('APP_GREETING');

export async function runSingleFlight(opts: { windows: number; readers: number }): Promise<SingleFlightResult> {
  const clock = new SteppingClock();
  const server = await LocalInfisicalServer.start({ seed: createBenchSeed(0), now: clock.now });
  const latencyMs = 20;
  server.injectFault({ kind: 'latency', ms: latencyMs });
  const logs = new LogCapture();
  const { app, store } = await startWithClock(moduleOptions(server.url, 'dev', { cacheTtlSeconds: TTL_SECONDS }), clock, logs);
  const windows: SingleFlightWindow[] = [];
  let ttlZero: SingleFlightResult['ttlZeroBurst'] = { readers: 0, bursts: 0, listRequestsPerBurst: [] };
  const loginsAtStart = server.requestsTo(LOGIN).length;
  const listsAtStart = server.requestsTo(LIST).length;
  try {
    for (let w = 1; w <= opts.windows; w++) {
      const lists = server.requestsTo(LIST).length;
      const previous = greeting(store);
      const next = `Hello from window ${w}`;
      server.setSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key: 'APP_GREETING', value: next });
      const pending = clock.pending;
      if (pending.length !== 1) throw new Error(`expected exactly one pending refresh timer, found ${pending.length}`);
      const dueIn = Math.ceil(pending[0] as number);
      const late = w % 2 === 0;
      const quarter = Math.floor(opts.readers / 4);
      const reads: Array<Promise<string | undefined>> = [];
      const readMany = (count: number) => {
        for (let i = 0; i < count; i++) reads.push(store.getAsync<string>('APP_GREETING'));
      };
      clock.advance(dueIn - 1);
      readMany(quarter); // just before the expiry: fresh, nothing to do
      if (late) clock.stall(1);
      else clock.advance(1); // the refresh timer fires (on time) or not (late)
      readMany(opts.readers - 2 * quarter); // right at the expiry
      await sleep(5);
      readMany(quarter); // while the refresh is in flight (20 ms round trips)
      if (late) clock.catchUp();
      await store.whenSettled();
      const values = await Promise.all(reads);
      if (greeting(store) !== next) throw new Error(`window ${w}: the refresh did not install the new value`);
      if (values.some((v) => v !== previous && v !== next)) throw new Error(`window ${w}: a reader got an unexpected value`);
      windows.push({
        window: w,
        trigger: late ? 'late-timer (readers first)' : 'timer',
        readers: reads.length,
        listRequests: server.requestsTo(LIST).length - lists,
        servedPrevious: values.filter((v) => v === previous).length,
        servedNew: values.filter((v) => v === next).length,
      });
    }
  } finally {
    await app.close();
  }
  const loginsAfterBootstrap = server.requestsTo(LOGIN).length - loginsAtStart;
  const totalListRequests = server.requestsTo(LIST).length - listsAtStart;

  // cacheTtlSeconds: 0 — getAsync fetches first; concurrent callers share one request.
  {
    const zero = await startWithClock(moduleOptions(server.url, 'dev', { cacheTtlSeconds: 0 }), clock, logs);
    try {
      const perBurst: number[] = [];
      for (let burst = 0; burst < 3; burst++) {
        const before = server.requestsTo(LIST).length;
        await Promise.all(Array.from({ length: opts.readers }, () => zero.store.getAsync('GEMINI_API_KEY')));
        await zero.store.whenSettled();
        perBurst.push(server.requestsTo(LIST).length - before);
      }
      ttlZero = { readers: opts.readers, bursts: perBurst.length, listRequestsPerBurst: perBurst };
    } finally {
      await zero.app.close();
      await server.close();
    }
  }
  const warnings = logs.lines.filter((l) => l.level === 'warn' || l.level === 'error').length;
  return {
    ttlSeconds: TTL_SECONDS,
    latencyMs,
    readersPerWindow: opts.readers,
    windows,
    totalListRequests,
    loginsAfterBootstrap,
    ttlZeroBurst: ttlZero,
    warnings,
    met:
      windows.every((w) => w.listRequests === 1) &&
      totalListRequests === opts.windows &&
      loginsAfterBootstrap === 0 &&
      ttlZero.listRequestsPerBurst.every((n) => n === 1) &&
      warnings === 0,
  };
}

export async function runFleet(opts: { instances: number; windows: number; readsPerStep: number }): Promise<FleetResult> {
  const clock = new ManualClock();
  const server = await LocalInfisicalServer.start({ seed: createBenchSeed(opts.instances), now: clock.now });
  server.injectFault({ kind: 'latency', ms: 0 });
  const logs = new LogCapture();
  const ttlMs = TTL_SECONDS * 1000;
  const fleet: Array<{ identityId: string; app: INestApplicationContext; store: SecretStore; open: boolean }> = [];
  const start = clock.now();
  try {
    for (let n = 1; n <= opts.instances; n++) {
      const id = fleetIdentity(n);
      const options = {
        ...moduleOptions(server.url, 'dev', { cacheTtlSeconds: TTL_SECONDS }),
        auth: { universalAuth: { clientId: id.clientId, clientSecret: id.clientSecret } },
      };
      const { app, store } = await startWithClock(options, clock, logs);
      if (store.get('GEMINI_API_KEY') !== APP_VALUES.dev.GEMINI_API_KEY) throw new Error(`instance ${n} serves a wrong value`);
      fleet.push({ identityId: id.id, app, store, open: true });
    }
    const bootstrapListRequests = server.requestsTo(LIST).length;
    const refreshes = new Map<string, number[]>(fleet.map((f) => [f.identityId, []]));
    let seen = bootstrapListRequests;
    // Step from one timer to the next; after each step let every refresh finish before time moves again.
    for (let guard = 0; fleet.some((f) => f.open); guard++) {
      if (guard > opts.instances * opts.windows * 4) throw new Error('the fleet simulation does not converge');
      const soonest = clock.pending[0];
      if (soonest === undefined) throw new Error('open instances but no pending timer');
      clock.advance(Math.ceil(soonest));
      const open = fleet.filter((f) => f.open);
      await Promise.all(open.map((f) => f.store.whenSettled()));
      for (const f of open) for (let r = 0; r < opts.readsPerStep; r++) await f.store.getAsync('GEMINI_API_KEY');
      const log = server.requestsTo(LIST);
      for (const entry of log.slice(seen)) refreshes.get(entry.identityId ?? '')?.push(entry.time - start);
      seen = log.length;
      for (const f of open) {
        if ((refreshes.get(f.identityId)?.length ?? 0) >= opts.windows) {
          f.open = false;
          await f.app.close();
        }
      }
    }
    const all = server.requestsTo(LIST).slice(bootstrapListRequests);
    const perInstance = [...refreshes.values()].map((r) => r.length);
    const perWindow: FleetWindow[] = [];
    for (let k = 1; k <= opts.windows; k++) {
      const instants = [...refreshes.values()].map((r) => (r[k - 1] as number) / ttlMs).filter((t) => Number.isFinite(t));
      perWindow.push({
        window: k,
        listRequests: instants.length,
        meanTtl: mean(instants),
        stdevTtl: stdev(instants),
        rangeTtl: max(instants) - min(instants),
        expectedStdevTtl: 0.1 * Math.sqrt(k / 3),
      });
    }
    const intervals = [...refreshes.values()].flatMap((r) => r.map((t, i) => (t - (i === 0 ? 0 : (r[i - 1] as number))) / ttlMs));
    const times = all.map((e) => e.time - start).sort((a, b) => a - b);
    const atInstant = new Map<number, number>();
    for (const t of times) atInstant.set(t, (atInstant.get(t) ?? 0) + 1);
    let maxInOneSecond = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while ((times[i] as number) - (times[j] as number) >= 1000) j++;
      maxInOneSecond = Math.max(maxInOneSecond, i - j + 1);
    }
    const maxAtOneInstant = Math.max(0, ...atInstant.values());
    const warnings = logs.lines.filter((l) => l.level === 'warn' || l.level === 'error').length;
    const expected = opts.instances * opts.windows;
    const interval = { min: min(intervals), max: max(intervals), mean: mean(intervals), stdev: stdev(intervals) };
    return {
      instances: opts.instances,
      windows: opts.windows,
      ttlSeconds: TTL_SECONDS,
      bootstrapListRequests,
      logins: server.requestsTo(LOGIN).length,
      totalListRequests: all.length,
      expectedListRequests: expected,
      perInstance: { min: min(perInstance), max: max(perInstance) },
      perWindow,
      interval,
      maxAtOneInstant,
      maxInOneSecond,
      warnings,
      countsMet:
        all.length === expected &&
        perInstance.every((c) => c === opts.windows) &&
        bootstrapListRequests === opts.instances &&
        server.requestsTo(LOGIN).length === opts.instances &&
        warnings === 0,
      jitterMet:
        interval.min >= 0.9 - 1e-3 &&
        interval.max <= 1.1 + 1e-3 &&
        perWindow.every((w) => w.rangeTtl >= 0.05) &&
        maxAtOneInstant <= Math.max(2, Math.ceil(opts.instances / 10)),
    };
  } finally {
    for (const f of fleet) if (f.open) await f.app.close();
    await server.close();
  }
}

export async function runUpstream(opts: { windows: number; readers: number; instances: number }): Promise<UpstreamResult> {
  const singleFlight = await runSingleFlight({ windows: opts.windows, readers: opts.readers });
  const fleet = await runFleet({ instances: opts.instances, windows: opts.windows, readsPerStep: 3 });
  return { singleFlight, fleet };
}
