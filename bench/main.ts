/**
 * `npm run bench` — performance of the Infisical module against the local Infisical-compatible server.
 * Every timing is compared with a baseline measured in the same run, interleaved; medians of several runs.
 * Counts (requests reaching the server) are exact. Prints a table and writes bench/results/<timestamp>.json.
 *
 *   npm run bench                 full run (~3–4 min on 2 cores; builds the app and the library first)
 *   npm run bench -- --quick      smoke run: same code paths, fewer rounds (not for quoting)
 *   npm run bench -- --only=whole-process,footprint   a subset: bootstrap, read-path, upstream, memory,
 *                                 whole-process, footprint, sources, fleet, refresh, leases
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { machineInfo } from './lib/machine.js';
import { fmt, renderTable, tick, type Cell } from './lib/table.js';
import { runBootstrap, type BootstrapResult } from './scenarios/bootstrap.js';
import { runFleetRedis, type FleetRedisResult } from './scenarios/fleet-redis.js';
import { runFootprint, type FootprintResult } from './scenarios/footprint.js';
import { runLeaseHandover, type LeaseHandoverResult } from './scenarios/lease-handover.js';
import { runMemory, type MemoryResult } from './scenarios/memory.js';
import { runReadPath, type ReadPathResult } from './scenarios/read-path.js';
import { runRefreshStall, type RefreshStallResult } from './scenarios/refresh-stall.js';
import { runSources, type SourcesResult } from './scenarios/sources.js';
import { runUpstream, type UpstreamResult } from './scenarios/upstream-load.js';
import { runWholeProcess, type WholeProcessResult } from './scenarios/whole-process.js';

const SECTIONS = ['bootstrap', 'read-path', 'upstream', 'memory', 'whole-process', 'footprint', 'sources', 'fleet', 'refresh', 'leases'] as const;
type Section = (typeof SECTIONS)[number];
const quick = process.argv.includes('--quick');
const onlyArg = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const only = new Set<string>(onlyArg ? onlyArg.split(',') : SECTIONS);
for (const name of only) if (!(SECTIONS as readonly string[]).includes(name)) throw new Error(`--only: unknown section ${name} (known: ${SECTIONS.join(', ')})`);
const runs = (section: Section) => only.has(section);
const config = quick
  ? { bootstrapRounds: 3, warmupRounds: 1, readIterations: 500_000, readRounds: 3, windows: 4, readers: 1000, instances: 10, memoryRounds: 1, processRounds: 3, importRounds: 3, fleetInstances: 20, fleetWindows: 6, refreshRounds: 2, leaseRunMs: 15_000, leaseCapMs: 30_000, leaseHandOvers: 1 }
  : { bootstrapRounds: 9, warmupRounds: 2, readIterations: 3_000_000, readRounds: 9, windows: 10, readers: 1000, instances: 50, memoryRounds: 5, processRounds: 11, importRounds: 9, fleetInstances: 200, fleetWindows: 10, refreshRounds: 8, leaseRunMs: 42_000, leaseCapMs: 58_000, leaseHandOvers: 3 };
const LATENCIES = [0, 20];
const SOURCES_LATENCY_MS = 20;
const LEASE_CONCURRENCY = 8;

if (typeof globalThis.gc !== 'function') {
  console.error('Run with node --expose-gc (npm run bench does).');
  process.exit(1);
}
Logger.overrideLogger(false);

const machine = machineInfo();
const started = Date.now();
const log = (msg: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(1)} s] ${msg}\n`);

let bootstrap: BootstrapResult | undefined;
let readPath: ReadPathResult | undefined;
let upstream: UpstreamResult | undefined;
let memory: MemoryResult | undefined;
let wholeProcess: WholeProcessResult | undefined;
let footprint: FootprintResult | undefined;
let sources: SourcesResult | undefined;
let fleetRedis: FleetRedisResult | undefined;
let refreshStall: RefreshStallResult | undefined;
let leaseHandover: LeaseHandoverResult | undefined;
// The read path runs first, while this process has booted no other app: V8's inline caches at the read sites then
// see one snapshot shape, as in an application. After the bootstrap rounds' hundreds of apps (other key sets) they
// are megamorphic, and the same read measured 7–8 ns instead of 1 ns.
if (runs('read-path')) {
  log(`read path (${config.readRounds} rounds × ${config.readIterations} reads per variant)…`);
  readPath = await runReadPath({ iterations: config.readIterations, rounds: config.readRounds });
}
if (runs('bootstrap')) {
  log(`bootstrap (${config.bootstrapRounds} interleaved rounds per latency, ${config.warmupRounds} warm-up)…`);
  bootstrap = await runBootstrap({ rounds: config.bootstrapRounds, warmupRounds: config.warmupRounds, latencies: LATENCIES });
}
if (runs('sources')) {
  log(`sources (3 vs 1 at ${SOURCES_LATENCY_MS} ms RTT, ${config.bootstrapRounds} interleaved rounds)…`);
  sources = await runSources({ rounds: config.bootstrapRounds, warmupRounds: config.warmupRounds, latencyMs: SOURCES_LATENCY_MS });
}
if (runs('upstream')) {
  log(`upstream load (${config.windows} TTL windows, ${config.readers} readers, ${config.instances} instances)…`);
  upstream = await runUpstream({ windows: config.windows, readers: config.readers, instances: config.instances });
  Logger.overrideLogger(false);
}
if (runs('memory')) {
  log(`memory (${config.memoryRounds} + 1 child processes per variant)…`);
  memory = await runMemory({ rounds: config.memoryRounds });
}
if (runs('whole-process')) {
  log(`whole process (node dist/main.js, ${config.processRounds} interleaved cold starts per variant and latency)…`);
  wholeProcess = await runWholeProcess({ rounds: config.processRounds, warmupRounds: 1, latencies: LATENCIES });
}
if (runs('footprint')) {
  log(`footprint (npm ls --omit=dev, ${config.importRounds} fresh processes per import)…`);
  footprint = runFootprint({ rounds: config.importRounds });
}
if (runs('fleet')) {
  log(`fleet on Redis (${config.fleetInstances} instances, ${config.fleetWindows} TTL windows, Redis killed for 2)…`);
  fleetRedis = await runFleetRedis({ instances: config.fleetInstances, windows: config.fleetWindows, outageWindows: 2 });
  Logger.overrideLogger(false);
}
if (runs('refresh')) {
  log(`refresh stall (${config.refreshRounds} rounds × 1,000 / 3,000 / 10,000 changed keys of 10,000, app in a child process)…`);
  refreshStall = await runRefreshStall({ rounds: config.refreshRounds });
}
if (runs('leases')) {
  log(`lease hand-overs (PostgreSQL + TypeORM on a dynamic secret, ${LEASE_CONCURRENCY} concurrent queries, ≥ ${config.leaseRunMs / 1000} s and ${config.leaseHandOvers} hand-overs)…`);
  leaseHandover = await runLeaseHandover({ runMs: config.leaseRunMs, capMs: config.leaseCapMs, minHandOvers: config.leaseHandOvers, concurrency: LEASE_CONCURRENCY, pauseMs: 2 });
}
const durationSeconds = (Date.now() - started) / 1000;

// ------------------------------------------------------------------------------------------------------ table
const rows: Array<Cell[] | 'rule'> = [];
const ms = (v: number) => `${fmt(v)} ms`;
const counts = (list: number[]) => [...new Set(list)].join('/');
const targets: boolean[] = [];
const mb = (bytes: number) => `${fmt(bytes / 2 ** 20, 1)} MB`;
if (bootstrap) {
  for (const l of bootstrap.perLatency) {
    const b = l.bootMs;
    const rtt = `RTT ${l.latencyMs} ms`;
    rows.push([`1 bootstrap, ${rtt}`, '(a) plain ConfigModule', ms(b.plain?.median ?? NaN), `requests ${counts(l.requestsPerBoot.plain ?? [])}`, '', '']);
    rows.push(['', '(b) InfisicalModule', ms(b.module?.median ?? NaN), `requests ${counts(l.requestsPerBoot.module ?? [])}`, '', '']);
    rows.push(['', '(c) naive SDK, 6 × getSecret', ms(b.naive?.median ?? NaN), `requests ${counts(l.requestsPerBoot.naive ?? [])}`, '', '']);
    rows.push([
      '',
      '(b) − (a)',
      l.latencyMs > 0 ? `${ms(l.moduleMinusPlainMs)} = ${fmt(l.moduleMinusPlainRtt, 2)} RTT` : ms(l.moduleMinusPlainMs),
      `measured RTT ${fmt(l.measuredRttMs)} ms`,
      `≤ ${l.targetModuleMinusPlainMs} ms`,
      tick(l.moduleMinusPlainMet),
    ]);
    rows.push(['', '(b) / (c)', `${fmt(l.moduleOverNaive, 2)}×`, `(c) − (a) = ${ms(l.naiveMinusPlainMs)}`, '', '']);
  }
  {
    const d = bootstrap.lkg;
    rows.push([
      '1 bootstrap, hung',
      `(d) last-known-good, deadline ${d.startupTimeoutMs} ms`,
      ms(d.bootMs.median),
      `max ${ms(d.bootMs.max)}; source ${d.sources.join('/')}; requests ${counts(d.requestsPerBoot)}`,
      `≤ ${d.startupTimeoutMs + d.slackMs} ms`,
      tick(d.met),
    ]);
  }
  targets.push(...bootstrap.perLatency.map((l) => l.moduleMinusPlainMet), bootstrap.lkg.met);
  rows.push('rule');
}
if (sources) {
  const s = sources;
  rows.push([`7 sources, RTT ${s.latencyMs} ms`, '(a) plain ConfigModule', ms(s.bootMs.plain.median), '', '', '']);
  rows.push(['', '(b) 1 source', ms(s.bootMs.one.median), `(b) − (a) = ${ms(s.overheadMs.one)}; requests ${counts(s.requestsPerBoot.one)}`, '', '']);
  rows.push(['', '(c) 3 sources (2 folders, 2 projects)', ms(s.bootMs.three.median), `(c) − (a) = ${ms(s.overheadMs.three)}; requests ${counts(s.requestsPerBoot.three)}`, '', '']);
  rows.push(['', '((c) − (a)) / ((b) − (a))', `${fmt(s.ratio, 2)}×`, 'median of per-round ratios', `≤ ${s.target}×`, tick(s.met)]);
  targets.push(s.met);
  rows.push('rule');
}
if (readPath) {
  const r = readPath;
  const n = r.nsPerOp;
  rows.push(['2 read path', 'plain object property', `${fmt(n.plain?.median ?? NaN, 2)} ns`, 'baseline', '', '']);
  rows.push(['', 'store.get(key)', `${fmt(n.store?.median ?? NaN, 2)} ns`, `${fmt(r.ratios.storeOverPlain, 1)}× plain`, '', '']);
  rows.push(['', 'configService.get(key)', `${fmt(n.configService?.median ?? NaN, 2)} ns`, `${fmt(r.ratios.configServiceOverPlain, 1)}× plain`, '', '']);
  rows.push([
    '',
    'geminiCredentials.apiKey',
    `${fmt(n.provider?.median ?? NaN, 2)} ns`,
    `${fmt(r.ratios.providerOverConfigService, 2)}× configService.get`,
    `≤ ${r.target}×`,
    tick(r.met),
  ]);
  targets.push(r.met);
  rows.push('rule');
}
if (upstream) {
  const s = upstream.singleFlight;
  const perWindow = s.windows.map((w) => w.listRequests);
  rows.push([
    '3 upstream (i)',
    `${s.readersPerWindow} getAsync across expiry × ${s.windows.length}`,
    `${s.totalListRequests} lists`,
    `${counts(perWindow)} per window (timer on time / late); re-logins ${s.loginsAfterBootstrap}`,
    `${s.windows.length} (1 per window)`,
    tick(s.met),
  ]);
  rows.push([
    '',
    `cacheTtlSeconds 0: ${s.ttlZeroBurst.readers} concurrent getAsync`,
    `${s.ttlZeroBurst.listRequestsPerBurst.join('/')} lists`,
    `per burst (${s.ttlZeroBurst.bursts} bursts)`,
    '1 per burst',
    '',
  ]);
  const f = upstream.fleet;
  const first = f.perWindow[0];
  const last = f.perWindow[f.perWindow.length - 1];
  rows.push([
    '3 upstream (ii)',
    `${f.instances} instances × ${f.windows} windows (TTL ${f.ttlSeconds} s)`,
    `${f.totalListRequests} lists`,
    `${f.perInstance.min}–${f.perInstance.max} per instance; +${f.bootstrapListRequests} at boot, ${f.logins} logins`,
    `${f.expectedListRequests}`,
    tick(f.countsMet),
  ]);
  rows.push([
    '',
    'refresh spread per window (σ, range)',
    `${fmt(first?.stdevTtl ?? NaN, 3)}, ${fmt(first?.rangeTtl ?? NaN, 3)} TTL`,
    `window 1 (σ expected 0.058); window ${last?.window}: ${fmt(last?.stdevTtl ?? NaN, 3)}, ${fmt(last?.rangeTtl ?? NaN, 3)} TTL (σ expected ${fmt(last?.expectedStdevTtl ?? NaN, 3)})`,
    'spread > 0',
    '',
  ]);
  rows.push([
    '',
    'refresh interval per instance',
    `${fmt(f.interval.min, 3)}–${fmt(f.interval.max, 3)} TTL`,
    `mean ${fmt(f.interval.mean, 3)}, σ ${fmt(f.interval.stdev, 3)}; peak ${f.maxAtOneInstant} per instant, ${f.maxInOneSecond} per 1 s`,
    '0.9–1.1 TTL',
    tick(f.jitterMet),
  ]);
  targets.push(s.met, f.countsMet, f.jitterMet);
  rows.push('rule');
}
if (memory) {
  const m = memory;
  rows.push([
    '4 memory',
    `+${m.secrets} secrets × ${m.bytesPerSecret} B: heap used`,
    `+${fmt(m.deltaHeapUsedMb, 2)} MB`,
    `${Math.round(m.heapBytesPerSecret)} B per secret; after keep-alive close +${fmt(m.afterKeepAliveClosed.deltaHeapUsedMb, 2)} MB`,
    `≤ ${m.targetMb} MB`,
    tick(m.deltaHeapUsedMb <= m.targetMb),
  ]);
  rows.push([
    '',
    'RSS',
    `+${fmt(m.deltaRssMb, 2)} MB`,
    `process baseline RSS ${fmt(m.processBaselineMb.rss, 0)} MB, heap ${fmt(m.processBaselineMb.heapUsed, 0)} MB`,
    `≤ ${m.targetMb} MB`,
    tick(m.deltaRssMb <= m.targetMb),
  ]);
  targets.push(m.deltaHeapUsedMb <= m.targetMb, m.deltaRssMb <= m.targetMb);
  rows.push('rule');
}
if (wholeProcess) {
  for (const l of wholeProcess.perLatency) {
    const c = l.coldStartMs;
    rows.push([`5 whole process, RTT ${l.latencyMs} ms`, '(a) node dist/main.js, INFISICAL_ENABLED=false', ms(c.disabled.median), `spawn → 200 on /health/infisical; min ${ms(c.disabled.min)}`, '', '']);
    rows.push(['', '(b) node dist/main.js, Infisical enabled', ms(c.enabled.median), `min ${ms(c.enabled.min)}; requests ${counts(l.requestsPerBoot)}`, '', '']);
    rows.push([
      '',
      '(b) − (a)',
      l.latencyMs > 0 ? `${ms(l.overheadMs)} = ${fmt(l.overheadRtt, 2)} RTT` : ms(l.overheadMs),
      `median of ${l.runs} per-round differences; CPU time ${ms(l.cpuMs.disabled.median)} → ${ms(l.cpuMs.enabled.median)} (+${ms(l.cpuOverheadMs)})`,
      `≤ ${l.targetMs} ms`,
      tick(l.met),
    ]);
    targets.push(l.met);
  }
  rows.push('rule');
}
if (footprint) {
  const f = footprint;
  rows.push(['6 footprint', 'production node_modules', mb(f.production.bytes), `${f.production.packages} packages (npm ls --omit=dev)`, '', '']);
  rows.push(['', 'with @infisical/sdk as a dependency', mb(f.production.bytes + f.sdkExtra.bytes), `+${f.sdkExtra.packages} packages, +${mb(f.sdkExtra.bytes)} (its closure in package-lock.json)`, '', '']);
  rows.push(['', 'import of the library (dist/infisical/index.js)', ms(f.importMs.library.median), `fresh process, after its peers (peers alone ${ms(f.peersImportMs.median)})`, '', '']);
  rows.push(['', 'import of @infisical/sdk', ms(f.importMs.sdk.median), 'same method, for comparison', '', '']);
  rows.push([
    '',
    'first 2 requests of a process: fetch',
    ms(f.firstRequestsMs.fetch.median),
    `node:http: ${ms(f.firstRequestsMs.http.median)} (Node loads its bundled undici on the first fetch)`,
    '',
    '',
  ]);
}

if (fleetRedis) {
  const f = fleetRedis;
  const met = [
    f.bootstrap.listRequests === 1 && f.listsPerWindowUp.every((n) => n <= 1),
    f.propagation.ms <= 1000 && f.propagation.instances === f.instances,
    f.outage.failedReads === 0 && f.outage.listsPerWindowAfter.every((n) => n <= 1),
  ];
  rows.push('rule');
  rows.push([
    '8 fleet on Redis',
    `${f.instances} instances × ${f.windows - f.outage.windows} windows up (TTL 60 s)`,
    `${counts(f.listsPerWindowUp)} lists per window`,
    `boot: ${f.bootstrap.listRequests} list, ${f.bootstrap.logins} login for all; ${f.logins} logins in all (incl. the outage)`,
    '≤ 1 per window (without: one per instance)',
    tick(met[0]!),
  ]);
  rows.push(['', 'rotation via one webhook', ms(f.propagation.ms), `until all ${f.propagation.instances} serve it; ${f.propagation.listRequests} list request`, '≤ 1000 ms, all', tick(met[1]!)]);
  rows.push([
    '',
    `Redis killed for ${f.outage.windows} windows`,
    `${f.outage.failedReads} failed reads`,
    `of ${f.outage.reads}; lists per window while down ${f.outage.listsPerWindow.join('/')} (own polling); rejoined in ${fmt(f.outage.rejoinedAfterMs, 0)} ms, then ${f.outage.listsPerWindowAfter.join('/')}`,
    '0 failed, rejoin',
    tick(met[2]!),
  ]);
  targets.push(...met);
}

if (refreshStall) {
  const r = refreshStall;
  rows.push('rule');
  for (const [i, size] of r.perSize.entries()) {
    const full = size.changedKeys === r.totalKeys;
    rows.push([
      i === 0 ? '9 refresh stall' : '',
      `${size.changedKeys.toLocaleString('en-US')} of ${r.totalKeys.toLocaleString('en-US')} keys changed: worst stall`,
      ms(size.worstStallMs),
      `median of per-round worst ${ms(size.medianStallMs)}, p99 ${ms(size.medianP99Ms)}; refresh ${ms(size.medianTookMs)}; ${size.rounds} rounds; longest gap's own CPU ≤ ${ms(Math.max(...size.gapCpuMs))}`,
      full ? `≤ ${r.targetMs} ms` : '',
      full ? tick(r.met) : '',
    ]);
  }
  targets.push(r.met);
}

if (leaseHandover) {
  const l = leaseHandover;
  const n = (v: number) => v.toLocaleString('en-US');
  if (rows.length > 0) rows.push('rule');
  rows.push(['10 lease hand-overs', 'steady state: query latency p99', ms(l.steady.p99), `p50 ${ms(l.steady.p50)}, max ${ms(l.steady.max)}; ${n(l.steady.n)} queries, ${l.concurrency} concurrent (TypeORM + LeasedPgPool)`, '', '']);
  rows.push([
    '',
    `within ±${l.windowMs / 1000} s of a hand-over: p99`,
    ms(l.handOver.p99),
    `p50 ${ms(l.handOver.p50)}, max ${ms(l.handOver.max)}; ${n(l.handOver.n)} queries around ${l.handOvers} hand-overs (+${l.renewals} renewals)`,
    '',
    '',
  ]);
  rows.push([
    '',
    'p99 hand-over / p99 steady',
    `${fmt(l.ratio, 2)}×`,
    `same run, ${fmt(l.runMs / 1000, 0)} s; lease TTL ${l.ttl.defaultTTL}, max ${l.ttl.maxTTL}; ${l.users} database users; ${l.failed} of ${n(l.queries + l.failed)} queries failed`,
    `≤ ${l.target}×, 0 failed`,
    tick(l.met),
  ]);
  rows.push([
    '',
    `within ${l.firstMs} ms after a hand-over: p99`,
    ms(l.firstAfterHandOver.p99),
    `p50 ${ms(l.firstAfterHandOver.p50)}; ${n(l.firstAfterHandOver.n)} queries (those waiting for the new lease's logins; no target)`,
    '',
    '',
  ]);
  targets.push(l.met);
}

const header = ['Scenario', 'Measure', 'Median', 'Detail', 'Target', 'Met'];
const runsText = `bootstrap ${config.bootstrapRounds} rounds (+${config.warmupRounds} warm-up), read path ${config.readRounds} × ${config.readIterations.toLocaleString('en-US')}, memory ${config.memoryRounds} per variant, whole process ${config.processRounds} cold starts per variant, imports ${config.importRounds} processes, refresh ${config.refreshRounds} rounds per size, lease hand-overs ≥ ${config.leaseRunMs / 1000} s; sections ${[...only].join(', ')}`;
console.log('');
console.log(`nestjs-infisical benchmark${quick ? ' (QUICK smoke run — do not quote)' : ''}`);
console.log(`Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node} (V8 ${machine.v8}), ${machine.os}; load ${machine.loadAverageAtStart.join(' ')} → ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`Runs: ${runsText}; medians of interleaved runs; ratios against baselines of the same run; counts exact.`);
console.log('');
console.log(renderTable(header, rows));
console.log('');
console.log(`Targets met: ${targets.filter(Boolean).length}/${targets.length}. Duration ${durationSeconds.toFixed(1)} s.`);

// ------------------------------------------------------------------------------------------------------ JSON
const resultsDir = fileURLToPath(new URL('../../bench/results/', import.meta.url));
await mkdir(resultsDir, { recursive: true });
const stamp = new Date(started).toISOString().replace(/[:.]/g, '-');
const file = `${resultsDir}bench-${stamp}${quick ? '-quick' : ''}.json`;
const report = {
  startedAt: new Date(started).toISOString(),
  durationSeconds,
  quick,
  machine,
  config,
  targets: { met: targets.filter(Boolean).length, total: targets.length },
  bootstrap,
  readPath,
  upstream,
  memory,
  wholeProcess,
  footprint,
  sources,
  fleetRedis,
  refreshStall,
  leaseHandover,
};
await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
await writeFile(`${resultsDir}latest.json`, `${JSON.stringify(report, null, 2)}\n`);
console.log(`JSON: ${file.replace(`${process.cwd()}/`, '')}`);
process.exit(0);
