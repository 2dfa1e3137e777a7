import { InfisicalError } from './infisical.error.js';

/** One problem with one option passed to `InfisicalModule` (or the `INFISICAL_*` variable it came from). */
export interface InfisicalOptionProblem {
  /** Option path, e.g. `cacheTtlSeconds` or `auth.universalAuth.clientId`. */
  option: string;
  /** The environment variable the value came from, when it came from one (named first in the message). */
  variable?: string;
  /** What is wrong with the value (never the value of a secret option). */
  problem: string;
}

const label = (p: InfisicalOptionProblem) => (p.variable ? `${p.variable} (option ${p.option})` : p.option);

/** The module options are wrong; raised at bootstrap before any request. */
export class InfisicalOptionsError extends InfisicalError {
  readonly code = 'INFISICAL_INVALID_OPTIONS';
  constructor(
    /** Every problem found, each naming its option and variable. */
    readonly problems: readonly InfisicalOptionProblem[],
  ) {
    const fromEnv = problems.some((p) => p.variable);
    super(
      `InfisicalModule options are invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${label(p)}: ${p.problem}`).join('\n') +
        '\n',
      fromEnv ? 'set the variables named above in the environment or in .env.' : 'correct the options named above.',
      { options: problems.map((p) => p.option), variables: problems.flatMap((p) => (p.variable ? [p.variable] : [])) },
    );
  }

  /** `INFISICAL_CACHE_TTL, auth.universalAuth` — what is wrong, for one-line summaries. */
  get names(): string[] {
    return this.problems.map((p) => p.variable ?? p.option);
  }
}
