/**
 * 9. Refresh of many changed keys: how long the event loop stalls while a running app takes in a rotation of
 *    1,000, 3,000 and 10,000 of its 10,000 keys (what a health probe or a request arriving meanwhile waits). The
 *    app runs in a child process of its own (refresh-child.ts: Nest application context, `ConfigModule`, a namespace,
 *    a `changes$` subscriber), the server in another (server-child.ts), so the figure is the whole process's and
 *    nothing else runs on its loop. Values alternate between random text and URLs sharing `https://`; every round
 *    writes new values for the first `count` keys, then triggers `refreshNow()` and measures the loop (perf_hooks
 *    histogram) until 50 ms after the store settled. Reported per size: the worst stall of all rounds and the median
 *    of the per-round worst.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { EventLoopDelay } from '../../test/support/event-loop-probe.js';
import type { ManyStyle } from '../lib/many-secrets.js';
import { RemoteInfisicalServer } from '../lib/remote-server.js';
import { MANY_ENVIRONMENT } from '../lib/seed.js';
import { median } from '../lib/stats.js';

const CHILD = fileURLToPath(new URL('../refresh-child.js', import.meta.url));
/** Keys the app holds; each round changes the first `count` of them. */
export const REFRESH_TOTAL_KEYS = 10_000;
export const REFRESH_SIZES = [1_000, 3_000, 10_000];
/** Target: the worst stall of a refresh that changes 10,000 keys. */
export const REFRESH_STALL_TARGET_MS = 150;
const STYLES: ManyStyle[] = ['random', 'https'];

export interface RefreshStallSize {
  changedKeys: number;
  rounds: number;
  worstStallMs: number;
  medianStallMs: number;
  medianP99Ms: number;
  medianTookMs: number;
  stalls: number[];
  /** The CPU time this process used during the longest gap of each round (the rest: waiting for a core). */
  gapCpuMs: number[];
  /** The longest gap of each round by the 1 ms timer (wall time). */
  gapWallMs: number[];
}

export interface RefreshStallResult {
  totalKeys: number;
  perSize: RefreshStallSize[];
  targetMs: number;
  met: boolean;
}

type Gap = { wallMs: number; cpuMs: number };
type Answer = { ok: true; ready?: boolean; stall: EventLoopDelay; gap: Gap; changes: number } | { ok: false; error: string };

export async function runRefreshStall(options: { rounds: number }): Promise<RefreshStallResult> {
  const server = await RemoteInfisicalServer.start();
  let round = 0;
  await server.rotateMany(MANY_ENVIRONMENT, REFRESH_TOTAL_KEYS, round, 'random');
  const profile = process.env.BENCH_REFRESH_CPU_PROF;
  const child = fork(CHILD, [server.url, String(REFRESH_TOTAL_KEYS)], {
    execArgv: profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = async (): Promise<Answer & { ok: true }> => {
    const [answer] = (await once(child, 'message')) as [Answer];
    if (!answer.ok) throw new Error(`refresh child: ${answer.error}`);
    return answer;
  };
  try {
    await next();
    const stalls = new Map<number, Array<EventLoopDelay & { gap: Gap }>>(REFRESH_SIZES.map((size) => [size, []]));
    // One warm-up refresh per size, not counted: the first rotation compiles the refresh path.
    for (let r = -1; r < options.rounds; r++) {
      for (const size of r % 2 === 0 ? REFRESH_SIZES : [...REFRESH_SIZES].reverse()) {
        const style = STYLES[(r + 2) % STYLES.length]!;
        round++;
        await server.rotateMany(MANY_ENVIRONMENT, size, round, style);
        const pending = next();
        child.send({ op: 'refresh', count: size, round, style });
        const answer = await pending;
        if (answer.changes < size) throw new Error(`refresh of ${size} keys: only ${answer.changes} changes$ events`);
        if (r >= 0) stalls.get(size)!.push({ ...answer.stall, gap: answer.gap });
      }
    }
    const perSize = REFRESH_SIZES.map((size) => {
      const list = stalls.get(size)!;
      return {
        changedKeys: size,
        rounds: list.length,
        worstStallMs: Math.max(...list.map((s) => s.max)),
        medianStallMs: median(list.map((s) => s.max)),
        medianP99Ms: median(list.map((s) => s.p99)),
        medianTookMs: median(list.map((s) => s.tookMs)),
        stalls: list.map((s) => s.max),
        gapWallMs: list.map((s) => Math.round(s.gap.wallMs * 10) / 10),
        gapCpuMs: list.map((s) => Math.round(s.gap.cpuMs * 10) / 10),
      };
    });
    const full = perSize.find((s) => s.changedKeys === REFRESH_TOTAL_KEYS)!;
    return { totalKeys: REFRESH_TOTAL_KEYS, perSize, targetMs: REFRESH_STALL_TARGET_MS, met: full.worstStallMs <= REFRESH_STALL_TARGET_MS };
  } finally {
    child.disconnect();
    await once(child, 'exit');
    await server.close();
  }
}
