import { createServer } from 'node:net';

/**
 * Jest runs test files in parallel worker processes, and a port handed out here is bound later (by a child process,
 * a redis-server), so two workers must never hand out the same one: each worker takes ports from its own block of
 * 1000, below Linux's ephemeral range (32768+) where `listen(0)` and outgoing connections take theirs.
 */
const BLOCK = 1000;
const FIRST = 12_000;
const worker = Math.max(1, Number(process.env.JEST_WORKER_ID ?? 1) || 1);
const base = FIRST + ((worker - 1) % 20) * BLOCK;
/** A random start, so that two test runs at once (same worker numbers) rarely meet either. */
let next = Math.floor(Math.random() * BLOCK);

function isFree(port: number): Promise<boolean> {
  const probe = createServer();
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** A loopback port that was free a moment ago (nothing listens on it until someone does), this worker's own. */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < BLOCK; tries++) {
    const port = base + (next++ % BLOCK);
    if (await isFree(port)) return port;
  }
  throw new Error(`no free loopback port in ${base}-${base + BLOCK - 1}`);
}
