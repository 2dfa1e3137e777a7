/**
 * The app of the refresh-stall scenario (row 9), in a process of its own: a Nest application context with
 * `ConfigModule` and `InfisicalModule.forRoot` reading environment `many` of the bench server (credentials, a
 * `registerSecretsAs` namespace and a `changes$` subscriber, as an application has them). Driven over IPC:
 *   → {"op":"refresh","count":10000,"round":3,"style":"random"}
 *   ← {"ok":true,"stall":{p50,p99,max,tookMs},"gap":{wallMs,cpuMs},"changes":10000}
 * The event loop is measured from the refresh call until 50 ms after the store settled (deferred work included):
 * by the perf_hooks histogram (`stall`) and by a 1 ms timer (`gap`: its longest gap, and the CPU time this process
 * used during it).
 */
import 'reflect-metadata';
import { appendFileSync } from 'node:fs';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { InfisicalModule, registerSecretsAs, SecretStore } from '../src/infisical/index.js';
import { APP_DEV, APP_PROJECT_ID } from '../test/support/fixtures/app-seed.js';
import { ALL_CREDENTIALS } from '../test/support/infisical-app.js';
import { measureEventLoop } from '../test/support/event-loop-probe.js';
import { manyKey, manyValue, type ManyStyle } from './lib/many-secrets.js';
import { MANY_ENVIRONMENT } from './lib/seed.js';
import { sleep } from './lib/stats.js';

/** BENCH_REFRESH_GAPS=<file>: every gap of the 1 ms timer of at least 10 ms, one JSON line each (profiling aid). */
const GAPS_FILE = process.env.BENCH_REFRESH_GAPS;
const GAPS_MIN_MS = 10;

interface RefreshCommand {
  op: 'refresh';
  count: number;
  round: number;
  style: ManyStyle;
}

const [siteUrl, total] = [process.argv[2]!, Number(process.argv[3])];
const last = manyKey(total - 1);
const namespace = registerSecretsAs('many', (secrets) => ({ first: secrets[manyKey(0)] as string, last: secrets[last] as string }));
const app = await NestFactory.createApplicationContext(
  {
    module: class RefreshStallApp {},
    imports: [
      ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true }),
      InfisicalModule.forRoot({
        isGlobal: true,
        siteUrl,
        projectId: APP_PROJECT_ID,
        environment: MANY_ENVIRONMENT,
        auth: { universalAuth: { clientId: APP_DEV.clientId, clientSecret: APP_DEV.clientSecret } },
        cacheTtlSeconds: 3600,
        credentials: ALL_CREDENTIALS,
        namespaces: [namespace],
      }),
    ],
  },
  { logger: false },
);
await app.init();
const store = app.get(SecretStore);
const config = app.get(ConfigService);
let changes = 0;
config.changes$.subscribe(() => changes++);

/**
 * The longest gap between two turns of a 1 ms timer while `work` runs, with the CPU time this process used during
 * that gap: on a machine shared with other work, a gap can be time the process waited for a core, not its own work.
 */
async function longestGap(work: () => Promise<void>): Promise<{ wallMs: number; cpuMs: number }> {
  let worst = { wallMs: 0, cpuMs: 0 };
  let last = { wall: performance.now(), cpu: process.cpuUsage() };
  let running = true;
  const tick = () => {
    const now = { wall: performance.now(), cpu: process.cpuUsage() };
    const wallMs = now.wall - last.wall;
    if (wallMs > worst.wallMs || (GAPS_FILE && wallMs >= GAPS_MIN_MS)) {
      const cpu = process.cpuUsage(last.cpu);
      const gap = { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
      if (wallMs > worst.wallMs) worst = gap;
      // µs on the monotonic clock of the CPU profile (--cpu-prof), to find what ran during the gap
      const endUs = Number(process.hrtime.bigint() / 1000n);
      if (GAPS_FILE && wallMs >= GAPS_MIN_MS) appendFileSync(GAPS_FILE, `${JSON.stringify({ ...gap, startUs: endUs - Math.round(wallMs * 1000), endUs })}\n`);
    }
    last = now;
    if (running) setTimeout(tick, 1);
  };
  setTimeout(tick, 1);
  try {
    await work();
  } finally {
    running = false;
  }
  return worst;
}

process.on('message', (message: RefreshCommand) => {
  void (async () => {
    try {
      changes = 0;
      let gap = { wallMs: 0, cpuMs: 0 };
      const stall = await measureEventLoop(`refresh of ${message.count} keys`, async () => {
        gap = await longestGap(async () => {
          await store.refreshNow();
          await store.whenSettled();
          await sleep(50);
        });
      });
      const changed = manyKey(message.count - 1);
      const expected = manyValue(message.count - 1, message.round, message.style);
      const views = [store.get(changed), config.get(changed)];
      if (views.some((v) => v !== expected)) throw new Error(`${changed} is not the rotated value in every view`);
      if (message.count === total && config.get('many.last') !== expected) throw new Error('the namespace did not follow the rotation');
      process.send!({ ok: true, stall, gap, changes });
    } catch (error) {
      process.send!({ ok: false, error: String(error) });
    }
  })();
});
process.on('disconnect', () => void app.close().then(() => process.exit(0)));
process.send!({ ok: true, ready: true });
