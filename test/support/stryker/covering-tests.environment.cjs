'use strict';
/**
 * Jest environment for Stryker runs (jest-environment-node underneath; Stryker wraps it with its own per-test
 * coverage mixin). During the dry run it
 * - records which tests each spec file holds and how long it took (see covering-tests.sequencer.cjs), and
 * - starts the coverage record empty, so that a dry run in which no mutant is reached still reports coverage:
 *   Stryker's instrumented code creates that record lazily on the first hit, and Stryker reads a missing record as
 *   "no coverage analysis" and runs every test against every mutant (all Survived instead of NoCoverage).
 * With a mutant active, once one test of the file has failed the file's remaining tests are skipped: one failure kills
 * the mutant, and a mutant that makes every test hang (a promise that never settles) then costs one test timeout
 * instead of one per test — or Stryker's own timeout, which also restarts the test runner process.
 */
const { TestEnvironment } = require('jest-environment-node');
const { isDryRun, recordTests } = require('./covering-tests.cjs');

/** Jest's full test name (describe blocks and test, space-separated): what `--testNamePattern` matches. */
function fullName(test) {
  const names = [];
  for (let block = test; block && block.parent; block = block.parent) names.unshift(block.name);
  return names.join(' ');
}

class CoveringTestsEnvironment extends TestEnvironment {
  #testPath;
  #names = [];
  #namespace;
  #startedAt = 0;

  constructor(config, context) {
    super(config, context);
    this.#testPath = context.testPath;
    this.#namespace = config.projectConfig.globals?.__strykerGlobalNamespace__;
  }

  async setup() {
    this.#startedAt = Date.now();
    await super.setup();
    const context = this.#namespace ? this.global[this.#namespace] : undefined;
    if (isDryRun() && context && !context.mutantCoverage) context.mutantCoverage = { static: {}, perTest: {} };
  }

  #failed = false;

  async handleTestEvent(event) {
    if (event.name === 'test_start') {
      this.#names.push(fullName(event.test));
      if (this.#failed && !isDryRun()) event.test.mode = 'skip';
    } else if (event.name === 'test_done' && event.test.errors.length > 0) {
      this.#failed = true;
    } else if (event.name === 'hook_failure') {
      this.#failed = true;
    }
  }

  async teardown() {
    if (isDryRun() && this.#namespace) recordTests(this.#testPath, this.#names, Date.now() - this.#startedAt);
    await super.teardown();
  }
}

module.exports = CoveringTestsEnvironment;
