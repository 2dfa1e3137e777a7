import type { InfisicalTarget } from '../interfaces/infisical-source.interface.js';

/** The checks, in the order they run. Later checks are skipped once one fails. */
export const VERIFY_STEPS = [
  { id: 'options', title: 'options valid' },
  { id: 'site', title: 'site reachable' },
  { id: 'login', title: 'login (Universal Auth)' },
  { id: 'project', title: 'project reachable' },
  { id: 'environment', title: 'environment exists' },
  { id: 'secretPath', title: 'secret path exists' },
  { id: 'list', title: 'list secrets (one call per source)' },
  { id: 'requiredKeys', title: 'required keys present' },
  { id: 'rules', title: 'schema + credential rules' },
  { id: 'readable', title: 'identity can read environment' },
] as const;

/** Check 7's title once the number of sources is known: one list call per source. */
export function listStepTitle(sources: number): string {
  return sources === 1 ? 'list secrets (one call)' : `list secrets (one call per source: ${sources})`;
}

/** ID of one check, e.g. `login` or `requiredKeys` (in the order of `VERIFY_STEPS`). */
export type VerifyStepId = (typeof VERIFY_STEPS)[number]['id'];

/** `passed` ✓, `failed` ✗, `skipped` – (an earlier check failed, or nothing to check). */
export type StepStatus = 'passed' | 'failed' | 'skipped';

/** The outcome of one check, as `verify-infisical` prints it on one line. */
export interface StepReport {
  /** 1-based number of the check, in the order they run. */
  number: number;
  /** Which check this is. */
  id: VerifyStepId;
  /** The check's title, e.g. `site reachable`. */
  title: string;
  /** Whether it passed, failed or was skipped. */
  status: StepStatus;
  /** Names, counts, sources and versions — never a value. */
  detail: string;
}

/** One configuration key: where it comes from and whether it passed. Never its value. */
export interface KeyReport {
  /** The configuration key, e.g. `GEMINI_API_KEY`. */
  key: string;
  /** `infisical`, `env` (process environment / .env), `default` (schema default) or `none` (missing). */
  source: 'infisical' | 'env' | 'default' | 'none';
  /** Infisical's version of the value. */
  version?: number;
  /**
   * `environment:folder` an Infisical value really lives in, when it is not the configured one (imports), and for
   * every key when there are several sources (prefixed with the project ID when not the first source's project).
   */
  from?: string;
  /** `ok`, `missing` (required but found nowhere) or `malformed` (rejected by the schema or a credential rule). */
  status: 'ok' | 'missing' | 'malformed';
}

/** What the checks found: each check's outcome, every key (never a value), warnings and the failure, if any. */
export interface VerificationReport {
  /** Every check passed. */
  ok: boolean;
  /** The process exit code for this outcome (`VERIFY_EXIT`). */
  exitCode: number;
  /** Where the checks pointed (no credentials), once the options were readable. */
  target?: InfisicalTarget;
  /** Every source, in precedence order (a later one wins a key clash). */
  sources?: InfisicalTarget[];
  /** Every check, in order, including those skipped. */
  steps: StepReport[];
  /** The keys of the configuration: where each comes from and whether it passed. */
  keys: KeyReport[];
  /** Things that passed but deserve a look. */
  warnings: string[];
  /** The failure that ended the checks, if one did. */
  error?: {
    /** The error's stable code, e.g. `INFISICAL_AUTH_FAILED`. */
    code: string;
    /** The finer reason within the code, e.g. `missing-keys`, `invalid-options` or the error's own reason (`expired`). */
    reason: string;
    /** Step that failed. */
    step: VerifyStepId | undefined;
    /** The error's message (problem and fix), never a secret value. */
    message: string;
  };
}
