/**
 * 7. Several sources: bootstrap of `InfisicalModule.forRoot` reading 3 sources (folder `/shared` and `/` of the app
 *    project, `/` of a second project) against the same module reading 1 source (`/`), at 20 ms RTT (`latency`
 *    fault on every API path). Overhead = boot time minus a plain `ConfigModule` boot of the same round; reported:
 *    the median of per-round ratios overhead(3) / overhead(1). One login and all lists in parallel should keep it
 *    close to 1. Interleaved rounds; the server runs in a child process.
 */
import type { INestApplicationContext } from '@nestjs/common';
import { APP_VALUES } from '../../test/support/fixtures/app-seed.js';
import { expectGemini, infisicalApp, moduleOptions, plainConfigApp, timeBoot } from '../lib/bench-app.js';
import { RemoteInfisicalServer } from '../lib/remote-server.js';
import { PLATFORM_PROJECT_ID, PLATFORM_VALUES, SHARED_PATH } from '../lib/seed.js';
import { median, medianOfDifferences, roundOrder, summary } from '../lib/stats.js';
import { SecretStore } from '../../src/infisical/index.js';

export const SOURCES_TARGET_RATIO = 1.2;

type Variant = 'plain' | 'one' | 'three';

export interface SourcesResult {
  latencyMs: number;
  runs: number;
  bootMs: Record<Variant, ReturnType<typeof summary>>;
  requestsPerBoot: Record<'one' | 'three', number[]>;
  overheadMs: Record<'one' | 'three', number>;
  ratio: number;
  target: number;
  met: boolean;
}

export async function runSources(opts: { rounds: number; warmupRounds: number; latencyMs: number }): Promise<SourcesResult> {
  const server = await RemoteInfisicalServer.start();
  const one = moduleOptions(server.url, 'dev', { secretPath: '/' });
  const three = moduleOptions(server.url, 'dev', {
    sources: [{ secretPath: SHARED_PATH }, { secretPath: '/' }, { projectId: PLATFORM_PROJECT_ID, secretPath: SHARED_PATH }],
  });
  const samples: Record<Variant, number[]> = { plain: [], one: [], three: [] };
  const requests: Record<'one' | 'three', number[]> = { one: [], three: [] };
  try {
    await server.injectFault({ kind: 'latency', ms: opts.latencyMs });
    for (let round = -opts.warmupRounds; round < opts.rounds; round++) {
      for (const variant of roundOrder<Variant>(['plain', 'one', 'three'], round)) {
        globalThis.gc?.();
        await server.clearRequests();
        let booted: { ms: number; app: INestApplicationContext };
        if (variant === 'plain') booted = await timeBoot(() => plainConfigApp(APP_VALUES.dev));
        else {
          booted = await timeBoot(() => infisicalApp(variant === 'one' ? one : three));
          expectGemini(booted.app);
          if (variant === 'three' && booted.app.get(SecretStore).get('PLATFORM_REGION') !== PLATFORM_VALUES.PLATFORM_REGION) {
            throw new Error('the 3-source app did not read the second project');
          }
        }
        const reached = await server.requestCount();
        await booted.app.close();
        if (round < 0) continue;
        samples[variant].push(booted.ms);
        if (variant !== 'plain') requests[variant].push(reached);
      }
    }
  } finally {
    await server.close();
  }
  const overhead = (v: 'one' | 'three') => samples[v].map((ms, i) => ms - (samples.plain[i] as number));
  const ratios = overhead('three').map((t, i) => t / (overhead('one')[i] as number));
  const ratio = median(ratios);
  return {
    latencyMs: opts.latencyMs,
    runs: opts.rounds,
    bootMs: { plain: summary(samples.plain), one: summary(samples.one), three: summary(samples.three) },
    requestsPerBoot: requests,
    overheadMs: { one: medianOfDifferences(samples.plain, samples.one), three: medianOfDifferences(samples.plain, samples.three) },
    ratio,
    target: SOURCES_TARGET_RATIO,
    met: ratio <= SOURCES_TARGET_RATIO,
  };
}
