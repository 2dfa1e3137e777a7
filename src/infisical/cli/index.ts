/**
 * `nestjs-infisical/cli`: the verification behind the `verify-infisical` bin, for scripts and tests
 * (docs/troubleshooting.md describes the checks, the output and the exit codes).
 * @module nestjs-infisical/cli
 */

/** Runs the CLI with given arguments and I/O; resolves to the exit code. */
export { runVerifyCli, type VerifyCliIo } from './verify-cli.js';
/** Runs the checks and returns the report (no printing). */
export { InfisicalVerifier, type VerifyInput } from './infisical-verifier.js';
/** The exit codes, by failure class. */
export { VERIFY_EXIT, VERIFY_EXIT_CODES, type VerifyExitCode } from './verify-exit-codes.js';
/** The report's shape. */
export type { KeyReport, StepReport, VerificationReport, VerifyStepId } from './verification-report.js';
