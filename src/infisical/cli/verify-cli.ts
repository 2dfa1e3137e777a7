import { appLine, loadApp, type LoadedApp } from './app.loader.js';
import { credentialDefinitions } from './builtin-credentials.js';
import { loadEnvFile, type EnvFileResult } from './env-file.loader.js';
import { InfisicalVerifier } from './infisical-verifier.js';
import { loadSchema, type LoadedSchema } from './schema.loader.js';
import { parseVerifyArgs, VerifyUsageError, type VerifyCliArgs } from './verify-cli.args.js';
import { verifyHelpText } from './verify-cli.help.js';
import { VERIFY_EXIT } from './verify-exit-codes.js';
import { redactOutput, renderJson, renderText } from './verification-report.printer.js';

/** Where the CLI reads its environment and writes its output (the real process in the bin, anything in tests). */
export interface VerifyCliIo {
  /** The environment the `INFISICAL_*` options and the keys are read from (before `--env-file`). */
  env: NodeJS.ProcessEnv;
  /** The directory relative paths (`--env-file`, `--schema`, `--app`) are resolved against. */
  cwd: string;
  /** Receives the report (text or `--json`). */
  stdout: (text: string) => void;
  /** Receives warnings and errors. */
  stderr: (text: string) => void;
}

/**
 * `verify-infisical`: parses the flags, loads `.env` and the schema, runs {@link InfisicalVerifier} and prints the
 * report. Resolves to the exit code (see `VERIFY_EXIT_CODES`); never rejects.
 */
export async function runVerifyCli(argv: readonly string[], io: VerifyCliIo): Promise<number> {
  let args: VerifyCliArgs | undefined;
  let verifier: InfisicalVerifier | undefined;
  try {
    args = parseVerifyArgs(argv);
    if (args.help) {
      io.stdout(verifyHelpText());
      return VERIFY_EXIT.ok;
    }
    const envFile: EnvFileResult | undefined = loadEnvFile(args.envFile, io.cwd, io.env);
    const schema: LoadedSchema | undefined = args.schema ? await loadSchema(args.schema, io.cwd) : undefined;
    const app: LoadedApp | undefined = args.app ? await loadApp(args.app, io.cwd) : undefined;
    const credentials = [...credentialDefinitions(args.credentials), ...(app?.requirements.credentials ?? [])].filter(
      (definition, i, all) => all.findIndex((d) => d.name === definition.name) === i,
    );
    const requiredKeys = [...new Set([...args.require, ...(app?.requirements.keys.keys() ?? [])])];
    verifier = new InfisicalVerifier({ env: io.env, schema, credentials, requiredKeys });
    const report = await verifier.run();
    if (args.json) {
      const appReport = app ? { module: app.spec, requires: Object.fromEntries(app.requirements.keys), credentials: app.requirements.credentials.map((c) => c.name) } : undefined;
      io.stdout(redactOutput(renderJson(report, appReport ? { app: appReport } : { note: appLine(undefined) }), verifier.redactor));
    } else {
      const { stdout, stderr } = renderText(report, envFile, appLine(app));
      io.stdout(redactOutput(stdout, verifier.redactor));
      if (stderr) io.stderr(redactOutput(stderr, verifier.redactor));
    }
    return report.exitCode;
  } catch (error) {
    const usage = error instanceof VerifyUsageError;
    const exitCode = usage ? VERIFY_EXIT.usage : VERIFY_EXIT.unexpected;
    const detail = error instanceof Error ? error.message : String(error);
    const text = usage ? `verify-infisical: ${detail}` : `verify-infisical: unexpected error: ${detail}`;
    const message = verifier ? redactOutput(text, verifier.redactor) : text;
    if (args?.json) {
      io.stdout(
        `${JSON.stringify({ ok: false, exitCode, exitName: usage ? 'usage' : 'unexpected', steps: [], keys: [], warnings: [], error: { code: usage ? 'USAGE' : 'UNEXPECTED', reason: usage ? 'usage' : 'unexpected', step: undefined, message } }, null, 2)}\n`,
      );
    } else {
      io.stderr(`${message}\n`);
    }
    return exitCode;
  }
}
