/**
 * 4. Memory: what 1,000 extra secrets of 200 bytes cost when loaded through the module.
 * Each sample is a fresh child process (`--expose-gc`) that boots a first module app (warm-up), collects garbage,
 * reads `process.memoryUsage()`, boots a second app and reads it again (see memory-child.ts). The second app reads
 * either `dev` (6 keys: the same app without the secrets) or `bulk` (the same 6 keys + 1,000 secrets); the cost of
 * the secrets is the difference between the two increments — median of per-round differences. The two children of
 * a round run side by side (memory readings do not depend on timing).
 * One more informative pair waits until the keep-alive connection to Infisical has closed before reading.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { LocalInfisicalServer } from '../../test/support/infisical-server/index.js';
import { BULK_ENVIRONMENT, BULK_SECRET_BYTES, BULK_SECRET_COUNT, createBenchSeed } from '../lib/seed.js';
import { median, medianOfDifferences, summary } from '../lib/stats.js';

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('../memory-child.js', import.meta.url));
const MB = 2 ** 20;
/** Longer than undici's keep-alive timeout (4 s) and the local server's (5 s). */
const IDLE_MS = 6000;

type Usage = NodeJS.MemoryUsage;
interface Reading {
  keys: number;
  before: Usage;
  after: Usage;
}

export interface MemoryResult {
  runs: number;
  secrets: number;
  bytesPerSecret: number;
  keys: { without: number; with: number };
  /** Increment of the second app, MB. */
  incrementMb: {
    rss: { without: ReturnType<typeof summary>; with: ReturnType<typeof summary> };
    heapUsed: { without: ReturnType<typeof summary>; with: ReturnType<typeof summary> };
  };
  processBaselineMb: { rss: number; heapUsed: number };
  deltaRssMb: number;
  deltaHeapUsedMb: number;
  deltaHeapTotalMb: number;
  deltaExternalMb: number;
  heapBytesPerSecret: number;
  /** One informative pair read after the keep-alive connection closed (heap only: one RSS pair is noise). */
  afterKeepAliveClosed: { idleMs: number; deltaHeapUsedMb: number };
  targetMb: number;
  met: boolean;
}

async function measure(siteUrl: string, environment: string, idleMs = 0): Promise<Reading> {
  const { stdout } = await run(process.execPath, ['--expose-gc', CHILD, siteUrl, environment, String(idleMs)], { timeout: 120_000 });
  return JSON.parse(stdout.trim().split('\n').pop() as string) as Reading;
}

const increment = (r: Reading, field: keyof Usage) => (r.after[field] - r.before[field]) / MB;

export async function runMemory(opts: { rounds: number }): Promise<MemoryResult> {
  const server = await LocalInfisicalServer.start({ seed: createBenchSeed(0) });
  const without: Reading[] = [];
  const withSecrets: Reading[] = [];
  let idle: [Reading, Reading];
  try {
    for (let round = 0; round < opts.rounds; round++) {
      const [a, b] = await Promise.all([measure(server.url, 'dev'), measure(server.url, BULK_ENVIRONMENT)]);
      without.push(a);
      withSecrets.push(b);
    }
    idle = await Promise.all([measure(server.url, 'dev', IDLE_MS), measure(server.url, BULK_ENVIRONMENT, IDLE_MS)]);
  } finally {
    await server.close();
  }
  const inc = (list: Reading[], field: keyof Usage) => list.map((r) => increment(r, field));
  const delta = (field: keyof Usage) => medianOfDifferences(inc(without, field), inc(withSecrets, field));
  const deltaRssMb = delta('rss');
  const deltaHeapUsedMb = delta('heapUsed');
  const targetMb = 5;
  const keysWith = median(withSecrets.map((r) => r.keys));
  const keysWithout = median(without.map((r) => r.keys));
  return {
    runs: opts.rounds,
    secrets: BULK_SECRET_COUNT,
    bytesPerSecret: BULK_SECRET_BYTES,
    keys: { without: keysWithout, with: keysWith },
    incrementMb: {
      rss: { without: summary(inc(without, 'rss')), with: summary(inc(withSecrets, 'rss')) },
      heapUsed: { without: summary(inc(without, 'heapUsed')), with: summary(inc(withSecrets, 'heapUsed')) },
    },
    processBaselineMb: {
      rss: median(without.map((r) => r.before.rss / MB)),
      heapUsed: median(without.map((r) => r.before.heapUsed / MB)),
    },
    deltaRssMb,
    deltaHeapUsedMb,
    deltaHeapTotalMb: delta('heapTotal'),
    deltaExternalMb: delta('external'),
    heapBytesPerSecret: (deltaHeapUsedMb * MB) / BULK_SECRET_COUNT,
    afterKeepAliveClosed: {
      idleMs: IDLE_MS,
      deltaHeapUsedMb: increment(idle[1], 'heapUsed') - increment(idle[0], 'heapUsed'),
    },
    targetMb,
    met: deltaRssMb <= targetMb && deltaHeapUsedMb <= targetMb && keysWith - keysWithout === BULK_SECRET_COUNT,
  };
}
