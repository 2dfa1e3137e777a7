// Public API of the Infisical module: everything a consumer may import. (`verify-infisical` is `nestjs-infisical/cli`.)

/** The module: `forRoot`, `forRootAsync`, `forFeature`. */
export { InfisicalModule } from './infisical.module.js';
/** Types of the `forRoot` / `forRootAsync` arguments (options plus the static extras). */
export { INFISICAL_OPTIONS_TYPE, INFISICAL_ASYNC_OPTIONS_TYPE } from './infisical.module-definition.js';
/** Options and their parts. */
export type { ConfigSchema, ConfigSchemaClass, FleetOptions, InfisicalModuleOptions, PersistentCacheOptions, WebhookOptions } from './interfaces/infisical-module-options.interface.js';
export type {
  AwsIamAuthOptions,
  GcpIdTokenAuthOptions,
  InfisicalAuthOptions,
  JwtAuthOptions,
  KubernetesAuthOptions,
  TokenAuthCredentials,
  UniversalAuthCredentials,
} from './interfaces/infisical-auth.interface.js';
export type { InfisicalSourceOptions, InfisicalTarget } from './interfaces/infisical-source.interface.js';
export type { InfisicalFeatureOptions, InfisicalModuleExtras } from './interfaces/infisical-module-extras.interface.js';
export type { InfisicalClock, InfisicalTimer } from './interfaces/infisical-clock.interface.js';
export type { InfisicalHealthState, InfisicalSourceStatus, InfisicalStatus, KeyInfo, ValueSource } from './interfaces/infisical-status.interface.js';
export type { StandardSchemaV1 } from './interfaces/standard-schema.interface.js';
/** Injection tokens: the options object, and the clock (override it in tests to drive TTLs). */
export { INFISICAL_CLOCK, INFISICAL_MODULE_OPTIONS } from './infisical.constants.js';
/** Defaults of the options. */
export { DEFAULT_CACHE_TTL_SECONDS, DEFAULT_MAX_STALE_SECONDS, DEFAULT_SITE_URL, DEFAULT_STARTUP_TIMEOUT_MS, MAX_CACHE_TTL_SECONDS, REDACTED } from './infisical.defaults.js';
/** The `INFISICAL_*` variables and their mapping to options. */
export { infisicalOptionsFromEnv, type EnvironmentSource } from './options/options-from-env.js';
export { INFISICAL_ENV_VARIABLES, INFISICAL_ENVIRONMENT_VARIABLES, type EnvVariable } from './options/env-variables.js';
/** Namespaced, typed configuration built from secrets (the `registerAs` of Infisical values). */
export { registerSecretsAs } from './config/register-secrets-as.js';
export { isSecretNamespace, type SecretNamespace, type SecretValues } from './config/secret-namespace.definition.js';
/** Reading secrets: the store, injected secrets and groups, credentials. */
export { SecretStore, type SecretChangeListener } from './store/secret-store.js';
export { SecretHandle } from './credentials/secret-handle.js';
export { SecretGroup, SecretRef } from './credentials/secret-ref.js';
export { getSecretGroupToken, getSecretToken, InjectSecret, InjectSecretGroup } from './infisical.decorators.js';
export { GeminiCredentials } from './credentials/gemini.credentials.js';
export { GmailCredentials } from './credentials/gmail.credentials.js';
export { NotionCredentials } from './credentials/notion.credentials.js';
export {
  GEMINI_API_KEY_RULE,
  GMAIL_CLIENT_ID_RULE,
  GMAIL_CLIENT_SECRET_RULE,
  GMAIL_REFRESH_TOKEN_RULE,
  IsCredential,
  IsGeminiApiKey,
  IsGmailClientId,
  IsGmailClientSecret,
  IsGmailRefreshToken,
  IsNotionApiKey,
  NOTION_API_KEY_RULE,
  type CredentialClass,
  type CredentialDefinition,
  type CredentialKeyRule,
} from './credentials/credential-rules.js';
/** Health: the terminus indicator. */
export { InfisicalHealthIndicator } from './health/infisical.health.js';
/** Errors: one class per failure, each with a stable `code`, `problem`, `fix` and `detail`. */
export { InfisicalError, type InfisicalErrorDetail } from './errors/infisical.error.js';
export { InfisicalOptionsError, type InfisicalOptionProblem } from './errors/options.error.js';
export {
  InfisicalAuthenticationError,
  InfisicalIdentityLockedError,
  InfisicalTokenError,
  type InfisicalAuthenticationFailure,
  type InfisicalTokenFailure,
} from './errors/authentication.errors.js';
export {
  InfisicalEnvironmentNotFoundError,
  InfisicalPermissionError,
  InfisicalProjectAccessError,
  InfisicalSecretPathNotFoundError,
  type InfisicalPermissionFailure,
  type InfisicalProjectAccessFailure,
} from './errors/access.errors.js';
export {
  InfisicalRateLimitError,
  InfisicalRequestError,
  InfisicalStartupTimeoutError,
  InfisicalUnreachableError,
  type InfisicalUnreachableReason,
} from './errors/transport.errors.js';
export { InfisicalCacheError, InfisicalConfigValidationError, InfisicalSecretNotFoundError, type ConfigIssue } from './errors/configuration.errors.js';
export {
  InfisicalIdentityLoginError,
  InfisicalPlatformCredentialError,
  type KeylessLogin,
  type KeylessMethodName,
  type PlatformCredentialFailure,
} from './errors/keyless-login.errors.js';
