import { InfisicalPermissionError } from '../../../src/infisical/errors/access.errors.js';
import { InfisicalAuthenticationError } from '../../../src/infisical/errors/authentication.errors.js';
import { InfisicalConfigValidationError } from '../../../src/infisical/errors/configuration.errors.js';
import { InfisicalRateLimitError, InfisicalRequestError, InfisicalUnreachableError } from '../../../src/infisical/errors/transport.errors.js';
import type { InfisicalTarget } from '../../../src/infisical/interfaces/infisical-source.interface.js';

/** The target the fakes name. */
export const FAKE_TARGET: InfisicalTarget = { siteUrl: 'http://127.0.0.1:1', projectId: 'p', environment: 'dev', secretPath: '/' };

/** One error of each kind the refresh policy tells apart. */
export const failures = {
  /** No usable answer (transient): exponential back-off. */
  network: (what = 'connection refused') => new InfisicalUnreachableError(FAKE_TARGET, 'network', what),
  /** 429, with or without Retry-After. */
  rateLimited: (retryAfterSeconds?: number) => new InfisicalRateLimitError(FAKE_TARGET, retryAfterSeconds),
  /** Needs a human: wrong credentials. */
  authentication: () => new InfisicalAuthenticationError(FAKE_TARGET, 'invalid-credentials', 'client-id'),
  /** Needs a human: an unexpected refusal. */
  refused: () => new InfisicalRequestError(FAKE_TARGET, 400, 'bad request'),
  /** A rejected answer: the identity cannot read the environment. */
  permission: () => new InfisicalPermissionError(FAKE_TARGET, ['A'], []),
  /** A rejected answer: a required key is missing. */
  invalid: (key = 'A') => new InfisicalConfigValidationError('Infisical environment "dev"', [{ key, kind: 'missing', messages: ['not set'], fix: 'add it' }]),
};
