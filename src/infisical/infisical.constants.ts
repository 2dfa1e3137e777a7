/**
 * Injection tokens and defaults of the Infisical module, in one place.
 */

/** Token of the clock (time source and timers) used for TTLs, back-off and deadlines. Override it in tests. */
export const INFISICAL_CLOCK = Symbol('INFISICAL_CLOCK');

/** Token of the credential definitions registered through the `credentials` extra. */
export const INFISICAL_CREDENTIAL_DEFINITIONS = Symbol('INFISICAL_CREDENTIAL_DEFINITIONS');

/** Prefix of the token under which `InfisicalModule.forFeature` registers a single secret. */
export const INFISICAL_SECRET_TOKEN_PREFIX = 'INFISICAL_SECRET:';

/** Prefix of the token under which `InfisicalModule.forFeature` registers a group of secrets. */
export const INFISICAL_SECRET_GROUP_TOKEN_PREFIX = 'INFISICAL_SECRET_GROUP:';

/** Nest logger context used by every log line of the module. */
export const INFISICAL_LOGGER_CONTEXT = 'Infisical';

/** What a secret value is replaced with wherever it would otherwise be printed. */
export const REDACTED = '[REDACTED]';

export const DEFAULT_SITE_URL = 'https://app.infisical.com';
export const DEFAULT_SECRET_PATH = '/';
export const DEFAULT_CACHE_TTL_SECONDS = 60;
export const MAX_CACHE_TTL_SECONDS = 3600;
export const DEFAULT_STARTUP_TIMEOUT_MS = 5000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_STALE_SECONDS = 86_400;
/** Relative spread applied to every refresh interval so that a fleet does not refresh in lockstep. */
export const REFRESH_JITTER_RATIO = 0.1;
/** First back-off step after a failed refresh. */
export const BACKOFF_BASE_MS = 1000;
/** Longest wait between two refresh attempts after failures (also used for definitive auth failures). */
export const BACKOFF_CAP_MS = 300_000;
/** Largest response body the client accepts from Infisical. */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/** Token of the options object given to `forRoot()` or returned by the `forRootAsync()` factory. */
export const INFISICAL_MODULE_OPTIONS = 'INFISICAL_MODULE_OPTIONS';
