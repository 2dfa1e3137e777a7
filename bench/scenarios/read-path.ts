/**
 * 2. Read path: `geminiCredentials.apiKey` (injected provider), `store.get(…)` and `configService.get(…)` against a
 * plain object property read, in ns/op. Each variant has its own loop function (own inline caches), rounds are
 * interleaved, and every loop accumulates the value lengths into a checked sink so nothing can be eliminated.
 */
import { ConfigService } from '@nestjs/config';
import { GeminiCredentials, SecretStore } from '../../src/infisical/index.js';
import { APP_VALUES } from '../../test/support/fixtures/app-seed.js';
import { LocalInfisicalServer } from '../../test/support/infisical-server/index.js';
import { expectGemini, infisicalApp, moduleOptions, timeBoot } from '../lib/bench-app.js';
import { createBenchSeed } from '../lib/seed.js';
import { median, medianOfRatios, roundOrder, summary } from '../lib/stats.js';

const KEY = 'GEMINI_API_KEY';

function loopPlain(holder: { GEMINI_API_KEY: string }, n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) acc += holder.GEMINI_API_KEY.length;
  return acc;
}

function loopProvider(credentials: GeminiCredentials, n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) acc += credentials.apiKey.length;
  return acc;
}

function loopStore(store: SecretStore, n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) acc += (store.get<string>(KEY) as string).length;
  return acc;
}

function loopConfigService(config: ConfigService, n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) acc += (config.get<string>(KEY) as string).length;
  return acc;
}

export interface ReadPathResult {
  iterations: number;
  runs: number;
  nsPerOp: Record<string, ReturnType<typeof summary>>;
  /** Median of per-round ratios. */
  ratios: { providerOverConfigService: number; providerOverPlain: number; configServiceOverPlain: number; storeOverPlain: number };
  target: number;
  met: boolean;
}

export async function runReadPath(opts: { iterations: number; rounds: number }): Promise<ReadPathResult> {
  const server = await LocalInfisicalServer.start({ seed: createBenchSeed(0) });
  const { app } = await timeBoot(() => infisicalApp(moduleOptions(server.url)));
  try {
    expectGemini(app);
    const credentials = app.get(GeminiCredentials);
    const store = app.get(SecretStore);
    const config = app.get(ConfigService);
    if (config.get(KEY) !== APP_VALUES.dev.GEMINI_API_KEY) throw new Error('ConfigService does not serve GEMINI_API_KEY');
    // Built at run time from the loaded value, so the compiler cannot treat it as a constant.
    const holder = { [KEY]: store.get<string>(KEY) as string } as { GEMINI_API_KEY: string };
    const length = holder.GEMINI_API_KEY.length;
    const variants = {
      plain: () => loopPlain(holder, opts.iterations),
      store: () => loopStore(store, opts.iterations),
      provider: () => loopProvider(credentials, opts.iterations),
      configService: () => loopConfigService(config, opts.iterations),
    };
    const names = Object.keys(variants) as Array<keyof typeof variants>;
    const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
    const warmup = 2;
    for (let round = -warmup; round < opts.rounds; round++) {
      for (const name of roundOrder(names, round)) {
        const started = process.hrtime.bigint();
        const sink = variants[name]();
        const ns = Number(process.hrtime.bigint() - started);
        if (sink !== length * opts.iterations) throw new Error(`read loop ${name} produced a wrong sum`);
        if (round >= 0) samples[name]?.push(ns / opts.iterations);
      }
    }
    const s = samples as Record<keyof typeof variants, number[]>;
    const providerOverConfigService = medianOfRatios(s.configService, s.provider);
    const target = 1.2;
    return {
      iterations: opts.iterations,
      runs: opts.rounds,
      nsPerOp: Object.fromEntries(names.map((n) => [n, summary(s[n])])),
      ratios: {
        providerOverConfigService,
        providerOverPlain: medianOfRatios(s.plain, s.provider),
        configServiceOverPlain: medianOfRatios(s.plain, s.configService),
        storeOverPlain: medianOfRatios(s.plain, s.store),
      },
      target,
      met: providerOverConfigService <= target && median(s.provider) > 0,
    };
  } finally {
    await app.close();
    await server.close();
  }
}
