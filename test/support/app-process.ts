/** `node dist/main.js` (built by `pretest`) as a child process configured only through its environment. */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const MAIN = resolve(process.cwd(), 'dist/main.js');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
}

/** `node dist/main.js` with exactly the given environment (plus PATH), its output and its exit. */
export class AppProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<Exit>;
  readonly #child: ChildProcess;
  #exit: Exit | undefined;

  constructor(
    readonly port: number,
    env: Record<string, string>,
    cwd: string,
    /** Node options before the script, e.g. `['--import', preload]`. */
    nodeArgs: readonly string[] = [],
  ) {
    this.#child = spawn(process.execPath, [...nodeArgs, MAIN], { cwd, env: { PATH: process.env.PATH ?? '', PORT: String(port), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    this.#child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((r) =>
      this.#child.on('close', (code, signal) => {
        this.#exit = { code, signal, at: Date.now() };
        r(this.#exit);
      }),
    );
  }

  get output(): string {
    return `${this.stdout}\n${this.stderr}`;
  }

  async get(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`http://127.0.0.1:${this.port}${path}`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  /**
   * Polls `path` every 100 ms until `accept` holds (at most `attempts` times); fails early, with the app's output,
   * if the process exits.
   */
  async waitFor(path: string, accept: (r: { status: number; body: Record<string, unknown> }) => boolean, attempts = 100) {
    let last: unknown;
    for (let i = 0; i < attempts; i++) {
      if (this.#exit) throw new Error(`the app exited (${JSON.stringify(this.#exit)}) before ${path} was ready:\n${this.output}`);
      try {
        const result = await this.get(path);
        if (accept(result)) return result;
        last = result;
      } catch (error) {
        last = error instanceof Error ? error.message : error;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${path} did not become ready; last answer: ${JSON.stringify(last)}\n${this.output}`);
  }

  /** Sends SIGTERM; resolves with the exit and how long it took. */
  async stop(): Promise<Exit & { tookMs: number }> {
    const sent = Date.now();
    this.#child.kill('SIGTERM');
    const exit = await this.exited;
    return { ...exit, tookMs: exit.at - sent };
  }

  kill(): void {
    if (!this.#exit) this.#child.kill('SIGKILL');
  }
}
/** What a finished child process printed and how it exited. */
export interface NodeRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node <script> <args>` with exactly `env` (plus PATH) in `cwd`; killed after 60 s. */
export function runNode(script: string, args: readonly string[], env: Record<string, string>, cwd: string): Promise<NodeRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // a child that never exits is killed (code null); generous, as parallel test files can slow a start-up several-fold
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}
