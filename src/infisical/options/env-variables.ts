/** How an `INFISICAL_*` variable's text becomes an option value. */
export type EnvVariableKind = 'boolean' | 'integer' | 'text' | 'secret' | 'list' | 'paths' | 'method';

/** Stands for the `auth` option key of the method `INFISICAL_AUTH_METHOD` selects (`auth.<method>.identityId`). @internal */
export const METHOD_PLACEHOLDER = '<method>';

/** One conventional variable: the option it sets and what it means (docs/configuration.md and `verify-infisical --help` show this table). */
export interface EnvVariable {
  variable: string;
  /** Option path it sets, e.g. `auth.universalAuth.clientId`. */
  option: string;
  kind: EnvVariableKind;
  description: string;
}

/** The conventional `INFISICAL_*` variables: the one table behind `infisicalOptionsFromEnv`, its errors and the CLI help. @internal */
export const INFISICAL_ENV_VARIABLES: readonly EnvVariable[] = [
  { variable: 'INFISICAL_ENABLED', option: 'enabled', kind: 'boolean', description: '`false`: no Infisical; configuration from env / .env / defaults (default true)' },
  { variable: 'INFISICAL_SITE_URL', option: 'siteUrl', kind: 'text', description: 'site root, e.g. https://eu.infisical.com (default https://app.infisical.com)' },
  { variable: 'INFISICAL_AUTH_METHOD', option: 'auth', kind: 'method', description: 'universal-auth (default), gcp-id-token, kubernetes, oidc, jwt, aws-iam or token (default token when only INFISICAL_TOKEN is set)' },
  { variable: 'INFISICAL_IDENTITY_ID', option: 'auth.<method>.identityId', kind: 'text', description: 'machine identity ID (a UUID) for gcp-id-token, kubernetes, oidc, jwt and aws-iam' },
  { variable: 'INFISICAL_KUBERNETES_TOKEN_PATH', option: 'auth.kubernetes.tokenPath', kind: 'text', description: 'service-account token file (default /var/run/secrets/kubernetes.io/serviceaccount/token)' },
  { variable: 'INFISICAL_JWT', option: 'auth.<method>.jwt', kind: 'secret', description: 'the JWT for oidc / jwt (or INFISICAL_JWT_FILE)' },
  { variable: 'INFISICAL_JWT_FILE', option: 'auth.<method>.jwtFile', kind: 'text', description: 'file holding the JWT for oidc / jwt, read at every login' },
  { variable: 'INFISICAL_CLIENT_ID', option: 'auth.universalAuth.clientId', kind: 'text', description: 'Universal Auth client ID of the machine identity (a UUID)' },
  { variable: 'INFISICAL_CLIENT_SECRET', option: 'auth.universalAuth.clientSecret', kind: 'secret', description: 'Universal Auth client secret' },
  { variable: 'INFISICAL_TOKEN', option: 'auth.token.accessToken', kind: 'secret', description: 'an identity access token used as it is (Token Auth), instead of a client ID and secret' },
  { variable: 'INFISICAL_PROJECT_ID', option: 'projectId', kind: 'text', description: 'project ID (Project Settings)' },
  { variable: 'INFISICAL_ENVIRONMENT', option: 'environment', kind: 'text', description: 'environment slug, e.g. dev, staging, prod' },
  { variable: 'INFISICAL_SECRET_PATH', option: 'secretPath', kind: 'text', description: 'folder to read (default /)' },
  { variable: 'INFISICAL_SECRET_PATHS', option: 'sources', kind: 'paths', description: 'several folders of the project and environment, comma-separated, later wins (e.g. /shared,/payments)' },
  { variable: 'INFISICAL_CACHE_TTL', option: 'cacheTtlSeconds', kind: 'integer', description: 'seconds between background refreshes, 0–3600 (default 60)' },
  { variable: 'INFISICAL_STARTUP_TIMEOUT_MS', option: 'startupTimeoutMs', kind: 'integer', description: 'longest wait for Infisical at bootstrap (default 5000)' },
  { variable: 'INFISICAL_REQUEST_TIMEOUT_MS', option: 'requestTimeoutMs', kind: 'integer', description: 'longest single HTTP attempt (default 10000)' },
  { variable: 'INFISICAL_MAX_STALE_SECONDS', option: 'maxStaleSeconds', kind: 'integer', description: 'age after which health reports down while refreshes fail (default 86400; 0 = never)' },
  { variable: 'INFISICAL_PREVIOUS_VALUE_GRACE_SECONDS', option: 'previousValueGraceSeconds', kind: 'integer', description: 'seconds a rotated value stays readable as SecretRef.previous, 0–86400 (default 300; 0 = none kept)' },
  { variable: 'INFISICAL_CACHE_FILE', option: 'persistentCache.path', kind: 'text', description: 'encrypted last-known-good snapshot file (off by default)' },
  { variable: 'INFISICAL_CACHE_KEY', option: 'persistentCache.key', kind: 'secret', description: 'key material for that file, ≥ 32 characters (default: derived from the client secret; required with every other login method)' },
  { variable: 'INFISICAL_WEBHOOK_SECRET', option: 'webhook.secret', kind: 'secret', description: 'secret key of the project webhook; turns on the receiver at POST /webhooks/infisical (off by default)' },
  { variable: 'INFISICAL_WEBHOOK_PATH', option: 'webhook.path', kind: 'text', description: 'route of the webhook receiver (default /webhooks/infisical)' },
  { variable: 'INFISICAL_REDIS_URL', option: 'fleet.redisUrl', kind: 'secret', description: 'Redis shared by the instances: one Infisical read per TTL window for the whole fleet (off by default; needs INFISICAL_FLEET_KEY)' },
  { variable: 'INFISICAL_FLEET_KEY', option: 'fleet.key', kind: 'secret', description: "the fleet's own key, ≥ 32 random bytes from the platform's secret store, the same on every instance; required with INFISICAL_REDIS_URL" },
  { variable: 'INFISICAL_FLEET_PREVIOUS_KEY', option: 'fleet.previousKey', kind: 'secret', description: 'during a fleet key rotation, the key being replaced: still accepted, never used to seal' },
  { variable: 'INFISICAL_FLEET_KEY_PREFIX', option: 'fleet.keyPrefix', kind: 'text', description: 'prefix of the Redis keys and channel (default nestjs-infisical)' },
  { variable: 'INFISICAL_REQUIRED_KEYS', option: 'requiredKeys', kind: 'list', description: 'keys that must be present, comma-separated' },
  { variable: 'INFISICAL_DYNAMIC_SECRETS', option: 'dynamicSecrets', kind: 'list', description: 'dynamic secrets to lease, comma-separated name[@/folder] (folder default: INFISICAL_SECRET_PATH, or the first of INFISICAL_SECRET_PATHS), e.g. postgres-app@/db (off by default)' },
  { variable: 'INFISICAL_MIRROR_TO_PROCESS_ENV', option: 'mirrorToProcessEnv', kind: 'list', description: 'keys also written to process.env for libraries that read only process.env, comma-separated (off by default)' },
];

/** The variable that sets `option` (`sources[2].secretPath` → `INFISICAL_SECRET_PATHS`), if one does. @internal */
export function variableForOption(option: string): string | undefined {
  const root = option.replace(/\[\d+\].*$/, '');
  const generic = option.replace(/^auth\.[A-Za-z]+\./, `auth.${METHOD_PLACEHOLDER}.`);
  return INFISICAL_ENV_VARIABLES.find((v) => v.option === option || v.option === root)?.variable ?? INFISICAL_ENV_VARIABLES.find((v) => v.option === generic)?.variable;
}
