import { fileURLToPath } from 'node:url';

/**
 * `MUTATION_TESTS=unit` runs only the unit tests (test/unit/) against each mutant: minutes per file instead of the
 * 15-20 hours of a full run. Its score is a lower bound of the full run's: the full suite contains the unit tests,
 * so every mutant they kill is killed by the full suite too, while a survivor may still be killed by an integration,
 * e2e or hostile test that the unit mode does not run.
 */
const UNIT_ONLY = process.env.MUTATION_TESTS === 'unit';

/** Where the reports go (reports/mutation, or reports/mutation-unit in unit mode; MUTATION_REPORT_DIR overrides). */
const REPORT_DIR = process.env.MUTATION_REPORT_DIR ?? (UNIT_ONLY ? 'reports/mutation-unit' : 'reports/mutation');

/**
 * Stryker-only Jest plug-ins (see their headers): NoCoverage for unreached mutants, only the covering spec files per
 * mutant (the likeliest killer first), and no further spec file once one has killed the mutant.
 */
const support = (file) => fileURLToPath(new URL(`./test/support/stryker/${file}`, import.meta.url));
const STRYKER_JEST_PLUGINS = {
  testEnvironment: support('covering-tests.environment.cjs'),
  testSequencer: support('covering-tests.sequencer.cjs'),
  testRunner: support('covering-tests.jest-circus-runner.cjs'),
};

const CHILD_PROCESS_SPECS = ['/test/e2e/main-process\\.spec', '/test/e2e/verify-cli\\.spec', '/test/e2e/demo\\.spec', '/test/package/'];

/**
 * Mutation testing of the library: every file under src/infisical/ except the CLI, the *.interface.ts files and
 * index.ts. Jest runs in native ESM mode, as `npm test` does (node --experimental-vm-modules). Not part of CI.
 *
 * Modes (reports in REPORT_DIR; give each concurrent run its own --tempDirName and MUTATION_REPORT_DIR):
 * - Unit mode, whole library (see docs/CONTRIBUTING.md, "Mutation testing", for the time of the last run):
 *     MUTATION_TESTS=unit npx stryker run
 * - Unit mode, one file or folder, one runner (what a change to one part needs; seconds to minutes):
 *     MUTATION_TESTS=unit MUTATION_REPORT_DIR=reports/mut-x npx stryker run --concurrency 1 --tempDirName .stryker-tmp-x \
 *       --mutate 'src/infisical/store/refresh.scheduler.ts'
 * - Full mode, every in-process spec (unit, integration, hostile, contract, e2e): `npm run test:mutation`, optionally
 *   with --mutate; many hours for the whole library on 2 cores (see docs/CONTRIBUTING.md).
 *
 * How a mutant is tested (both modes): the dry run records, per test, which mutants it reaches ("perTest" coverage),
 * and which tests each spec file holds. A mutant then runs only its covering tests (Jest --testNamePattern) in only the
 * spec files that hold them, most covering tests first (covering-tests.sequencer.cjs), and stops loading spec files
 * once one has failed (covering-tests.jest-circus-runner.cjs); a mutant no test reaches is NoCoverage without a run,
 * also when no test reaches any mutated file at all (covering-tests.environment.cjs). A test runner is replaced after
 * 40 mutants: Jest in ESM mode keeps every run's module graphs, and the growing heap made each run twice as slow.
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'jest',
  testRunnerNodeArgs: ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning'],
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    enableFindRelatedTests: false,
    // Specs that run the compiled app, CLI or packed library in child processes: Stryker mutates the TypeScript
    // sources that Jest loads in-process, so these cannot kill a mutant and only cost time.
    // In unit mode Jest looks for specs under test/unit/ only.
    // A unit test that has not finished after 2 s is stuck on a promise the mutant never settles: failing it there
    // (a killed mutant; the file's other tests are then skipped) keeps the runner process, where Stryker's own timeout
    // would kill and restart it.
    config: UNIT_ONLY
      ? { ...STRYKER_JEST_PLUGINS, roots: ['<rootDir>/test/unit'], testPathIgnorePatterns: CHILD_PROCESS_SPECS, testTimeout: 2000 }
      : { ...STRYKER_JEST_PLUGINS, testPathIgnorePatterns: CHILD_PROCESS_SPECS },
  },
  mutate: ['src/infisical/**/*.ts', '!src/infisical/cli/**', '!src/infisical/**/*.interface.ts', '!src/infisical/index.ts'],
  coverageAnalysis: 'perTest',
  // Only the mutated sources get `// @ts-nocheck`: tests compare some files (test/support/readme/) with the documentation verbatim.
  disableTypeChecks: 'src/**/*.ts',
  checkers: [],
  ignoreStatic: true,
  thresholds: { high: 90, low: 85, break: 85 },
  concurrency: 2,
  maxTestRunnerReuse: 40,
  // Unit tests run in well under a second, so a mutant that takes 2.5 s more than the unit run is almost always stuck (a
  // loop that no longer ends) or slow to report a failure; on a loaded machine a slow run of an unchanged-behaviour
  // mutant can time out too, which is why docs/CONTRIBUTING.md gives the timeouts beside the score. The full suite
  // needs more room.
  timeoutMS: UNIT_ONLY ? 2500 : 20000,
  // event-recorder writes every tested mutant at once, so an interrupted long run still leaves its results.
  reporters: ['clear-text', 'progress', 'html', 'json', 'event-recorder'],
  eventReporter: { baseDir: `${REPORT_DIR}/events` },
  htmlReporter: { fileName: `${REPORT_DIR}/mutation.html` },
  jsonReporter: { fileName: `${REPORT_DIR}/mutation.json` },
  ignorePatterns: ['.stryker-tmp*', ...(UNIT_ONLY ? ['dist'] : []), 'dist-bench', 'dist-package', 'dist-check', 'bench/results', 'coverage', 'reports'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
