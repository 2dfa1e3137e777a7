/**
 * Defaults of the module options and the tuning constants of the data path, in one place. Internal: docs/configuration.md
 * documents the defaults; applications do not import them.
 */

/** Default of `siteUrl`: Infisical Cloud (US). @internal */
export const DEFAULT_SITE_URL = 'https://app.infisical.com';
/** Default of `secretPath`: the root folder. @internal */
export const DEFAULT_SECRET_PATH = '/';
/** Default of `recursive`. @internal */
export const DEFAULT_RECURSIVE = false;
/** Default of `includeImports`. @internal */
export const DEFAULT_INCLUDE_IMPORTS = true;
/** Default of `expandSecretReferences`. @internal */
export const DEFAULT_EXPAND_SECRET_REFERENCES = true;
/** Default of `cacheTtlSeconds`. @internal */
export const DEFAULT_CACHE_TTL_SECONDS = 60;
/** Largest `cacheTtlSeconds` accepted. @internal */
export const MAX_CACHE_TTL_SECONDS = 3600;
/** Default of `startupTimeoutMs`. @internal */
export const DEFAULT_STARTUP_TIMEOUT_MS = 5000;
/** Default of `requestTimeoutMs`. @internal */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** Largest `startupTimeoutMs` / `requestTimeoutMs` accepted. @internal */
export const MAX_TIMEOUT_MS = 600_000;
/** Default of `maxStaleSeconds`: one day. @internal */
export const DEFAULT_MAX_STALE_SECONDS = 86_400;
/** Health lists per-key details (source, version, folder) for at most this many keys by default. @internal */
export const DEFAULT_HEALTH_MAX_KEYS = 500;
/** Default of `previousValueGraceSeconds`: a replaced value stays readable as `previous` for five minutes. @internal */
export const DEFAULT_PREVIOUS_VALUE_GRACE_SECONDS = 300;
/** Longest `previousValueGraceSeconds`: one day. @internal */
export const MAX_PREVIOUS_VALUE_GRACE_SECONDS = 86_400;

/** Relative spread applied to every refresh interval so that a fleet does not refresh in lockstep. @internal */
export const REFRESH_JITTER_RATIO = 0.1;
/** First back-off step after a failed refresh. @internal */
export const BACKOFF_BASE_MS = 1000;
/** Longest wait between two refresh attempts after failures (also used for answers that need a human). @internal */
export const BACKOFF_CAP_MS = 300_000;
/** Longest `Retry-After` honoured: a larger one (or a date further ahead) waits this long. @internal */
export const MAX_RETRY_AFTER_MS = BACKOFF_CAP_MS;
/** Extra random wait after a 429's `Retry-After`, so that instances sharing a limit do not return together. @internal */
export const RETRY_AFTER_JITTER_MS = 1000;

/** Largest response body accepted from Infisical. @internal */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** Deepest JSON nesting accepted from Infisical (a list answer needs 4). @internal */
export const MAX_JSON_DEPTH = 32;
/** Server-provided text (error messages) is cut to this many characters in logs, errors and health. @internal */
export const MAX_SERVER_TEXT_LENGTH = 500;
/** A change log line names at most this many keys, then a count. @internal */
export const MAX_LOGGED_KEYS = 30;
/** Longest time `revokeTokenOnShutdown` may hold up shutdown. @internal */
export const SHUTDOWN_REVOKE_BUDGET_MS = 2000;

/** Values shorter than this are not masked in logs and errors: masking them would mangle ordinary text. @internal */
export const MIN_MASKED_LENGTH = 6;
/** Masked values of earlier snapshots are forgotten after this many newer snapshots. @internal */
export const MASK_RETAINED_GENERATIONS = 3;

/** Where the webhook receiver listens unless `webhook.path` says otherwise. @internal */
export const DEFAULT_WEBHOOK_PATH = '/webhooks/infisical';
/**
 * The webhook freshness window, ±5 min: a delivery whose signed timestamp (the body's `timestamp`) is further than
 * this from now, either way, is refused; an accepted delivery is remembered until its timestamp leaves the window,
 * so it is never accepted twice. @internal
 */
export const WEBHOOK_MAX_AGE_MS = 300_000;
/** Largest webhook body read or verified (Infisical's payloads are well under 1 KB). @internal */
export const MAX_WEBHOOK_BODY_BYTES = 64 * 1024;
/**
 * Most webhook deliveries remembered at once (about 1.5 MB): with this many accepted within one window, further
 * ones are refused until the oldest leave it (forgetting one early would let it be replayed). @internal
 */
export const WEBHOOK_REPLAY_CAPACITY = 10_000;
/** Notices of a change (webhooks, fleet notices) start at most one refresh per this interval; later ones coalesce. @internal */
export const CHANGE_REFRESH_MIN_INTERVAL_MS = 1000;

/** Longest wait for one Redis command (or the first connection) before an instance polls Infisical on its own. @internal */
export const FLEET_REDIS_TIMEOUT_MS = 1000;

/** Nest logger context used by every log line of the module. @internal */
export const INFISICAL_LOGGER_CONTEXT = 'Infisical';

/** What a secret value is replaced with wherever it would otherwise be printed. @internal */
export const REDACTED = '[REDACTED]';

/** Default of `dynamicSecrets[].drainMs`: how long an old lease stays usable after a hand-over. @internal */
export const DEFAULT_LEASE_DRAIN_MS = 30_000;
/** Default of the longest time shutdown spends revoking leases. @internal */
export const DEFAULT_LEASE_SHUTDOWN_BUDGET_MS = 5000;

/** Where a pod's service-account token is mounted (Kubernetes Auth). @internal */
export const DEFAULT_KUBERNETES_TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token';
/** Largest platform token file read (INFISICAL_JWT_FILE, the Kubernetes token): real JWTs are a few KB. @internal */
export const MAX_TOKEN_FILE_BYTES = 64 * 1024;
/** The GCP metadata server (Cloud Run, GCE, GKE); `GCE_METADATA_HOST` replaces it, as in Google's client libraries. @internal */
export const DEFAULT_GCE_METADATA_HOST = 'metadata.google.internal';
/** The ECS / EKS container credentials endpoint host used with `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`. @internal */
export const AWS_CONTAINER_CREDENTIALS_HOST = 'http://169.254.170.2';
/** Region of the STS endpoint signed for when neither `AWS_REGION` nor `AWS_DEFAULT_REGION` is set. @internal */
export const DEFAULT_AWS_REGION = 'us-east-1';
