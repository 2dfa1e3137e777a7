'use strict';
/**
 * Jest test runner for Stryker runs: jest-circus, except that once one spec file has failed with a mutant active, the
 * remaining spec files of that mutant's run are skipped without being loaded. One failing test is all Stryker needs to
 * call a mutant killed, and loading a spec file (its imports, in a fresh ESM module graph) costs more than its tests.
 * Stryker turns Jest's own `bail` off (it cannot be used programmatically), hence this runner. The dry run (no mutant
 * active) runs every file. With covering-tests.sequencer.cjs putting the file most likely to kill the mutant first,
 * a killed mutant usually costs one spec file; a surviving one still runs every covering test.
 *
 * The file name must contain "jest-circus": Stryker's per-test coverage analysis accepts only jest-circus runners.
 */
const circusModule = require('jest-circus/runner');
const circus = circusModule.default ?? circusModule;
const { createEmptyTestResult } = require('@jest/test-result');
const { activeMutant } = require('./covering-tests.cjs');

/** The mutant whose run already has a failing spec file (runs are in band: one mutant at a time per process). */
let killed;

/** A file that was not run: one pending entry, since Jest refuses a result without tests as a failure of its own. */
function notRun(testPath) {
  const title = `not run: the mutant was already killed (${testPath})`;
  const pending = { ancestorTitles: [], duration: 0, failureDetails: [], failureMessages: [], fullName: title, invocations: 0,
    location: null, numPassingAsserts: 0, retryReasons: [], status: 'pending', title };
  return { ...createEmptyTestResult(), testFilePath: testPath, numPendingTests: 1, testResults: [pending] };
}

module.exports = async function coveringTestsRunner(globalConfig, config, environment, runtime, testPath, sendMessageToJest) {
  const mutant = activeMutant();
  if (mutant !== undefined && mutant === killed) return notRun(testPath);
  const result = await circus(globalConfig, config, environment, runtime, testPath, sendMessageToJest);
  if (mutant !== undefined && (result.numFailingTests > 0 || result.testExecError)) killed = mutant;
  return result;
};
