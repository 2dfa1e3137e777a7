/**
 * 5. Whole-process cold start, as Cloud Run starts the sample app: `node dist/main.js` spawned fresh, timed until
 *    `GET /health/infisical` answers 200. (a) `INFISICAL_ENABLED=false` with the same values in the process
 *    environment (baseline); (b) Infisical enabled against the local server in a child process, with a `latency`
 *    fault of 0 ms and then 20 ms on every API path. Unlike row 1, module import time, Nest's HTTP stack and
 *    `ConfigService` validation are all inside the measurement. Interleaved rounds (a b, b a, …); medians of
 *    per-round differences.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { APP_DEV, APP_PROJECT_ID, APP_VALUES } from '../../test/support/fixtures/app-seed.js';
import { freePort } from '../../test/support/free-port.js';
import { RemoteInfisicalServer } from '../lib/remote-server.js';
import { medianOfDifferences, msSince, roundOrder, summary } from '../lib/stats.js';

/** The sample app as built by `nest build` (npm run bench builds it first). */
export const MAIN = fileURLToPath(new URL('../../../dist/main.js', import.meta.url));
/** Allowed overhead beyond the round trips: target (b) − (a) ≤ 2 RTT + this. */
export const WHOLE_PROCESS_SLACK_MS = 25;
const READY_WITHIN_MS = 15_000;
/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat on Linux. */
const CLOCK_TICKS_PER_SECOND = 100;

type Variant = 'disabled' | 'enabled';

export interface WholeProcessLatencyResult {
  latencyMs: number;
  runs: number;
  coldStartMs: Record<Variant, ReturnType<typeof summary>>;
  /** CPU time of the app process from spawn to healthy (Linux only; NaN elsewhere). */
  cpuMs: Record<Variant, ReturnType<typeof summary>>;
  requestsPerBoot: number[];
  overheadMs: number;
  cpuOverheadMs: number;
  overheadRtt: number;
  targetMs: number;
  met: boolean;
}

export interface WholeProcessResult {
  main: string;
  warmupRounds: number;
  perLatency: WholeProcessLatencyResult[];
}

/** One GET on loopback with node:http (no fetch: its first use costs the parent a few ms of its own). */
function getStatus(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/** CPU time (user + system, all threads) a live process has used so far, from /proc (Linux; 10 ms ticks). */
function cpuMsOf(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/**
 * Spawns `node dist/main.js` and resolves with the milliseconds from spawn to the first 200 on /health/infisical,
 * and the CPU time the app used until then (less sensitive to other load on the machine than wall time).
 * The health check is sent when the app logs "Listening on port" (so the parent does not poll while the child
 * boots), then repeated every millisecond until it answers 200.
 */
export async function coldStart(env: Record<string, string>, cwd: string, extraNodeArgs: string[] = []): Promise<{ ms: number; cpuMs: number }> {
  const port = await freePort();
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [...extraNodeArgs, MAIN], {
    cwd,
    env: { PATH: process.env.PATH ?? '', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = once(child, 'exit');
  try {
    const listening = new Promise<void>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk;
        if (output.includes('Listening on port')) resolve();
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      void exited.then(([code]) => reject(new Error(`node dist/main.js exited (${code}) before listening:\n${output}`)));
      setTimeout(() => reject(new Error(`node dist/main.js did not listen within ${READY_WITHIN_MS} ms:\n${output}`)), READY_WITHIN_MS).unref();
    });
    await listening;
    for (;;) {
      const status = await getStatus(port, '/health/infisical').catch(() => 0);
      if (status === 200) return { ms: msSince(started), cpuMs: cpuMsOf(child.pid) };
      if (msSince(started) > READY_WITHIN_MS) throw new Error(`/health/infisical did not answer 200 (last ${status}):\n${output}`);
      await new Promise((r) => setTimeout(r, 1));
    }
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  }
}

/** Environment of the sample app reading `dev` from `siteUrl` (same variables as Cloud Run would set). */
export function enabledEnvironment(siteUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    INFISICAL_SITE_URL: siteUrl,
    INFISICAL_CLIENT_ID: APP_DEV.clientId,
    INFISICAL_CLIENT_SECRET: APP_DEV.clientSecret,
    INFISICAL_PROJECT_ID: APP_PROJECT_ID,
    INFISICAL_ENVIRONMENT: 'dev',
    ...extra,
  };
}

/** The same app with Infisical switched off: the dev values come from the process environment instead. */
export function disabledEnvironment(): Record<string, string> {
  return { INFISICAL_ENABLED: 'false', ...APP_VALUES.dev };
}

export async function runWholeProcess(opts: { rounds: number; warmupRounds: number; latencies: number[] }): Promise<WholeProcessResult> {
  const cwd = await mkdtemp(join(tmpdir(), 'nestjs-infisical-bench-main-')); // empty: no stray .env
  const perLatency: WholeProcessLatencyResult[] = [];
  try {
    for (const [index, latencyMs] of opts.latencies.entries()) {
      const server = await RemoteInfisicalServer.start();
      try {
        await server.injectFault({ kind: 'latency', ms: latencyMs });
        const env: Record<Variant, Record<string, string>> = { disabled: disabledEnvironment(), enabled: enabledEnvironment(server.url) };
        const samples: Record<Variant, number[]> = { disabled: [], enabled: [] };
        const cpu: Record<Variant, number[]> = { disabled: [], enabled: [] };
        const requests: number[] = [];
        const warmup = index === 0 ? opts.warmupRounds : 1;
        for (let round = -warmup; round < opts.rounds; round++) {
          for (const variant of roundOrder<Variant>(['disabled', 'enabled'], round)) {
            await server.clearRequests();
            const { ms, cpuMs } = await coldStart(env[variant], cwd);
            const reached = await server.requestCount();
            if (round < 0) continue;
            samples[variant].push(ms);
            cpu[variant].push(cpuMs);
            if (variant === 'enabled') requests.push(reached);
            else if (reached !== 0) throw new Error(`the disabled app sent ${reached} requests to Infisical`);
          }
        }
        const overheadMs = medianOfDifferences(samples.disabled, samples.enabled);
        const targetMs = 2 * latencyMs + WHOLE_PROCESS_SLACK_MS;
        perLatency.push({
          latencyMs,
          runs: opts.rounds,
          coldStartMs: { disabled: summary(samples.disabled), enabled: summary(samples.enabled) },
          cpuMs: { disabled: summary(cpu.disabled), enabled: summary(cpu.enabled) },
          requestsPerBoot: requests,
          overheadMs,
          cpuOverheadMs: medianOfDifferences(cpu.disabled, cpu.enabled),
          overheadRtt: latencyMs > 0 ? overheadMs / latencyMs : Number.NaN,
          targetMs,
          met: overheadMs <= targetMs,
        });
      } finally {
        await server.close();
      }
    }
  } finally {
    await rm(cwd, { recursive: true, force: true });
  }
  return { main: MAIN, warmupRounds: opts.warmupRounds, perLatency };
}
