/**
 * Injection tokens of the Infisical module, in one place (defaults and tuning constants live in
 * `infisical.defaults.ts`).
 */

/** Token of the options object given to `forRoot()` or returned by the `forRootAsync()` factory. @internal */
export const INFISICAL_MODULE_OPTIONS = 'INFISICAL_MODULE_OPTIONS';

/** Token of the clock (time source and timers) used for TTLs, back-off and deadlines. Override it in tests. */
export const INFISICAL_CLOCK = Symbol('INFISICAL_CLOCK');

/** Token of the static extras of one registration (credentials, namespaces), as the module saw them. @internal */
export const INFISICAL_MODULE_EXTRAS = Symbol('INFISICAL_MODULE_EXTRAS');

/** Prefix of the token under which `InfisicalModule.forFeature` registers a single secret. @internal */
export const INFISICAL_SECRET_TOKEN_PREFIX = 'INFISICAL_SECRET:';

/** Prefix of the token under which `InfisicalModule.forFeature` registers a group of secrets. @internal */
export const INFISICAL_SECRET_GROUP_TOKEN_PREFIX = 'INFISICAL_SECRET_GROUP:';

/**
 * `@nestjs/config`'s token for the object behind `ConfigService` (what `ConfigModule.forFeature` merges loaded
 * configuration into). The same string in `@nestjs/config` 4 and 12.
 * @internal
 */
export const NEST_CONFIGURATION_TOKEN = 'CONFIGURATION_TOKEN';

/** Token of what the assembly built for one registration: the store and its webhook receiver (internal). @internal */
export const INFISICAL_ASSEMBLY = Symbol('INFISICAL_ASSEMBLY');

/** Prefix of the token under which `InfisicalModule.forFeature` registers a dynamic secret's handle. @internal */
export const INFISICAL_DYNAMIC_SECRET_TOKEN_PREFIX = 'INFISICAL_DYNAMIC_SECRET:';

/** Token of the leases of one registration (`DynamicSecretLeases`); null without the `dynamicSecrets` option. @internal */
export const INFISICAL_DYNAMIC_SECRETS = Symbol('INFISICAL_DYNAMIC_SECRETS');

/** Token of the webhook receiver of one registration (route and handler); null when the `webhook` option is not set. @internal */
export const INFISICAL_WEBHOOK = Symbol('INFISICAL_WEBHOOK');
