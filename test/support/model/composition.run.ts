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
  return async (setup: Setup, commands: Iterable<fc.AsyncCommand<CompositionModel, CompositionSystem>>): Promise<void> => {
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
  };
}

/** Runs and seed under mutation testing (MUTATION_TESTS set): few, and the same every time, so scores are stable. */
const MUTATION_RUNS = 25;
const MUTATION_SEED = 22;

/**
 * fast-check parameters: a fixed count with a random seed (MODEL_SEED and MODEL_PATH replay a failure); under mutation
 * testing a short run with a fixed seed.
 */
export function runParameters(defaultRuns: number): fc.Parameters<unknown> {
  if (process.env.MUTATION_TESTS !== undefined && process.env.MODEL_SEED === undefined) return { numRuns: MUTATION_RUNS, seed: MUTATION_SEED };
  const numRuns = Number(process.env.MODEL_RUNS ?? defaultRuns);
  return process.env.MODEL_SEED === undefined ? { numRuns } : { numRuns, seed: Number(process.env.MODEL_SEED), path: process.env.MODEL_PATH };
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
