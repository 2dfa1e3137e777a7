/**
 * Model-based test of where the features meet (issue 22): random sequences of operator actions in Infisical, server
 * answers, triggers, requirements, clock moves and shutdown, run against the real store and compared after every
 * step with a reference model of the merge rule and the refresh policy (test/support/model/).
 *
 * Runs: a fixed count (1,000; MODEL_RUNS overrides it) with a new random seed each time, so CI always runs the same
 * amount of work and explores new sequences on every run; a failure prints fast-check's `seed` and `path` and the
 * shrunk command sequence. Replay it exactly with MODEL_SEED=<seed> MODEL_PATH=<path>.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { commands, setups } from '../support/model/composition.commands.js';
import { isolateModelWorld, runParameters, sequenceAgainst } from '../support/model/composition.run.js';
import { CompositionSystem } from '../support/model/composition.system.js';

const parameters = runParameters(1000);
isolateModelWorld();

describe('composition model: merge rule and refresh policy against the real store', () => {
  it(`${parameters.numRuns} random sequences: every view equals the model after every step, within 60 s`, async () => {
    const started = Date.now();
    const property = fc.asyncProperty(setups(), fc.commands(commands(), { maxCommands: 30, size: '+1' }), sequenceAgainst(CompositionSystem.start));
    await fc.assert(property, parameters);
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 300_000);
});
