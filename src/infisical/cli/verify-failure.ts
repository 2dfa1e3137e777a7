import { InfisicalEnvironmentNotFoundError, InfisicalPermissionError, InfisicalProjectAccessError, InfisicalSecretPathNotFoundError } from '../errors/access.errors.js';
import { InfisicalAuthenticationError, InfisicalIdentityLockedError } from '../errors/authentication.errors.js';
import { InfisicalConfigValidationError } from '../errors/configuration.errors.js';
import { InfisicalError } from '../errors/infisical.error.js';
import { InfisicalIdentityLoginError, InfisicalPlatformCredentialError } from '../errors/keyless-login.errors.js';
import { InfisicalOptionsError } from '../errors/options.error.js';
import { InfisicalRateLimitError, InfisicalStartupTimeoutError, InfisicalUnreachableError } from '../errors/transport.errors.js';
import { VerifyUsageError } from './verify-cli.args.js';
import { VERIFY_EXIT, type VerifyExitName } from './verify-exit-codes.js';

/**
 * Why the verification stopped: the exit code of its class, the error's stable code and reason, and its message —
 * the same message the app prints for the same failure (both come from the module's errors).
 */
export interface VerifyFailure {
  exit: VerifyExitName;
  exitCode: number;
  code: string;
  reason: string;
  message: string;
  /** One line for the step table. */
  summary: string;
}

/** Error class → exit code class (see `VERIFY_EXIT_CODES`). */
function exitFor(error: unknown): VerifyExitName {
  if (error instanceof VerifyUsageError || error instanceof InfisicalOptionsError) return 'usage';
  if (error instanceof InfisicalUnreachableError || error instanceof InfisicalRateLimitError || error instanceof InfisicalStartupTimeoutError) return 'unreachable';
  if (error instanceof InfisicalAuthenticationError) return 'authentication';
  if (error instanceof InfisicalIdentityLockedError) return 'locked';
  if (error instanceof InfisicalPlatformCredentialError) return 'platformCredential';
  if (error instanceof InfisicalIdentityLoginError) return 'identityLogin';
  if (error instanceof InfisicalProjectAccessError) return 'project';
  if (error instanceof InfisicalEnvironmentNotFoundError) return 'environment';
  if (error instanceof InfisicalSecretPathNotFoundError) return 'secretPath';
  if (error instanceof InfisicalPermissionError) return 'notReadable';
  if (error instanceof InfisicalConfigValidationError) return error.issues.some((i) => i.kind === 'missing') ? 'missingKeys' : 'malformedKeys';
  return 'unexpected';
}

/** The first sentence of the problem, for the step table. */
function firstSentence(text: string): string {
  const line = text.split('\n')[0] ?? text;
  const end = line.search(/\.(\s|$)/);
  const sentence = end > 0 ? line.slice(0, end) : line;
  return sentence.length > 140 ? `${sentence.slice(0, 139)}…` : sentence;
}

/** Maps anything a check threw to the failure the CLI reports. */
export function toVerifyFailure(error: unknown): VerifyFailure {
  const exit = exitFor(error);
  if (error instanceof InfisicalConfigValidationError) {
    const missing = exit === 'missingKeys';
    const keys = error.issues.filter((i) => (i.kind === 'missing') === missing).map((i) => i.key);
    return { exit, exitCode: VERIFY_EXIT[exit], code: error.code, reason: missing ? 'missing-keys' : 'malformed-keys', message: error.message, summary: `${missing ? 'missing' : 'malformed'}: ${keys.join(', ')}` };
  }
  if (error instanceof InfisicalOptionsError) {
    return { exit, exitCode: VERIFY_EXIT[exit], code: error.code, reason: 'invalid-options', message: error.message, summary: `invalid: ${error.names.join(', ')}` };
  }
  if (error instanceof InfisicalError) {
    const reason = typeof error.detail.reason === 'string' ? error.detail.reason : error.code.toLowerCase();
    return { exit, exitCode: VERIFY_EXIT[exit], code: error.code, reason, message: error.message, summary: firstSentence(error.problem) };
  }
  if (error instanceof VerifyUsageError) return { exit, exitCode: VERIFY_EXIT[exit], code: 'USAGE', reason: 'usage', message: error.message, summary: error.message };
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { exit, exitCode: VERIFY_EXIT[exit], code: 'UNEXPECTED', reason: 'unexpected', message: `Unexpected error: ${message}`, summary: 'unexpected error' };
}
