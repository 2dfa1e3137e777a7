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

export type VerifyStepId = (typeof VERIFY_STEPS)[number]['id'];

/** `passed` ✓, `failed` ✗, `skipped` – (an earlier check failed, or nothing to check). */
export type StepStatus = 'passed' | 'failed' | 'skipped';

export interface StepReport {
  number: number;
  id: VerifyStepId;
  title: string;
  status: StepStatus;
  /** Names, counts, sources and versions — never a value. */
  detail: string;
}

/** One configuration key: where it comes from and whether it passed. Never its value. */
export interface KeyReport {
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
  status: 'ok' | 'missing' | 'malformed';
}

export interface VerificationReport {
  ok: boolean;
  exitCode: number;
  /** Where the checks pointed (no credentials), once the options were readable. */
  target?: InfisicalTarget;
  /** Every source, in precedence order (a later one wins a key clash). */
  sources?: InfisicalTarget[];
  steps: StepReport[];
  keys: KeyReport[];
  /** Things that passed but deserve a look. */
  warnings: string[];
  error?: {
    code: string;
    reason: string;
    /** Step that failed. */
    step: VerifyStepId | undefined;
    message: string;
  };
}
