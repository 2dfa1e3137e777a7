/**
 * Public API of the Infisical module: what an application writes (`verify-infisical` is `nestjs-infisical/cli`).
 * Everything else under src/infisical is internal: its declarations may change in any release.
 *
 * The guides (README.md and docs/) show how these fit together; this reference lists each export.
 * @module nestjs-infisical
 */

// ── The module and its options ───────────────────────────────────────────────────────────────────────────────
/** The module: `forRoot`, `forRootAsync` (options, plus the static {@link InfisicalModuleExtras}) and `forFeature`. */
export { InfisicalModule } from './infisical.module.js';
/** Options of `forRoot()` / the object returned by the `forRootAsync()` factory. */
export type { InfisicalModuleOptions } from './interfaces/infisical-module-options.interface.js';
/** Static settings of `forRoot()` / `forRootAsync()`: `isGlobal`, `credentials`, `namespaces`. */
export type { InfisicalModuleExtras } from './interfaces/infisical-module-extras.interface.js';
/** What `InfisicalModule.forFeature()` provides: secrets, groups and namespaces by name. */
export type { InfisicalFeatureOptions } from './interfaces/infisical-module-extras.interface.js';
/** The `auth` option: exactly one login method (Universal Auth, Token, GCP, Kubernetes, OIDC, JWT, AWS IAM). */
export type { InfisicalAuthOptions } from './interfaces/infisical-auth.interface.js';
/** One entry of the `sources` option: a project, environment and folder to read. */
export type { InfisicalSourceOptions } from './interfaces/infisical-source.interface.js';
/** The `schema` option: a class-validator class or a Standard Schema (zod, valibot, …). */
export type { ConfigSchema } from './interfaces/infisical-module-options.interface.js';
/** The Standard Schema v1 shape the `schema` option accepts. */
export type { StandardSchemaV1 } from './interfaces/standard-schema.interface.js';
/** The `persistentCache` option: the encrypted last-known-good snapshot on disk. */
export type { PersistentCacheOptions } from './interfaces/infisical-module-options.interface.js';
/** The `webhook` option: the receiver of Infisical's project webhook. */
export type { WebhookOptions } from './interfaces/infisical-module-options.interface.js';
/** The `fleet` option: coordination of the instances of a service on Redis. */
export type { FleetOptions } from './interfaces/infisical-module-options.interface.js';
/** Options from the conventional `INFISICAL_*` variables (of a `ConfigService` or `process.env`), checked. */
export { infisicalOptionsFromEnv } from './options/options-from-env.js';
/** What `infisicalOptionsFromEnv` reads: a `ConfigService` or a plain environment object. */
export type { EnvironmentSource } from './options/options-from-env.js';
/**
 * A `ConfigModule.forRoot({ load: [infisicalConfigLoader(registration)] })` factory: `ConfigService` waits for the
 * registration's Infisical values, so `inject: [ConfigService]` alone works in other modules' factories.
 */
export { infisicalConfigLoader } from './infisical-config.loader.js';

// ── Time, for tests ──────────────────────────────────────────────────────────────────────────────────────────
/** Injection token of the clock: override it in tests to drive TTLs, back-off and deadlines. */
export { INFISICAL_CLOCK } from './infisical.constants.js';
/** What the `INFISICAL_CLOCK` provider implements: the time and unref'd timers. */
export type { InfisicalClock } from './interfaces/infisical-clock.interface.js';

// ── Reading secrets ──────────────────────────────────────────────────────────────────────────────────────────
/** The injectable store: `get`, `getAsync`, `getOrThrow`, `has`, `keys`, `keyInfo`, `status`, `onChange`, `refresh`. */
export { SecretStore } from './store/secret-store.js';
/** Name-level facts about one key (`SecretStore.keyInfo()`): source, version, folder; never its value. */
export type { KeyInfo } from './interfaces/infisical-status.interface.js';
/** State of the store as health reports it (`SecretStore.status()`). Contains no values. */
export type { InfisicalStatus } from './interfaces/infisical-status.interface.js';
/** One secret registered with `forFeature({ secrets })`, injected with `@InjectSecret(key)`. */
export { SecretRef } from './credentials/secret-ref.js';
/** A group registered with `forFeature({ groups })`, injected with `@InjectSecretGroup(name)`. */
export { SecretGroup } from './credentials/secret-ref.js';
/** Injects the {@link SecretRef} of a key registered with `InfisicalModule.forFeature({ secrets })`. */
export { InjectSecret } from './infisical.decorators.js';
/** Injects the {@link SecretGroup} registered with `InfisicalModule.forFeature({ groups })`. */
export { InjectSecretGroup } from './infisical.decorators.js';

// ── Dynamic secrets (option `dynamicSecrets`): a lease per instance, renewed, replaced and revoked ────────────────
/** Injects the handle of a dynamic secret (`forFeature({ dynamicSecrets: [name] })`); `InjectDynamicSecret.token(name)` for factories. */
export { InjectDynamicSecret } from './infisical.decorators.js';
/** The current lease of a dynamic secret: credentials, lease ID, expiry, `onRotate`, `forceRefresh`. */
export { DynamicSecretHandle } from './leases/dynamic-secret.handle.js';
/** A `pg` pool that follows a dynamic secret's lease: new pool per lease, the old one drained, one retry on 28P01. */
export { LeasedPgPool } from './leases/pg-pool.adapter.js';
/** Namespaced, typed configuration built from secrets: the `registerAs` of Infisical values. */
export { registerSecretsAs } from './config/register-secrets-as.js';
/** What `registerSecretsAs` returns (`KEY`, `asProvider()`, `ConfigType<typeof x>`). */
export type { SecretNamespace } from './interfaces/secret-namespace.interface.js';
/** The secrets a `registerSecretsAs` factory reads. */
export type { SecretValues } from './interfaces/secret-namespace.interface.js';

// ── Credential providers and their format rules ──────────────────────────────────────────────────────────────
/** Gmail OAuth client: `clientId`, `clientSecret`, `refreshToken`. */
export { GmailCredentials } from './credentials/gmail.credentials.js';
/** Gemini API key: `apiKey`. */
export { GeminiCredentials } from './credentials/gemini.credentials.js';
/** Notion integration secret: `apiKey`. */
export { NotionCredentials } from './credentials/notion.credentials.js';
/** class-validator decorator applying a credential format rule. */
export { IsCredential } from './credentials/credential-rules.js';
/** The format rule that {@link IsCredential} applies: key, pattern, expectation and source. */
export type { CredentialKeyRule } from './interfaces/credential.interface.js';
/** `@IsGeminiApiKey()`: the value looks like a Gemini (Google) API key. */
export { IsGeminiApiKey } from './credentials/credential-rules.js';
/** `@IsGmailClientId()`: the value looks like a Google OAuth client ID. */
export { IsGmailClientId } from './credentials/credential-rules.js';
/** `@IsGmailClientSecret()`: the value looks like a Google OAuth client secret. */
export { IsGmailClientSecret } from './credentials/credential-rules.js';
/** `@IsGmailRefreshToken()`: the value looks like a Google OAuth refresh token. */
export { IsGmailRefreshToken } from './credentials/credential-rules.js';
/** `@IsNotionApiKey()`: the value looks like a Notion integration secret. */
export { IsNotionApiKey } from './credentials/credential-rules.js';

// ── Health ───────────────────────────────────────────────────────────────────────────────────────────────────
/** The @nestjs/terminus indicator of the store (`up`, `degraded`, `down`, with names and sources, never values). */
export { InfisicalHealthIndicator } from './health/infisical.health.js';

// ── Errors: one class per failure, each with a stable `code`, `problem`, `fix` and `detail` ──────────────────
/** Base class of every error the module throws. */
export { InfisicalError } from './errors/infisical.error.js';
/** The module options are wrong (every problem at once); raised at bootstrap before any request. */
export { InfisicalOptionsError } from './errors/options.error.js';
/** One problem of an {@link InfisicalOptionsError}: option, variable, problem. */
export type { InfisicalOptionProblem } from './errors/options.error.js';
/** Login was refused: wrong credentials, an expired or used-up client secret, a token refused right after login. */
export { InfisicalAuthenticationError } from './errors/authentication.errors.js';
/** Universal Auth is temporarily locked for this identity after repeated failed logins. */
export { InfisicalIdentityLockedError } from './errors/authentication.errors.js';
/** The access token stopped working (the module logs in again and retries once). */
export { InfisicalTokenError } from './errors/authentication.errors.js';
/** The identity reads the project but not these secrets (filtered out of a list, or values hidden). */
export { InfisicalPermissionError } from './errors/access.errors.js';
/** The identity cannot use the project at all (unknown project ID, not a member, or no secret-read rule). */
export { InfisicalProjectAccessError } from './errors/access.errors.js';
/** The environment slug does not exist in the project. */
export { InfisicalEnvironmentNotFoundError } from './errors/access.errors.js';
/** The secret path (folder) does not exist in the environment. */
export { InfisicalSecretPathNotFoundError } from './errors/access.errors.js';
/** Infisical could not be reached or answered with something unusable (network, TLS, timeout, 5xx, redirect …). */
export { InfisicalUnreachableError } from './errors/transport.errors.js';
/** Infisical answered 429; `retryAfterSeconds` is what it asked for. */
export { InfisicalRateLimitError } from './errors/transport.errors.js';
/** Infisical answered with a status the module does not expect (e.g. 400): not something a retry fixes. */
export { InfisicalRequestError } from './errors/transport.errors.js';
/** Bootstrap got no answer from Infisical within `startupTimeoutMs` (and no usable snapshot). */
export { InfisicalStartupTimeoutError } from './errors/transport.errors.js';
/** The merged configuration failed the schema, a required key or a credential rule. */
export { InfisicalConfigValidationError } from './errors/configuration.errors.js';
/** One problem of an {@link InfisicalConfigValidationError}: key and message, never the value. */
export type { ConfigIssue } from './errors/configuration.errors.js';
/** A secret read by name does not exist in the loaded configuration. */
export { InfisicalSecretNotFoundError } from './errors/configuration.errors.js';
/** The last-known-good file could not be used (corrupted, tampered with, written for other sources or key). */
export { InfisicalCacheError } from './errors/configuration.errors.js';
/** Infisical refused a keyless login: the identity lacks the method, or the platform credential does not satisfy it. */
export { InfisicalIdentityLoginError } from './errors/keyless-login.errors.js';
/** The platform credential a keyless login sends could not be obtained (before Infisical was asked). */
export { InfisicalPlatformCredentialError } from './errors/keyless-login.errors.js';
