/**
 * The sample app (src/app.module.ts: options from the `INFISICAL_*` environment, the health controller) in this
 * process, on a given clock, serving HTTP on a random loopback port: what `node dist/main.js` runs, minus the process
 * around it, so that token lifetimes and refresh intervals can follow a {@link ManualClock} instead of real time.
 */
import type { INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { AddressInfo } from 'node:net';
import { INFISICAL_CLOCK, SecretStore, type InfisicalClock } from '../../src/infisical/index.js';
import { LogCapture } from './log-capture.js';
import type { ManualClock } from './manual-clock.js';

/** Variables of the worker's own environment that the app must not see (the child process got exactly its env). */
const FOREIGN = /^(INFISICAL_|AWS_|GCE_METADATA|GOOGLE_|KUBERNETES_)|^(PORT|LOG_FORMAT)$/;

/**
 * Loads `AppModule` with `cwd` as the working directory, as `node dist/main.js` started there would: its
 * `ConfigModule.forRoot()` reads `<cwd>/.env` when the module is imported (an empty directory: no stray `.env`).
 */
export async function loadAppModule(cwd: string): Promise<Type<unknown>> {
  const previous = process.cwd();
  process.chdir(cwd);
  try {
    return (await import('../../src/app.module.js')).AppModule;
  } finally {
    process.chdir(previous);
  }
}

export class SampleApp {
  readonly logs = new LogCapture();
  #app: INestApplication | undefined;
  #url = '';
  readonly #saved = new Map<string, string | undefined>();

  private constructor(private readonly clock: InfisicalClock) {}

  /** Boots `appModule` with exactly `env` as its `INFISICAL_*` / platform environment, on `clock`. */
  static async start(appModule: Type<unknown>, env: Record<string, string>, clock: InfisicalClock): Promise<SampleApp> {
    const app = new SampleApp(clock);
    app.#setEnv(env);
    try {
      await app.#boot(appModule);
    } catch (error) {
      app.#restoreEnv();
      throw error;
    }
    return app;
  }

  get store(): SecretStore {
    return this.#nest.get(SecretStore);
  }

  async get(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${this.#url}${path}`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  /**
   * Moves `clock` on in `stepMs` steps (each refresh it triggers settles before the next step) until `accept` holds;
   * fails after `limitMs` of clock time.
   */
  async advanceUntil(clock: ManualClock, accept: () => boolean, limitMs: number, stepMs = 1000): Promise<number> {
    let elapsed = 0;
    while (!accept()) {
      if (elapsed >= limitMs) throw new Error(`not reached within ${limitMs} ms of clock time:\n${this.logs.text}`);
      await clock.advanceAsync(stepMs, () => this.store.whenSettled());
      elapsed += stepMs;
    }
    return elapsed;
  }

  /** Closes the app (every shutdown hook runs) and gives the worker its environment back. */
  async close(): Promise<void> {
    try {
      await this.#app?.close();
    } finally {
      this.#app = undefined;
      this.#restoreEnv();
    }
  }

  get #nest(): INestApplication {
    if (!this.#app) throw new Error('the sample app is not running');
    return this.#app;
  }

  async #boot(appModule: Type<unknown>): Promise<void> {
    const moduleRef = await Test.createTestingModule({ imports: [appModule] })
      .overrideProvider(INFISICAL_CLOCK)
      .useValue(this.clock)
      .setLogger(this.logs)
      .compile();
    this.#app = moduleRef.createNestApplication({ logger: this.logs });
    await this.#app.listen(0, '127.0.0.1');
    this.#url = `http://127.0.0.1:${(this.#app.getHttpServer().address() as AddressInfo).port}`;
  }

  #setEnv(env: Record<string, string>): void {
    for (const name of Object.keys(process.env).filter((n) => FOREIGN.test(n))) {
      this.#saved.set(name, process.env[name]);
      delete process.env[name];
    }
    for (const [name, value] of Object.entries(env)) {
      if (!this.#saved.has(name)) this.#saved.set(name, process.env[name]);
      process.env[name] = value;
    }
  }

  #restoreEnv(): void {
    for (const [name, value] of this.#saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    this.#saved.clear();
  }
}
