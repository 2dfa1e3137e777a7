// Public API of the Infisical module: everything a consumer may import.
export { InfisicalModule } from './infisical.module.js';
export { INFISICAL_OPTIONS_TYPE, INFISICAL_ASYNC_OPTIONS_TYPE } from './infisical.module-definition.js';
export type {
  ConfigSchema,
  ConfigSchemaClass,
  InfisicalModuleOptions,
  PersistentCacheOptions,
  UniversalAuthCredentials,
} from './interfaces/infisical-module-options.interface.js';
export type { InfisicalFeatureOptions, InfisicalModuleExtras } from './interfaces/infisical-module-extras.interface.js';
export type { InfisicalClock, InfisicalTimer } from './interfaces/infisical-clock.interface.js';
export type { InfisicalTarget } from './interfaces/infisical-target.interface.js';
export type { InfisicalHealthState, InfisicalStatus, KeyInfo, ValueSource } from './interfaces/secret-snapshot.interface.js';
export type { StandardSchemaV1 } from './interfaces/standard-schema.interface.js';
export {
  DEFAULT_CACHE_TTL_SECONDS,
  DEFAULT_MAX_STALE_SECONDS,
  DEFAULT_SITE_URL,
  DEFAULT_STARTUP_TIMEOUT_MS,
  INFISICAL_CLOCK,
  INFISICAL_MODULE_OPTIONS,
  MAX_CACHE_TTL_SECONDS,
  REDACTED,
} from './infisical.constants.js';
export { SecretStore, type SecretChangeListener } from './secret-store.js';
export { SecretHandle } from './secret-handle.js';
export { SecretGroup, SecretRef } from './secret-ref.js';
export { getSecretGroupToken, getSecretToken, InjectSecret, InjectSecretGroup } from './infisical.decorators.js';
export { InfisicalHealthIndicator } from './infisical.health.js';
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
export {
  InfisicalAuthenticationError,
  InfisicalCacheError,
  InfisicalConfigValidationError,
  InfisicalEnvironmentNotFoundError,
  InfisicalError,
  InfisicalIdentityLockedError,
  InfisicalOptionsError,
  InfisicalPermissionError,
  InfisicalProjectAccessError,
  InfisicalRateLimitError,
  InfisicalRequestError,
  InfisicalSecretNotFoundError,
  InfisicalSecretPathNotFoundError,
  InfisicalStartupTimeoutError,
  InfisicalTokenError,
  InfisicalUnreachableError,
  type ConfigIssue,
  type InfisicalAuthenticationFailure,
  type InfisicalOptionProblem,
  type InfisicalProjectAccessFailure,
  type InfisicalTokenFailure,
  type InfisicalUnreachableReason,
} from './infisical.errors.js';
export { infisicalOptionsFromEnv, INFISICAL_ENVIRONMENT_VARIABLES, type EnvironmentSource } from './infisical-env.options.js';
export { InfisicalVerifier, type VerifyInput } from './cli/infisical-verifier.js';
export { VERIFY_EXIT, VERIFY_EXIT_CODES, type VerifyExitCode } from './cli/verify-exit-codes.js';
export type { KeyReport, StepReport, VerificationReport, VerifyStepId } from './cli/verification-report.js';
