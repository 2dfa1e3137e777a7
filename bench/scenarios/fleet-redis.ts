/**
 * 5. A fleet on Redis (request counts are exact; time is one ManualClock shared by every instance).
 *  N application contexts with `fleet: { redisUrl }` and the webhook receiver, one identity, one local Redis:
 *  - list requests per TTL window (aligned windows of the shared clock) for the whole fleet, and logins;
 *  - a rotation announced by a webhook to one instance: real time until every instance serves the new value;
 *  - Redis killed for some windows: failed reads (reads that did not return a value), list requests per window while
 *    it is down (each instance on its own), and the windows after the restart (one list per window again).
 */
import type { INestApplicationContext } from '@nestjs/common';
import type { SecretStore } from '../../src/infisical/index.js';
import { INFISICAL_WEBHOOK } from '../../src/infisical/infisical.constants.js';
import type { WebhookReceiver } from '../../src/infisical/webhook/attach-webhook.js';
import { APP_PROJECT_ID } from '../../test/support/fixtures/app-seed.js';
import { LocalInfisicalServer } from '../../test/support/infisical-server/index.js';
import { LogCapture } from '../../test/support/log-capture.js';
import { ManualClock } from '../../test/support/manual-clock.js';
import { RedisServer } from '../../test/support/redis-server.js';
import { infisicalWebhook, WEBHOOK_SECRET } from '../../test/support/webhook-sender.js';
import { moduleOptions } from '../lib/bench-app.js';
import { createBenchSeed } from '../lib/seed.js';
import { sleep } from '../lib/stats.js';
import { startWithClock } from '../lib/testing-app.js';

const LIST = '/api/v3/secrets/raw';
const LOGIN = '/api/v1/auth/universal-auth/login';
const TTL_SECONDS = 60;

export interface FleetRedisResult {
  instances: number;
  windows: number;
  bootstrap: { listRequests: number; logins: number };
  /** List requests per aligned TTL window while Redis is up (before the outage and after the rejoin). */
  listsPerWindowUp: number[];
  logins: number;
  propagation: { ms: number; instances: number; listRequests: number };
  outage: { windows: number; listsPerWindow: number[]; failedReads: number; reads: number; rejoinedAfterMs: number; listsPerWindowAfter: number[] };
  met: boolean;
}

export async function runFleetRedis(opts: { instances: number; windows: number; outageWindows: number }): Promise<FleetRedisResult> {
  const ttlMs = TTL_SECONDS * 1000;
  const clock = new ManualClock();
  const redis = await RedisServer.start();
  const server = await LocalInfisicalServer.start({ seed: createBenchSeed(0), now: clock.now });
  const logs = new LogCapture();
  const fleet: Array<{ app: INestApplicationContext; store: SecretStore }> = [];
  const options = moduleOptions(server.url, 'dev', {
    cacheTtlSeconds: TTL_SECONDS,
    fleet: { redisUrl: redis.url, key: 'fleet-key-of-the-bench-fleet-0123456789' },
    webhook: { secret: WEBHOOK_SECRET },
  });
  let reads = 0;
  let failedReads = 0;
  const settle = async () => {
    await Promise.all(fleet.map((f) => f.store.whenSettled()));
    for (const f of fleet) {
      reads++;
      if (f.store.get('GEMINI_API_KEY') === undefined) failedReads++;
    }
  };
  const listsByWindow = () => {
    const counts = new Map<number, number>();
    for (const r of server.requestsTo(LIST)) counts.set(Math.floor(r.time / ttlMs), (counts.get(Math.floor(r.time / ttlMs)) ?? 0) + 1);
    return counts;
  };
  /** Runs `windows` TTL windows timer by timer; returns the list requests of each. */
  const runWindows = async (windows: number) => {
    const first = Math.floor(clock.now() / ttlMs) + 1;
    clock.advance(first * ttlMs - clock.now()); // to the start of the next aligned window
    await settle();
    await clock.advanceAsync(windows * ttlMs, settle);
    const counts = listsByWindow();
    return Array.from({ length: windows }, (_, i) => counts.get(first + i) ?? 0);
  };
  try {
    for (let n = 0; n < opts.instances; n++) fleet.push(await startWithClock(options, clock, logs));
    const bootstrap = { listRequests: server.requestsTo(LIST).length, logins: server.requestsTo(LOGIN).length };
    const upWindows = opts.windows - opts.outageWindows;
    const before = await runWindows(Math.ceil(upWindows / 2));

    // Rotation announced by a webhook to one instance.
    const rotated = 'AIzaSy' + 'R'.repeat(33);
    server.setSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key: 'GEMINI_API_KEY', value: rotated });
    const listsBefore = server.requestsTo(LIST).length;
    const sent = process.hrtime.bigint();
    const reply = fleet[0]!.app.get<WebhookReceiver>(INFISICAL_WEBHOOK).handler.handle(infisicalWebhook(clock.now()));
    if (reply.status !== 200) throw new Error(`the webhook was refused (${reply.status})`);
    let serving = 0;
    for (let spins = 0; spins < 100_000; spins++) {
      serving = fleet.filter((f) => f.store.get('GEMINI_API_KEY') === rotated).length;
      if (serving === fleet.length) break;
      await sleep(1);
    }
    const propagation = { ms: Number(process.hrtime.bigint() - sent) / 1e6, instances: serving, listRequests: server.requestsTo(LIST).length - listsBefore };
    await settle();

    // Redis killed for some windows, then restarted.
    await redis.stop();
    const down = await runWindows(opts.outageWindows);
    await redis.start();
    const restarted = Date.now();
    const rejoined = () => new Set(logs.lines.filter((l) => l.text.includes('rejoins the fleet')).map((l) => l)).size;
    const expectedRejoins = rejoined() + fleet.length;
    for (let i = 0; i < 200 && rejoined() < expectedRejoins; i++) {
      await sleep(50); // real time for the clients to reconnect
      clock.advance(ttlMs);
      await settle();
    }
    const rejoinedAfterMs = Date.now() - restarted;
    const after = await runWindows(Math.floor(upWindows / 2));
    const listsPerWindowUp = [...before, ...after];
    const logins = server.requestsTo(LOGIN).length;
    return {
      instances: opts.instances,
      windows: opts.windows,
      bootstrap,
      listsPerWindowUp,
      logins,
      propagation,
      outage: { windows: opts.outageWindows, listsPerWindow: down, failedReads, reads, rejoinedAfterMs, listsPerWindowAfter: after },
      met:
        bootstrap.listRequests === 1 &&
        bootstrap.logins === 1 &&
        listsPerWindowUp.every((n) => n <= 1) &&
        propagation.instances === opts.instances &&
        propagation.ms <= 1000 &&
        failedReads === 0 &&
        down.every((n) => n >= 1) &&
        after.every((n) => n <= 1),
    };
  } finally {
    for (const f of fleet) await f.app.close();
    await server.close();
    await redis.stop();
  }
}
