import { inspect } from 'node:util';
import type { InfisicalTarget } from './interfaces/infisical-target.interface.js';

/** `environment "dev" (project 6f0c…, path "/")` — names the place without any credential. */
export function describeTarget(target: InfisicalTarget): string {
  return `environment "${target.environment}" (project ${target.projectId}, path "${target.secretPath}")`;
}

/** Base class of every error the module throws. Messages name the key / environment and the fix, never a value. */
export abstract class InfisicalError extends Error {
  /** Stable machine-readable code, e.g. `INFISICAL_AUTH_FAILED`. */
  abstract readonly code: string;
  /** Whether a later attempt may succeed without a configuration change (network trouble, 5xx, 429, timeouts). */
  readonly transient: boolean = false;

  protected constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }

  /** Prints as `Name: message` plus the stack, without dumping the error's fields. */
  [inspect.custom](): string {
    return this.stack ?? `${this.name}: ${this.message}`;
  }
}

/** One problem with one option passed to `InfisicalModule`. */
export interface InfisicalOptionProblem {
  option: string;
  problem: string;
}

/** The module options are wrong; raised at bootstrap before any request. */
export class InfisicalOptionsError extends InfisicalError {
  readonly code = 'INFISICAL_INVALID_OPTIONS';
  constructor(readonly problems: readonly InfisicalOptionProblem[]) {
    super(
      `InfisicalModule options are invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.option}: ${p.problem}`).join('\n'),
    );
  }
}

export type InfisicalAuthenticationFailure =
  | 'invalid-credentials'
  | 'client-secret-expired'
  | 'client-secret-exhausted'
  | 'access-token-rejected';

const AUTH_FIX =
  'Fix: check auth.universalAuth.clientId / clientSecret (INFISICAL_CLIENT_ID / INFISICAL_CLIENT_SECRET) against ' +
  'Access Control → Machine Identities → <identity> → Universal Auth in Infisical';

/** Universal Auth login was refused (HTTP 401). */
export class InfisicalAuthenticationError extends InfisicalError {
  readonly code = 'INFISICAL_AUTH_FAILED';
  constructor(
    readonly target: InfisicalTarget,
    readonly reason: InfisicalAuthenticationFailure,
  ) {
    const what = {
      'invalid-credentials':
        'the client ID is unknown, or the client secret is wrong, revoked or deleted (Infisical answers "Invalid credentials" for all of these)',
      'client-secret-expired': 'the client secret has expired (its TTL elapsed) and Infisical has now revoked it',
      'client-secret-exhausted': 'the client secret reached its usage limit and Infisical has now revoked it',
      'access-token-rejected': 'it refused an access token it had just issued (login works, reading with the token does not)',
    }[reason];
    const fix = {
      'invalid-credentials': `${AUTH_FIX}; create a new client secret if the old one was revoked.`,
      'client-secret-expired': `${AUTH_FIX}: create a new client secret (without a short TTL for a long-running app) and deploy it.`,
      'client-secret-exhausted': `${AUTH_FIX}: create a new client secret (without a usage limit for a long-running app) and deploy it.`,
      'access-token-rejected':
        'Fix: check the Universal Auth settings of the identity: "Access Token Max Number of Uses" (0 = unlimited for a ' +
        'long-running app), "Access Token Trusted IPs", and that the identity still belongs to the organization.',
    }[reason];
    super(`Infisical at ${target.siteUrl} rejected the machine identity: ${what}. ${fix}`);
  }
}

/** Universal Auth is temporarily locked for this identity after repeated failed logins. */
export class InfisicalIdentityLockedError extends InfisicalError {
  readonly code = 'INFISICAL_IDENTITY_LOCKED';
  constructor(readonly target: InfisicalTarget) {
    super(
      `Infisical at ${target.siteUrl} has temporarily locked Universal Auth for this machine identity after repeated ` +
        `logins with a wrong client secret (by default for 5 minutes). Fix: correct the client secret ` +
        `(INFISICAL_CLIENT_SECRET) and retry after the lockout, or clear the lockout in Access Control → Machine Identities.`,
    );
  }
}

export type InfisicalProjectAccessFailure = 'project-not-found' | 'not-a-member' | 'no-secret-access';

/** The identity cannot use the project at all (HTTP 403 / unknown project ID). */
export class InfisicalProjectAccessError extends InfisicalError {
  readonly code = 'INFISICAL_PROJECT_ACCESS';
  constructor(
    readonly target: InfisicalTarget,
    readonly reason: InfisicalProjectAccessFailure,
  ) {
    const text = {
      'project-not-found': `project ${target.projectId} does not exist on ${target.siteUrl}. Fix: copy the project ID from Project Settings (INFISICAL_PROJECT_ID).`,
      'not-a-member': `the machine identity is not a member of project ${target.projectId}. Fix: add the identity to the project (Project → Access Control → Machine Identities) or correct INFISICAL_PROJECT_ID.`,
      'no-secret-access': `the machine identity is a member of project ${target.projectId} but its role cannot read secrets. Fix: give its project role "Read" on secrets for ${target.environment}.`,
    }[reason];
    super(`Infisical refused access for ${describeTarget(target)}: ${text}`);
  }
}

/** The environment slug does not exist in the project. */
export class InfisicalEnvironmentNotFoundError extends InfisicalError {
  readonly code = 'INFISICAL_ENVIRONMENT_NOT_FOUND';
  constructor(
    readonly target: InfisicalTarget,
    readonly availableEnvironments: readonly string[] | undefined,
    readonly suggestion: string | undefined,
  ) {
    const known = availableEnvironments?.length
      ? ` The project's environments are: ${availableEnvironments.map((e) => `"${e}"`).join(', ')}.`
      : '';
    const didYouMean = suggestion ? ` Did you mean "${suggestion}"?` : '';
    super(
      `Infisical environment "${target.environment}" was not found in project ${target.projectId}.${didYouMean}${known} ` +
        `Fix: set INFISICAL_ENVIRONMENT (option environment) to the environment's slug, not its display name.`,
    );
  }
}

/** The secret path does not exist in the environment. */
export class InfisicalSecretPathNotFoundError extends InfisicalError {
  readonly code = 'INFISICAL_SECRET_PATH_NOT_FOUND';
  constructor(readonly target: InfisicalTarget) {
    super(
      `Infisical folder "${target.secretPath}" was not found in environment "${target.environment}" of project ` +
        `${target.projectId}. Fix: set INFISICAL_SECRET_PATH (option secretPath) to an existing folder, e.g. "/" or "/backend".`,
    );
  }
}

/** The identity may read other environments of the project but not this one (Infisical filters silently). */
export class InfisicalPermissionError extends InfisicalError {
  readonly code = 'INFISICAL_ENVIRONMENT_NOT_READABLE';
  constructor(
    readonly target: InfisicalTarget,
    readonly missingKeys: readonly string[],
    readonly readableEnvironments: readonly string[],
  ) {
    super(
      `The machine identity cannot read secrets in ${describeTarget(target)}: Infisical returned none of ` +
        `${missingKeys.join(', ')} there, while the same identity can read ${readableEnvironments
          .map((e) => `"${e}"`)
          .join(', ')}. Infisical hides secrets the identity may not read instead of refusing. ` +
        `Fix: give the identity's project role "Read" on secrets in "${target.environment}" ` +
        `(Project → Access Control), or point INFISICAL_ENVIRONMENT at an environment it may read.`,
    );
  }
}

export type InfisicalUnreachableReason = 'network' | 'timeout' | 'server-error' | 'invalid-response';

/** Infisical could not be reached or answered with something unusable (5xx, non-JSON, malformed body). */
export class InfisicalUnreachableError extends InfisicalError {
  readonly code = 'INFISICAL_UNREACHABLE';
  override readonly transient = true;
  constructor(
    readonly target: InfisicalTarget,
    readonly reason: InfisicalUnreachableReason,
    detail: string,
  ) {
    const fix =
      reason === 'network'
        ? ` Fix: check INFISICAL_SITE_URL (option siteUrl) and that this host can reach it.`
        : reason === 'timeout'
          ? ` Fix: check the network path to ${target.siteUrl}, or raise requestTimeoutMs / startupTimeoutMs.`
          : ` Infisical may be degraded; the last good values are kept and the read is retried with back-off.`;
    super(`Infisical at ${target.siteUrl} is unreachable for ${describeTarget(target)}: ${detail}.${fix}`);
  }
}

/** Infisical answered 429; `retryAfterSeconds` is what it asked for. */
export class InfisicalRateLimitError extends InfisicalError {
  readonly code = 'INFISICAL_RATE_LIMITED';
  override readonly transient = true;
  constructor(
    readonly target: InfisicalTarget,
    readonly retryAfterSeconds: number | undefined,
  ) {
    super(
      `Infisical at ${target.siteUrl} rate-limited the read of ${describeTarget(target)}` +
        (retryAfterSeconds !== undefined ? ` and asked to retry in ${retryAfterSeconds} s` : '') +
        `. Fix: raise cacheTtlSeconds (INFISICAL_CACHE_TTL) or reduce the number of instances sharing this identity.`,
    );
  }
}

export type InfisicalTokenFailure = 'expired' | 'revoked' | 'exhausted' | 'max-ttl' | 'invalid';

/** The access token stopped working; the client logs in again with a fresh SDK instance and retries once. */
export class InfisicalTokenError extends InfisicalError {
  readonly code = 'INFISICAL_TOKEN_REJECTED';
  override readonly transient = true;
  constructor(
    readonly target: InfisicalTarget,
    readonly reason: InfisicalTokenFailure,
  ) {
    super(
      `Infisical at ${target.siteUrl} rejected the access token (${reason}) for ${describeTarget(target)}. ` +
        `The module logs in again automatically; if this repeats, check the identity's access token TTL / max TTL / usage limit.`,
    );
  }
}

/** Infisical answered with a status the module does not expect (e.g. 400). */
export class InfisicalRequestError extends InfisicalError {
  readonly code = 'INFISICAL_REQUEST_FAILED';
  constructor(
    readonly target: InfisicalTarget,
    readonly status: number,
    serverMessage: string,
  ) {
    super(
      `Infisical at ${target.siteUrl} refused the read of ${describeTarget(target)} with HTTP ${status}: ${serverMessage}. ` +
        `Fix: check INFISICAL_PROJECT_ID, INFISICAL_ENVIRONMENT and INFISICAL_SECRET_PATH.`,
    );
  }
}

/** Bootstrap did not get an answer from Infisical within `startupTimeoutMs`. */
export class InfisicalStartupTimeoutError extends InfisicalError {
  readonly code = 'INFISICAL_STARTUP_TIMEOUT';
  override readonly transient = true;
  constructor(
    readonly target: InfisicalTarget,
    readonly timeoutMs: number,
    readonly lastError?: InfisicalError,
  ) {
    super(
      `Infisical at ${target.siteUrl} did not deliver ${describeTarget(target)} within startupTimeoutMs=${timeoutMs} ms` +
        (lastError ? ` (last problem: ${lastError.message})` : '') +
        `. Fix: check that the host can reach INFISICAL_SITE_URL, raise INFISICAL_STARTUP_TIMEOUT_MS, or configure ` +
        `INFISICAL_CACHE_FILE so the app can start from its last-known-good snapshot.`,
    );
  }
}

const SOURCE_NAMES: Record<string, string> = {
  infisical: 'Infisical',
  cache: 'the last-known-good snapshot',
  env: 'the process environment / .env',
  default: 'the schema default',
};

/** One problem with one configuration key. */
export interface ConfigIssue {
  key: string;
  kind: 'missing' | 'malformed';
  /** Where the (malformed) value came from: `infisical`, `env`, `default` or `cache`. */
  source?: string;
  /** Infisical version of the value, when it came from Infisical. */
  version?: number;
  /** What is wrong, from the schema or the credential rule (never the value). */
  messages: string[];
  /** How to fix it. */
  fix: string;
}

/** The merged configuration does not pass the schema / required keys / credential rules. */
export class InfisicalConfigValidationError extends InfisicalError {
  readonly code = 'INFISICAL_CONFIG_INVALID';
  constructor(
    readonly where: string,
    readonly issues: readonly ConfigIssue[],
    readonly note?: string,
  ) {
    const lines = issues.map((issue) => {
      const origin = issue.source
        ? ` (from ${SOURCE_NAMES[issue.source] ?? issue.source}${issue.version !== undefined ? `, version ${issue.version}` : ''})`
        : '';
      return `  - ${issue.key}${origin}: ${issue.kind} — ${issue.messages.join('; ')}. Fix: ${issue.fix}`;
    });
    super(
      `Configuration for ${where} is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` +
        lines.join('\n') +
        (note ? `\n${note}` : ''),
    );
  }

  get keys(): string[] {
    return this.issues.map((i) => i.key);
  }
}

/** A secret injected by name does not exist in the loaded configuration. */
export class InfisicalSecretNotFoundError extends InfisicalError {
  readonly code = 'INFISICAL_SECRET_NOT_FOUND';
  constructor(
    readonly key: string,
    where: string,
  ) {
    super(
      `Secret "${key}" is not available in ${where}. Fix: add "${key}" there in Infisical (or set it in the ` +
        `environment), or list it in requiredKeys so that bootstrap fails early.`,
    );
  }
}

/** The last-known-good file could not be used (corrupted, tampered with, written for another target or key). */
export class InfisicalCacheError extends InfisicalError {
  readonly code = 'INFISICAL_CACHE_REJECTED';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(
      `The last-known-good snapshot ${path} was rejected: ${reason}. It is ignored (and replaced after the next good ` +
        `refresh). Fix: delete the file if it belongs to another deployment, or keep INFISICAL_CACHE_FILE per environment.`,
    );
  }
}
