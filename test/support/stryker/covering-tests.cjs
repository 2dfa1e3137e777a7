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
/** The id of the mutant under test, or undefined in the dry run. */
const activeMutant = () => process.env[ACTIVE_MUTANT];
const isDryRun = () => activeMutant() === undefined;

/** `{ [specPath]: { tests: full test names, ms: how long the file took in the dry run } }` (empty before the dry run). */
function readTestsByFile() {
  const file = mapFile();
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
}

/** Records one spec file's tests and time (Jest runs files in band under Stryker: no concurrent writer). */
function recordTests(testPath, names, ms) {
  const all = readTestsByFile();
  all[testPath] = { tests: names, ms };
  writeFileSync(mapFile(), JSON.stringify(all));
}

module.exports = { activeMutant, isDryRun, readTestsByFile, recordTests };
