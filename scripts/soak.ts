/**
 * `npm run soak` (not in CI): a long run of the module against the hostile Infisical-compatible server.
 *
 * TTL 1 s; a rotation every 3 s (every fifth one invalid, which must be rejected); ~5 % of seconds start a fault
 * window of 1–4 s (500, 429 with Retry-After, a hang, a 10 MB nested body, a malformed login after a revoked token;
 * one redirect to a recording origin, at the start); tokens live 8 s (renewals and re-logins all along). Four views
 * are read every 100 ms. The report: wrong values served (must be 0), staleness after a rotation outside fault
 * windows, RSS/heap every 30 s, active handles, requests per minute, unhandled rejections, and a leak scan.
 *
 *   SOAK_MINUTES=15 (default). Memory is sampled after a forced GC (node --expose-gc), from minute 3 on.
 */
import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { InfisicalModule, SecretStore } from '../src/infisical/index.js';
import { errorAnswer, GOOD_SECRETS, hostileOptions, HOSTILE_CLIENT_SECRET, HostileServer, redirectTo, type HostileAnswer } from '../test/support/hostile-server/index.js';
import { findLeaks, LogCapture } from '../test/support/log-capture.js';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 15);
const DURATION_MS = MINUTES * 60_000;
const ROTATE_MS = 3000;
const CHECK_MS = 100;
const FAULT_RATE = 0.05;

type Fault = { name: string; apply(server: HostileServer, other: HostileServer): void };
const FAULTS: Fault[] = [
  { name: 'HTTP 500', apply: (s) => s.script('list', errorAnswer(500, 'soak failure')) },
  { name: '429 Retry-After 2', apply: (s) => s.script('list', { ...errorAnswer(429, 'Rate limit exceeded', 'TooManyRequests'), headers: { 'retry-after': '2' } }) },
  { name: 'hang', apply: (s) => s.script('list', { hang: true }) },
  // once at the start: a redirect needs a human (retried at the 5-minute cap), so it would dominate the run
  { name: 'redirect', apply: (s, other) => s.script('list', redirectTo(other, 307)) },
  { name: '10 MB nested body', apply: (s) => s.script('list', { body: Buffer.from('['.repeat(5_000_000) + ']'.repeat(5_000_000)) }) },
  {
    name: 'malformed login',
    apply: (s) => s.script('list', { status: 401, body: { statusCode: 401, message: 'Token has been revoked', error: 'UnauthorizedError' } }, 1).script('login', { body: 'null' } as HostileAnswer),
  },
];

const schema = z.object({
  APP_TOKEN: z.string().regex(/^tok-\d+-[0-9a-f]{16}$/),
  DB_PASSWORD: z.string().regex(/^pw-\d+-[0-9a-f]{16}$/),
});

async function main(): Promise<void> {
  const handlesBefore = process.getActiveResourcesInfo().length;
  let unhandled = 0;
  process.on('unhandledRejection', () => unhandled++);
  const server = await HostileServer.start({ tokenTtlSeconds: 8, tokenMaxTtlSeconds: 40 });
  const other = await HostileServer.start({ secrets: { APP_TOKEN: 'tok-0-other0origin00000', DB_PASSWORD: 'pw-0-other0origin00000' }, tokenPrefix: 'other' });
  const served = new Set<string>([...Object.values(GOOD_SECRETS)]);
  let generation = 0;
  const rotations: Array<{ generation: number; at: number; valid: boolean; seenAt?: number }> = [];
  const rotate = () => {
    generation++;
    const valid = generation % 5 !== 0;
    const suffix = randomBytes(8).toString('hex');
    server.secrets = { APP_TOKEN: `${valid ? 'tok' : 'bad'}-${generation}-${suffix}`, DB_PASSWORD: `pw-${generation}-${suffix}` };
    for (const value of Object.values(server.secrets)) served.add(value);
    rotations.push({ generation, at: Date.now(), valid });
  };
  rotate();

  const logs = new LogCapture();
  @Module({
    imports: [
      ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true }),
      InfisicalModule.forRoot({ ...hostileOptions(server, { schema, requestTimeoutMs: 2000 }), isGlobal: true }),
    ],
  })
  class SoakModule {}
  const app = await NestFactory.createApplicationContext(SoakModule, { logger: logs });
  const store = app.get(SecretStore);
  const config = app.get(ConfigService);

  const windows: Array<{ name: string; from: number; to: number }> = [];
  let activeFault: { name: string; from: number; to: number } | undefined;
  const samples: Array<{ minute: number; rssMb: number; heapMb: number }> = [];
  let leakHits = 0;
  let requestCount = 0;
  let checks = 0;
  const wrong: string[] = [];
  const started = Date.now();

  const validGenerations = new Map<number, string>();
  const generationOf = (token: unknown) => Number(/^tok-(\d+)-/.exec(String(token))?.[1] ?? NaN);

  const check = async () => {
    const views = [store.get<string>('APP_TOKEN'), config.get<string>('APP_TOKEN'), store.configuration().APP_TOKEN as string, await store.getAsync<string>('APP_TOKEN')];
    const password = store.get<string>('DB_PASSWORD');
    for (const value of views) {
      checks++;
      const g = generationOf(value);
      if (!served.has(String(value)) || !String(value).startsWith('tok-') || !Number.isFinite(g)) wrong.push(`APP_TOKEN view: ${String(value).slice(0, 12)}…`);
    }
    // one snapshot: both keys of the same generation
    if (generationOf(views[0]) !== Number(/^pw-(\d+)-/.exec(String(password))?.[1])) wrong.push('APP_TOKEN and DB_PASSWORD from different generations');
    const g = generationOf(views[0]);
    const rotation = rotations.find((r) => r.generation === g);
    if (rotation && rotation.seenAt === undefined) rotation.seenAt = Date.now();
    validGenerations.set(g, String(views[0]));
  };

  const timers = [
    setInterval(rotate, ROTATE_MS),
    setInterval(() => void check(), CHECK_MS),
    setInterval(() => {
      const now = Date.now();
      // a window lasts until the store is healthy again (a redirect waits for the 5-minute back-off cap)
      if (activeFault && now >= activeFault.to) {
        server.heal();
        if (store.status().consecutiveFailures === 0) activeFault = undefined;
        else activeFault.to = now + 1;
      }
      if (!activeFault && (windows.length === 0 || Math.random() < FAULT_RATE)) {
        const fault = windows.length === 0 ? FAULTS.find((f) => f.name === 'redirect')! : FAULTS.filter((f) => f.name !== 'redirect')[Math.floor(Math.random() * (FAULTS.length - 1))]!;
        fault.apply(server, other);
        activeFault = { name: fault.name, from: now, to: now + 1000 + Math.random() * 3000 };
        windows.push(activeFault);
      }
    }, 1000),
    setInterval(() => {
      // the harness keeps nothing that grows: captured lines are scanned, then dropped
      leakHits += findLeaks(logs.text, new Set([HOSTILE_CLIENT_SECRET, ...server.issuedTokens, ...served])).length;
      logs.clear();
      requestCount += server.requests.length;
      server.requests.length = 0;
      (globalThis as { gc?: () => void }).gc?.();
      const memory = process.memoryUsage();
      samples.push({ minute: Math.round(((Date.now() - started) / 60_000) * 10) / 10, rssMb: Math.round(memory.rss / 1e5) / 10, heapMb: Math.round(memory.heapUsed / 1e5) / 10 });
      process.stdout.write(`soak ${samples.at(-1)!.minute} min: rss ${samples.at(-1)!.rssMb} MB, heap ${samples.at(-1)!.heapMb} MB, ${checks} checks, ${wrong.length} wrong\n`);
    }, 30_000),
  ];
  await new Promise((resolve) => setTimeout(resolve, DURATION_MS));
  for (const timer of timers) clearInterval(timer);
  server.heal();
  const health = JSON.stringify(store.status());
  await app.close();
  await new Promise((resolve) => setTimeout(resolve, 200));

  // staleness: valid rotations, seen, whose wait overlapped no fault window (nor the retry right after one)
  const clean = rotations.filter(
    (r) => r.valid && r.seenAt !== undefined && !windows.some((w) => w.from <= r.seenAt! && w.to + 3000 >= r.at),
  );
  const stalenessMs = clean.map((r) => r.seenAt! - r.at).sort((a, b) => a - b);
  const p99 = stalenessMs[Math.floor(stalenessMs.length * 0.99)] ?? NaN;
  const afterWarmup = samples.filter((s) => s.minute >= 3);
  const heapDrift = afterWarmup.length > 1 ? (afterWarmup.at(-1)!.heapMb - afterWarmup[0]!.heapMb) / afterWarmup[0]!.heapMb : 0;
  const rssDrift = afterWarmup.length > 1 ? (afterWarmup.at(-1)!.rssMb - afterWarmup[0]!.rssMb) / afterWarmup[0]!.rssMb : 0;
  const needles = new Set<string>([HOSTILE_CLIENT_SECRET, ...server.issuedTokens, ...served]);
  const leaks = findLeaks(`${logs.text}\n${health}`, needles);
  leakHits += leaks.length;
  await server.close();
  await other.close();
  await new Promise((resolve) => setTimeout(resolve, 100));
  const handlesAfter = process.getActiveResourcesInfo().length;

  const report = {
    minutes: MINUTES,
    rotations: rotations.length,
    invalidRotations: rotations.filter((r) => !r.valid).length,
    faultWindows: windows.length,
    faultsByKind: Object.fromEntries(FAULTS.map((f) => [f.name, windows.filter((w) => w.name === f.name).length])),
    checks,
    wrongValuesServed: wrong.length,
    stalenessOutsideFaults: { rotations: stalenessMs.length, p50Ms: stalenessMs[Math.floor(stalenessMs.length / 2)], p99Ms: p99, maxMs: stalenessMs.at(-1) },
    requestsPerMinute: Math.round((requestCount + server.requests.length) / MINUTES),
    requestsToTheOtherOrigin: other.requests.length,
    heapDriftAfterWarmup: `${(heapDrift * 100).toFixed(1)} %`,
    rssDriftAfterWarmup: `${(rssDrift * 100).toFixed(1)} %`,
    memory: samples,
    activeHandles: { before: handlesBefore, afterClose: handlesAfter, resources: process.getActiveResourcesInfo() },
    unhandledRejections: unhandled,
    leakScan: { needles: needles.size, hits: leakHits },
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  if (wrong.length) process.stdout.write(`first wrong values: ${wrong.slice(0, 5).join('; ')}\n`);
  process.exit(wrong.length || leakHits || unhandled || other.requests.length ? 1 : 0);
}

void main();
