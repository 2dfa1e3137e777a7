'use strict';
/**
 * Jest test sequencer for Stryker runs: with a mutant active, Stryker asks Jest for the tests that covered it
 * (`--testNamePattern`), but Jest still loads every spec file to look for them, which costs more than the tests.
 * This keeps only the spec files that hold a matching test (recorded during the dry run by
 * covering-tests.environment.cjs), the file with the most covering tests first (the mutated file's own spec, as a
 * rule: the likeliest to kill it, after which covering-tests.jest-circus-runner.cjs skips the rest), then the
 * quickest. Without a pattern, or before the dry run recorded anything, every file runs in Jest's order.
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
    const covering = (test) => {
      const names = testsByFile[test.path]?.tests;
      return names === undefined ? 0.5 : names.filter((name) => matches.test(name)).length;
    };
    const timeOf = (test) => testsByFile[test.path]?.ms ?? Infinity;
    return sorted
      .map((test) => ({ test, covering: covering(test), ms: timeOf(test) }))
      .filter(({ covering }) => covering > 0)
      .sort((a, b) => b.covering - a.covering || a.ms - b.ms)
      .map(({ test }) => test);
  }
}

module.exports = CoveringTestsSequencer;
