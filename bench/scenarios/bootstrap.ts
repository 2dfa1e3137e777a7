/**
 * 1. Bootstrap overhead: time to a ready application context for
 *    (a) plain ConfigModule (baseline), (b) InfisicalModule, (c) a naive SDK integration (login + getSecret × 6),
 *    (d) InfisicalModule starting from its last-known-good file while Infisical hangs.
 * Interleaved rounds (a b c d, d c b a, …); medians of per-round differences and ratios. The servers run in child
 * processes, so their CPU work does not count as the app's start-up time.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { SecretStore } from '../../src/infisical/index.js';
import { APP_VALUES } from '../../test/support/fixtures/app-seed.js';
import { expectGemini, infisicalApp, moduleOptions, NAIVE_SECRETS, naiveApp, plainConfigApp, timeBoot } from '../lib/bench-app.js';
import { RemoteInfisicalServer } from '../lib/remote-server.js';
import { median, medianOfDifferences, medianOfRatios, msSince, roundOrder, sleep, summary } from '../lib/stats.js';

export const LKG_STARTUP_TIMEOUT_MS = 1000;
/** Slack allowed beyond the start-up deadline for (d): timer granularity, reading + decrypting the file, Nest. */
export const LKG_SLACK_MS = 250;

type Variant = 'plain' | 'module' | 'naive' | 'lkg';

export interface LatencyResult {
  latencyMs: number;
  /** Median of 15 raw round trips (GET on an API path, 401) through the latency fault. */
  measuredRttMs: number;
  runs: number;
  bootMs: Record<string, ReturnType<typeof summary>>;
  /** Requests that reached the server during one boot, per run (exact). */
  requestsPerBoot: Record<string, number[]>;
  moduleMinusPlainMs: number;
  moduleMinusPlainRtt: number;
  moduleOverNaive: number;
  naiveMinusPlainMs: number;
  targetModuleMinusPlainMs: number;
  moduleMinusPlainMet: boolean;
}

export interface BootstrapResult {
  warmupRounds: number;
  perLatency: LatencyResult[];
  lkg: {
    startupTimeoutMs: number;
    slackMs: number;
    runs: number;
    bootMs: ReturnType<typeof summary>;
    requestsPerBoot: number[];
    sources: string[];
    overDeadlineMs: number;
    met: boolean;
  };
}

async function measureRtt(url: string): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 15; i++) {
    const started = process.hrtime.bigint();
    const response = await fetch(`${url}/api/v3/secrets/raw`);
    await response.arrayBuffer();
    samples.push(msSince(started));
  }
  return median(samples.slice(3));
}

export async function runBootstrap(opts: { rounds: number; warmupRounds: number; latencies: number[] }): Promise<BootstrapResult> {
  const dir = await mkdtemp(join(tmpdir(), 'nestjs-infisical-bench-'));
  const lkgPath = join(dir, 'last-known-good.json');
  // (d) has a server of its own: first a good run writes the last-known-good file, then every request hangs.
  const hungServer = await RemoteInfisicalServer.start();
  const lkgOptions = moduleOptions(hungServer.url, 'dev', { startupTimeoutMs: LKG_STARTUP_TIMEOUT_MS, persistentCache: { path: lkgPath } });
  {
    const { app } = await timeBoot(() => infisicalApp(lkgOptions));
    for (let waited = 0; !existsSync(lkgPath) && waited < 5000; waited += 10) await sleep(10);
    await app.close();
    if (!existsSync(lkgPath)) throw new Error('the good run did not write the last-known-good file');
  }
  await hungServer.injectFault({ kind: 'hang' });

  const perLatency: LatencyResult[] = [];
  const lkgSamples: number[] = [];
  const lkgRequests: number[] = [];
  const lkgSources = new Set<string>();
  try {
    for (const [index, latencyMs] of opts.latencies.entries()) {
      const server = await RemoteInfisicalServer.start();
      await server.injectFault({ kind: 'latency', ms: latencyMs });
      const withLkg = index === opts.latencies.length - 1;
      const variants: Variant[] = withLkg ? ['plain', 'module', 'naive', 'lkg'] : ['plain', 'module', 'naive'];
      const samples: Record<string, number[]> = Object.fromEntries(variants.map((v) => [v, []]));
      const requests: Record<string, number[]> = Object.fromEntries(variants.map((v) => [v, []]));
      const options = moduleOptions(server.url);
      let measuredRttMs = Number.NaN;
      try {
        measuredRttMs = await measureRtt(server.url);
        const warmup = index === 0 ? opts.warmupRounds : 1;
        for (let round = -warmup; round < opts.rounds; round++) {
          for (const variant of roundOrder(variants, round)) {
            const target = variant === 'lkg' ? hungServer : server;
            globalThis.gc?.();
            await target.clearRequests();
            let booted: { ms: number; app: INestApplicationContext };
            switch (variant) {
              case 'plain':
                booted = await timeBoot(() => plainConfigApp(APP_VALUES.dev));
                break;
              case 'module':
                booted = await timeBoot(() => infisicalApp(options));
                expectGemini(booted.app);
                break;
              case 'naive':
                booted = await timeBoot(() => naiveApp(server.url));
                if ((booted.app.get(NAIVE_SECRETS) as Record<string, string>).GEMINI_API_KEY !== APP_VALUES.dev.GEMINI_API_KEY) {
                  throw new Error('the naive integration read a wrong value');
                }
                break;
              case 'lkg':
                booted = await timeBoot(() => infisicalApp(lkgOptions));
                expectGemini(booted.app);
                lkgSources.add(booted.app.get(SecretStore).status().source);
                break;
            }
            const reached = await target.requestCount();
            await booted.app.close();
            if (round < 0) continue;
            if (variant === 'lkg') {
              lkgSamples.push(booted.ms);
              lkgRequests.push(reached);
            } else {
              samples[variant]?.push(booted.ms);
              requests[variant]?.push(reached);
            }
          }
        }
      } finally {
        await server.close();
      }
      const plain = samples.plain as number[];
      const module = samples.module as number[];
      const naive = samples.naive as number[];
      const moduleMinusPlainMs = medianOfDifferences(plain, module);
      const target = 2 * latencyMs + 20;
      perLatency.push({
        latencyMs,
        measuredRttMs,
        runs: opts.rounds,
        bootMs: { plain: summary(plain), module: summary(module), naive: summary(naive) },
        requestsPerBoot: { plain: requests.plain ?? [], module: requests.module ?? [], naive: requests.naive ?? [] },
        moduleMinusPlainMs,
        moduleMinusPlainRtt: latencyMs > 0 ? moduleMinusPlainMs / latencyMs : Number.NaN,
        moduleOverNaive: medianOfRatios(naive, module),
        naiveMinusPlainMs: medianOfDifferences(plain, naive),
        targetModuleMinusPlainMs: target,
        moduleMinusPlainMet: moduleMinusPlainMs <= target,
      });
    }
  } finally {
    await hungServer.close();
    await rm(dir, { recursive: true, force: true });
  }
  const lkgMedian = median(lkgSamples);
  return {
    warmupRounds: opts.warmupRounds,
    perLatency,
    lkg: {
      startupTimeoutMs: LKG_STARTUP_TIMEOUT_MS,
      slackMs: LKG_SLACK_MS,
      runs: lkgSamples.length,
      bootMs: summary(lkgSamples),
      requestsPerBoot: lkgRequests,
      sources: [...lkgSources],
      overDeadlineMs: lkgMedian - LKG_STARTUP_TIMEOUT_MS,
      met: Math.max(...lkgSamples) <= LKG_STARTUP_TIMEOUT_MS + LKG_SLACK_MS && lkgSources.size === 1 && lkgSources.has('cache'),
    },
  };
}
