'use strict';
/**
 * What the two Stryker plug-ins below share: which spec file holds which tests, recorded during Stryker's dry run
 * (the one run without an active mutant) in the sandbox, so that every test runner process can read it.
 */
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

/** Set by Stryker while a mutant is active; absent during the dry run. */
const ACTIVE_MUTANT = '__STRYKER_ACTIVE_MUTANT__';
const FILE = '.stryker-covering-tests.json';

const mapFile = () => join(process.cwd(), FILE);
const isDryRun = () => process.env[ACTIVE_MUTANT] === undefined;

/** `{ [specPath]: full test names }` as recorded so far (empty before the dry run). */
function readTestsByFile() {
  const file = mapFile();
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
}

/** Records the tests that ran in one spec file (Jest runs them in band under Stryker: no concurrent writer). */
function recordTests(testPath, names) {
  const all = readTestsByFile();
  all[testPath] = names;
  writeFileSync(mapFile(), JSON.stringify(all));
}

module.exports = { isDryRun, readTestsByFile, recordTests };
