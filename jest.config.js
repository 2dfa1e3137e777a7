/** Native ESM Jest: run through `npm test` (node --experimental-vm-modules). */
import { availableParallelism } from 'node:os';

export default {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/test', '<rootDir>/src'],
  testMatch: ['**/*.spec.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  testTimeout: 30000,
  // One and a half workers per core: much of the suite's time is spent waiting on sockets, child processes and a
  // 60-second PostgreSQL lease run, so three test files at once keep two cores busy (on 2 cores: 185 s with two
  // workers, 131 s with three, same tests). Parallel-safe: each file has its own servers on ports of its worker's
  // block (test/support/free-port.ts), its own temp directories, and process.env changes stay in its worker process.
  // A number, not '150%': Jest reads a percentage above 100 as that many workers.
  maxWorkers: Math.max(2, Math.floor(availableParallelism() * 1.5)),
};
