/**
 * One property run of the model-based test: prepares the world of a setup, boots the system (the model decides
 * whether start-up must be refused), then runs the command sequence with `fc.asyncModelRun`.
 */
import { afterAll, beforeAll } from '@jest/globals';
import { ConsoleLogger, Logger } from '@nestjs/common';
import fc from 'fast-check';
import { LogCapture } from '../log-capture.js';
import { ManualClock } from '../manual-clock.js';
import { CompositionModel, checkViews } from './composition.commands.js';
import { GEMINI, type Setup } from './composition.model.js';
import { clearWorld, type CompositionSystem, prepareWorld } from './composition.system.js';
import { ModelInfisical } from './model-infisical.fake.js';

/** Boots the system under test for `setup` (rejects as the app's start-up would). */
export type StartSystem = (setup: Setup, infisical: ModelInfisical, clock: ManualClock) => Promise<CompositionSystem>;

/** The property body: one setup and one command sequence against a system that `start` boots. */
export function sequenceAgainst(start: StartSystem) {
  return (setup: Setup, commands: Iterable<fc.AsyncCommand<CompositionModel, CompositionSystem>>): Promise<void> =>
    // The jitter of a Nest app's module is Math.random's (it has no `random` option): seeded from the setup, so a
    // sequence replays exactly from fast-check's seed and path
    withSeededMathRandom(seedOf(setup), () => runSequence(start, setup, commands));
}

async function runSequence(start: StartSystem, setup: Setup, commands: Iterable<fc.AsyncCommand<CompositionModel, CompositionSystem>>): Promise<void> {
  const clock = new ManualClock();
  const infisical = new ModelInfisical(clock);
  prepareWorld(setup, infisical);
  const model = new CompositionModel(setup);
  const refused = model.bootRejections();
  let system: CompositionSystem | undefined;
  try {
    system = await start(setup, infisical, clock).catch((error: unknown) => {
      if (refused.length === 0) throw new Error(`start-up refused a configuration the model accepts: ${String(error)}`);
      return undefined;
    });
    if (!system) return;
    if (refused.length > 0) throw new Error(`start-up accepted a configuration the model rejects (${refused.join(', ')})`);
    model.absorb(system);
    checkViews(model, system);
    const real = system;
    await fc.asyncModelRun(() => ({ model, real }), commands);
  } finally {
    if (system && !system.closed) await system.shutdown();
    clearWorld();
  }
}

/** A 32-bit seed from the setup's content (the same setup always gives the same seed). */
function seedOf(setup: Setup): number {
  let hash = 0x811c9dc5;
  for (const char of JSON.stringify(setup)) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return hash;
}

/**
 * Runs `work` with `Math.random` replaced by a small seeded generator (mulberry32), restored afterwards: whatever the
 * code under test draws from `Math.random` is the same on every replay of the sequence.
 */
export async function withSeededMathRandom<T>(seed: number, work: () => Promise<T>): Promise<T> {
  const original = Math.random;
  let state = seed >>> 0;
  Math.random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  try {
    return await work();
  } finally {
    Math.random = original;
  }
}

/** How many sequences, from which seed (and, to replay a shrunk failure, which path). */
export interface ModelRunParameters {
  numRuns: number;
  seed: number;
  path?: string;
}

/** Runs and seed under mutation testing (MUTATION_TESTS set): few, and the same every time, so scores are stable. */
const MUTATION_RUNS = 25;
const MUTATION_SEED = 22;

/**
 * fast-check parameters: a fixed count with a fresh random seed, chosen here so that it can be named in the test's
 * title (a failure outside the property — a timeout, an error thrown from a timer — still shows it); MODEL_SEED and
 * MODEL_PATH replay a failure. Under mutation testing a short run with a fixed seed.
 */
export function runParameters(defaultRuns: number): ModelRunParameters {
  if (process.env.MUTATION_TESTS !== undefined && process.env.MODEL_SEED === undefined) return { numRuns: MUTATION_RUNS, seed: MUTATION_SEED };
  const numRuns = Number(process.env.MODEL_RUNS ?? defaultRuns);
  // fast-check's own choice of a seed when none is given
  const seed = process.env.MODEL_SEED === undefined ? Date.now() ^ (Math.random() * 0x100000000) : Number(process.env.MODEL_SEED);
  return process.env.MODEL_PATH === undefined ? { numRuns, seed } : { numRuns, seed, path: process.env.MODEL_PATH };
}

/**
 * `fc.assert` of a model property; a failure's message ends with the command line that replays it (fast-check
 * prints the seed and the path of the shrunk counterexample; the path is added when fast-check reports one).
 */
export async function assertModel<Ts>(property: fc.IAsyncProperty<Ts>, parameters: ModelRunParameters): Promise<void> {
  const details = await fc.check(property, parameters);
  if (!details.failed) return;
  const replay = `MODEL_SEED=${details.seed}${details.counterexamplePath ? ` MODEL_PATH=${details.counterexamplePath}` : ''}`;
  const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  throw new Error(`${fc.defaultReportMessage(details) ?? 'The model property failed.'}\nWhat differed: ${cause}\nReplay: ${replay}`);
}

/**
 * Keeps a model spec's world to itself: Nest's logger captured while it runs, and afterwards the logger back, the
 * world cleared and the operator's Gemini variable as it was before.
 */
export function isolateModelWorld(): void {
  let savedGemini: string | undefined;
  beforeAll(() => {
    Logger.overrideLogger(new LogCapture(false));
    savedGemini = process.env[GEMINI];
  });
  afterAll(() => {
    Logger.overrideLogger(new ConsoleLogger());
    clearWorld();
    if (savedGemini !== undefined) process.env[GEMINI] = savedGemini;
  });
}
