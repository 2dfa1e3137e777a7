'use strict';
/**
 * Jest test sequencer for Stryker runs: with a mutant active, Stryker asks Jest for the tests that covered it
 * (`--testNamePattern`), but Jest still loads every spec file to look for them, which costs more than the tests.
 * This keeps only the spec files that hold a matching test (recorded during the dry run by
 * covering-tests.environment.cjs). Without a pattern, or before the dry run recorded anything, every file runs.
 */
const Sequencer = require('@jest/test-sequencer').default;
const { isDryRun, readTestsByFile } = require('./covering-tests.cjs');

class CoveringTestsSequencer extends Sequencer {
  #pattern;

  constructor(options) {
    super(options);
    this.#pattern = options?.globalConfig?.testNamePattern;
  }

  async sort(tests) {
    const sorted = await super.sort(tests);
    if (isDryRun() || !this.#pattern) return sorted;
    const testsByFile = readTestsByFile();
    const matches = new RegExp(this.#pattern, 'i');
    return sorted.filter((test) => {
      const names = testsByFile[test.path];
      return names === undefined || names.some((name) => matches.test(name));
    });
  }
}

module.exports = CoveringTestsSequencer;
