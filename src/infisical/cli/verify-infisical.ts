#!/usr/bin/env node
/**
 * `verify-infisical` — the package's bin: checks the Infisical settings of this machine step by step.
 * Run `verify-infisical --help` for the checks and exit codes. Works as CommonJS and as ESM (no top-level await).
 */
import 'reflect-metadata';
import { runVerifyCli } from './verify-cli.js';

runVerifyCli(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`verify-infisical: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
