import { describeTarget } from '../infisical.errors.js';
import {
  InfisicalAuthenticationError,
  InfisicalConfigValidationError,
  InfisicalEnvironmentNotFoundError,
  InfisicalError,
  InfisicalIdentityLockedError,
  InfisicalOptionsError,
  InfisicalPermissionError,
  InfisicalProjectAccessError,
  InfisicalRateLimitError,
  InfisicalSecretPathNotFoundError,
  InfisicalUnreachableError,
} from '../infisical.errors.js';
import { VERIFY_EXIT, type VerifyExitName } from './verify-exit-codes.js';
import { VerifyUsageError } from './verify-cli.args.js';

/**
 * Why the verification stopped: the exit code of its class, a stable code, a short reason and a message that
 * names what is wrong and how to fix it. Never contains a secret value, the client secret or a token.
 */
export class VerifyFailure extends Error {
  constructor(
    readonly exit: VerifyExitName,
    /** Stable machine-readable code, e.g. `INFISICAL_AUTH_FAILED`. */
    readonly code: string,
    /** Finer reason within the code, e.g. `client-secret-expired`. */
    readonly reason: string,
    message: string,
    /** One line for the step table; defaults to the first line of the message. */
    readonly summary: string = message.split('\n')[0] ?? message,
  ) {
    super(message);
    this.name = 'VerifyFailure';
  }

  get exitCode(): number {
    return VERIFY_EXIT[this.exit];
  }
}

/** Option names of `InfisicalModule` → the `INFISICAL_*` variables the CLI reads them from. */
const OPTION_VARIABLES: Record<string, string> = {
  enabled: 'INFISICAL_ENABLED',
  siteUrl: 'INFISICAL_SITE_URL',
  projectId: 'INFISICAL_PROJECT_ID',
  environment: 'INFISICAL_ENVIRONMENT',
  secretPath: 'INFISICAL_SECRET_PATH',
  'auth.universalAuth': 'INFISICAL_CLIENT_ID / INFISICAL_CLIENT_SECRET',
  'auth.universalAuth.clientId': 'INFISICAL_CLIENT_ID',
  'auth.universalAuth.clientSecret': 'INFISICAL_CLIENT_SECRET',
  cacheTtlSeconds: 'INFISICAL_CACHE_TTL',
  startupTimeoutMs: 'INFISICAL_STARTUP_TIMEOUT_MS',
  maxStaleSeconds: 'INFISICAL_MAX_STALE_SECONDS',
  'persistentCache.path': 'INFISICAL_CACHE_FILE',
  'persistentCache.key': 'INFISICAL_CACHE_KEY',
  requiredKeys: 'INFISICAL_REQUIRED_KEYS',
};

const SITE_EXAMPLES = 'https://app.infisical.com, https://eu.infisical.com or your self-hosted root URL, without "/api"';

/** The part of an {@link InfisicalUnreachableError} message between the target and the module's own advice. */
function unreachableDetail(error: InfisicalUnreachableError): string {
  const prefix = `Infisical at ${error.target.siteUrl} is unreachable for ${describeTarget(error.target)}: `;
  const rest = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  return rest.replace(/\.\s*(Fix:|Infisical may be degraded).*$/s, '');
}

/** `HTTP 404 for the status request from something that …` → `HTTP 404 for the status request`. */
function notInfisicalDetail(detail: string): string {
  return detail
    .replace(/\s*\(check siteUrl \/ INFISICAL_SITE_URL\)/, '')
    .replace(/\s*from something that does not answer like the Infisical API/, '')
    .replace(/, which is not how the Infisical API answers/, '');
}

/** Maps anything a check threw to the failure class the CLI reports (see {@link VERIFY_EXIT}). */
export function toVerifyFailure(error: unknown, clientId: string | undefined): VerifyFailure {
  if (error instanceof VerifyFailure) return error;
  if (error instanceof VerifyUsageError) return new VerifyFailure('usage', 'USAGE', 'usage', error.message);
  if (error instanceof InfisicalOptionsError) {
    const lines = error.problems.map((p) => {
      const variable = OPTION_VARIABLES[p.option];
      return `  - ${variable ? `${variable} (${p.option})` : p.option}: ${p.problem}`;
    });
    return new VerifyFailure(
      'usage',
      error.code,
      'invalid-options',
      `The Infisical settings are invalid (${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}\n` +
        `Fix: set these variables in the environment or in .env.`,
      `invalid: ${error.problems.map((p) => OPTION_VARIABLES[p.option] ?? p.option).join(', ')}`,
    );
  }
  if (error instanceof InfisicalUnreachableError) {
    const site = error.target.siteUrl;
    const detail = unreachableDetail(error);
    switch (error.reason) {
      case 'network':
        return new VerifyFailure(
          'unreachable',
          error.code,
          'network',
          `Cannot reach Infisical at ${site}: ${detail}. Fix: check INFISICAL_SITE_URL (${SITE_EXAMPLES}) and that this ` +
            `machine can reach that host (DNS, proxy, firewall, VPC egress).`,
          `cannot connect: ${detail}`,
        );
      case 'timeout':
        return new VerifyFailure(
          'unreachable',
          error.code,
          'timeout',
          `Infisical at ${site} did not answer in time: ${detail}. Fix: check the network path to ${site} ` +
            `(a firewall that drops packets looks exactly like this) and that INFISICAL_SITE_URL is right.`,
          'no answer in time',
        );
      case 'server-error':
        return new VerifyFailure(
          'unreachable',
          error.code,
          'server-error',
          `Infisical at ${site} is failing: ${detail}. Nothing is wrong with your settings as far as this check got; ` +
            `retry later and check the instance's status (or the proxy in front of it).`,
          'Infisical answers with server errors',
        );
      case 'invalid-response':
        return new VerifyFailure(
          'unreachable',
          error.code,
          'not-infisical',
          `${site} does not answer like the Infisical API (${notInfisicalDetail(detail)}). Fix: set INFISICAL_SITE_URL to the root URL of ` +
            `your Infisical instance (${SITE_EXAMPLES}).`,
          'not an Infisical API',
        );
    }
  }
  if (error instanceof InfisicalRateLimitError) {
    return new VerifyFailure(
      'unreachable',
      error.code,
      'rate-limited',
      `Infisical at ${error.target.siteUrl} rate-limited the check` +
        (error.retryAfterSeconds !== undefined ? ` (retry in ${error.retryAfterSeconds} s)` : '') +
        `. Fix: retry later; if it persists, fewer instances should share this identity or they should refresh less often (INFISICAL_CACHE_TTL).`,
      'rate-limited',
    );
  }
  if (error instanceof InfisicalAuthenticationError) {
    const where = 'Infisical → Access Control → Machine Identities → <identity> → Universal Auth';
    switch (error.reason) {
      case 'invalid-credentials':
        return new VerifyFailure(
          'authentication',
          error.code,
          'invalid-credentials',
          `Infisical at ${error.target.siteUrl} refused the login with "Invalid credentials". Infisical gives this same ` +
            `answer for an unknown client ID and for a wrong, revoked or deleted client secret, so this check cannot tell ` +
            `which one it is. To tell them apart: in Infisical → Access Control → Machine Identities, look for the ` +
            `identity whose Universal Auth Client ID is ${clientId ?? 'INFISICAL_CLIENT_ID'}. No identity has it → the client ` +
            `ID is wrong (a common slip is the identity's own ID): copy the Client ID into INFISICAL_CLIENT_ID. One has it → ` +
            `the client secret is wrong or was revoked: create a new client secret there and set INFISICAL_CLIENT_SECRET. ` +
            `This check logged in once; do not retry with guesses: repeated wrong client secrets lock the identity ` +
            `(by default 3 within 30 s lock it for 5 minutes).`,
          'refused: "Invalid credentials" (unknown client ID, or wrong / revoked client secret)',
        );
      case 'client-secret-expired':
        return new VerifyFailure(
          'authentication',
          error.code,
          'client-secret-expired',
          `The client secret has expired: its TTL elapsed, and Infisical has now revoked it (later attempts will answer ` +
            `"Invalid credentials"). Fix: in ${where}, create a new client secret — for a long-running service with TTL 0 ` +
            `(no expiry) or rotate it before it expires — and set INFISICAL_CLIENT_SECRET.`,
          'refused: the client secret has expired',
        );
      case 'client-secret-exhausted':
        return new VerifyFailure(
          'authentication',
          error.code,
          'client-secret-used-up',
          `The client secret is used up: it reached its "max number of uses" (every login uses one), and Infisical has ` +
            `now revoked it (later attempts will answer "Invalid credentials"). Fix: in ${where}, create a new client ` +
            `secret with max number of uses 0 (unlimited) for a service that restarts and re-logs in, and set INFISICAL_CLIENT_SECRET.`,
          'refused: the client secret is used up',
        );
      case 'access-token-rejected':
        return new VerifyFailure('authentication', error.code, 'access-token-rejected', error.message, 'refused: a fresh access token was rejected');
    }
  }
  if (error instanceof InfisicalIdentityLockedError) {
    return new VerifyFailure(
      'locked',
      error.code,
      'identity-locked',
      `Infisical has temporarily locked Universal Auth for this machine identity after repeated logins with a wrong ` +
        `client secret (by default 3 within 30 s lock it for 5 minutes). The client secret given here was not even ` +
        `checked. Fix: find what logs in with a wrong secret (another deployment still using an old one?), correct its ` +
        `INFISICAL_CLIENT_SECRET, then wait for the lockout to end or clear it in Infisical → Access Control → Machine ` +
        `Identities → <identity> → Universal Auth (lockout settings).`,
      'refused: the identity is temporarily locked out',
    );
  }
  if (error instanceof InfisicalProjectAccessError) {
    const { projectId, environment, siteUrl } = error.target;
    const text = {
      'project-not-found':
        `Project ${projectId} does not exist on ${siteUrl}. Fix: copy the Project ID from Infisical → Project Settings ` +
        `into INFISICAL_PROJECT_ID (a UUID, not the project's name or slug), and check that INFISICAL_SITE_URL is the ` +
        `instance (and region) that holds the project.`,
      'not-a-member':
        `The machine identity is not a member of project ${projectId} (or the project belongs to another organization). ` +
        `Fix: add the identity to the project (Project → Access Control → Machine Identities → Add), or correct INFISICAL_PROJECT_ID.`,
      'no-secret-access':
        `The machine identity is a member of project ${projectId}, but its project role may not read secrets in any ` +
        `environment. Fix: give the identity a role with "Read" on secrets in "${environment}" (e.g. Viewer, or a custom ` +
        `role) under Project → Access Control → Machine Identities.`,
    }[error.reason];
    const summary = {
      'project-not-found': 'project not found',
      'not-a-member': 'the identity is not a member of the project',
      'no-secret-access': "the identity's role cannot read secrets",
    }[error.reason];
    return new VerifyFailure('project', error.code, error.reason, text, summary);
  }
  if (error instanceof InfisicalEnvironmentNotFoundError) {
    return new VerifyFailure('environment', error.code, 'environment-not-found', error.message);
  }
  if (error instanceof InfisicalSecretPathNotFoundError) {
    return new VerifyFailure('secretPath', error.code, 'secret-path-not-found', error.message);
  }
  if (error instanceof InfisicalPermissionError) {
    return new VerifyFailure('notReadable', error.code, 'environment-not-readable', error.message);
  }
  if (error instanceof InfisicalConfigValidationError) {
    const missing = error.issues.some((i) => i.kind === 'missing');
    const keys = error.issues.filter((i) => (i.kind === 'missing') === missing).map((i) => i.key);
    return new VerifyFailure(
      missing ? 'missingKeys' : 'malformedKeys',
      error.code,
      missing ? 'missing-keys' : 'malformed-keys',
      error.message,
      `${missing ? 'missing' : 'malformed'}: ${keys.join(', ')}`,
    );
  }
  if (error instanceof InfisicalError) {
    return new VerifyFailure('unexpected', error.code, 'unexpected', `${error.name}: ${error.message}`);
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new VerifyFailure('unexpected', 'UNEXPECTED', 'unexpected', `Unexpected error: ${message}`);
}
