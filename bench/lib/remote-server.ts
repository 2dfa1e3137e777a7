import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Fault, SeedFile } from '../../test/support/infisical-server/index.js';

const CHILD = fileURLToPath(new URL('../server-child.js', import.meta.url));

/** A LocalInfisicalServer running in a child process (server-child.ts), driven through its /__admin/ surface. */
export class RemoteInfisicalServer {
  private constructor(
    private readonly child: ChildProcess,
    private readonly lines: Interface,
    readonly url: string,
  ) {}

  /** The bench seed (createBenchSeed(fleetSize)), or `seed` when given (e.g. one with dynamic secrets). */
  static async start(fleetSize = 0, seed?: SeedFile): Promise<RemoteInfisicalServer> {
    const env = seed === undefined ? process.env : { ...process.env, BENCH_SEED_JSON: JSON.stringify(seed) };
    const child = spawn(process.execPath, [CHILD, String(fleetSize)], { stdio: ['pipe', 'pipe', 'inherit'], env });
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const [first] = (await Promise.race([
      once(lines, 'line'),
      once(child, 'exit').then(() => {
        throw new Error('the server child process exited before listening');
      }),
    ])) as [string];
    return new RemoteInfisicalServer(child, lines, (JSON.parse(first) as { url: string }).url);
  }

  /**
   * Writes `count` keys `MANY_00000…` into `environment`, with the values of rotation `round` (lib/many-secrets.ts),
   * inside the server process: one stdin command instead of thousands of admin requests.
   */
  async rotateMany(environment: string, count: number, round: number, style: 'random' | 'https'): Promise<void> {
    const answer = once(this.lines, 'line');
    this.child.stdin?.write(`${JSON.stringify({ op: 'rotate', environment, count, round, style })}\n`);
    const [line] = (await answer) as [string];
    const result = JSON.parse(line) as { ok: boolean; error?: string };
    if (!result.ok) throw new Error(`server child: rotate failed: ${result.error}`);
  }

  private async admin(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const response = await fetch(`${this.url}/__admin/${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`admin ${method} ${path}: HTTP ${response.status} ${JSON.stringify(json)}`);
    return json;
  }

  async injectFault(fault: Fault): Promise<void> {
    await this.admin('POST', 'faults', fault);
  }

  async clearRequests(): Promise<void> {
    await this.admin('DELETE', 'requests');
  }

  /** Requests that reached the API (the admin surface is not logged). */
  async requestCount(): Promise<number> {
    return (await this.admin('GET', 'state')).requestCount as number;
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = once(this.child, 'exit');
    this.lines.close();
    this.child.stdin?.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
