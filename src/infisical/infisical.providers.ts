import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { ConfigValidator } from './config-validator.js';
import type { CredentialClass, CredentialDefinition } from './credentials/credential-rules.js';
import { InfisicalClient } from './infisical.client.js';
import { systemClock } from './infisical.clock.js';
import { INFISICAL_CLOCK, INFISICAL_CREDENTIAL_DEFINITIONS, INFISICAL_MODULE_OPTIONS } from './infisical.constants.js';
import { getSecretGroupToken, getSecretToken } from './infisical.decorators.js';
import { describeTarget, InfisicalConfigValidationError, InfisicalOptionsError } from './infisical.errors.js';
import { InfisicalHealthIndicator } from './infisical.health.js';
import { InfisicalConfigLoaderModule } from './infisical-config.loader.js';
import { resolveInfisicalOptions } from './infisical-options.resolver.js';
import type { InfisicalClock } from './interfaces/infisical-clock.interface.js';
import type { InfisicalFeatureOptions, InfisicalModuleExtras } from './interfaces/infisical-module-extras.interface.js';
import type { InfisicalModuleOptions } from './interfaces/infisical-module-options.interface.js';
import { LastKnownGoodCache } from './last-known-good.cache.js';
import { SecretRedactor } from './secret-redactor.js';
import { SecretGroup, SecretRef } from './secret-ref.js';
import { SecretStore } from './secret-store.js';

/**
 * Builds the secret store: options → client → validator → store, then bootstrap (one login, one list). The
 * `@nestjs/config` loader reads the validated configuration from it.
 */
export async function createSecretStore(
  rawOptions: InfisicalModuleOptions,
  clock: InfisicalClock,
  credentials: CredentialDefinition[],
  configService: ConfigService,
): Promise<SecretStore> {
  let store: SecretStore | undefined;
  try {
    const options = resolveInfisicalOptions(rawOptions);
    const redactor = new SecretRedactor();
    const client = options.enabled ? new InfisicalClient(options, clock, redactor) : undefined;
    const where = options.enabled ? `Infisical ${describeTarget(options.target)}` : undefined;
    const validator = new ConfigValidator(options.schema, options.requiredKeys, credentials, where);
    const cache = options.persistentCache
      ? new LastKnownGoodCache(options.persistentCache.path, options.persistentCache.key, options.target)
      : undefined;
    store = new SecretStore({ options, client, validator, clock, redactor, cache, configService });
    await store.bootstrap();
    return store;
  } catch (error) {
    store?.onModuleDestroy();
    throw error;
  }
}

/**
 * Adds the module's imports, providers and exports to the definition made by `ConfigurableModuleBuilder`:
 * a core module (options → store) shared by the module itself and the `@nestjs/config` loader, the credentials and
 * the health indicator.
 */
export function assembleInfisicalModule(definition: DynamicModule, extras: InfisicalModuleExtras): DynamicModule {
  const credentials: CredentialClass[] = extras.credentials ?? [];
  const invalid = credentials.filter((c) => typeof c !== 'function' || !c.definition?.keys);
  if (!Array.isArray(credentials) || invalid.length) {
    throw new InfisicalOptionsError([
      { option: 'credentials', problem: 'must list credential classes such as GmailCredentials, GeminiCredentials, NotionCredentials' },
    ]);
  }
  const core: DynamicModule = {
    module: InfisicalCoreModule,
    imports: [...(definition.imports ?? []), ConfigModule],
    providers: [
      ...(definition.providers ?? []),
      { provide: INFISICAL_CLOCK, useValue: systemClock },
      { provide: INFISICAL_CREDENTIAL_DEFINITIONS, useValue: credentials.map((c) => c.definition) },
      {
        provide: SecretStore,
        useFactory: createSecretStore,
        inject: [INFISICAL_MODULE_OPTIONS, INFISICAL_CLOCK, INFISICAL_CREDENTIAL_DEFINITIONS, ConfigService],
      },
    ],
    exports: [SecretStore],
  };
  return {
    module: definition.module,
    global: extras.isGlobal ?? false,
    imports: [core, TerminusModule, InfisicalConfigLoaderModule.register(core)],
    providers: [...credentials, InfisicalHealthIndicator],
    exports: [core, InfisicalHealthIndicator, ...credentials],
  };
}

/** Holds the options and the secret store of one `forRoot*` registration. */
@Module({})
export class InfisicalCoreModule {}

/** Providers of `InfisicalModule.forFeature()`: a {@link SecretRef} per key and a {@link SecretGroup} per group. */
export function createFeatureProviders(feature: InfisicalFeatureOptions): Provider[] {
  const requirePresent = (store: SecretStore, keys: readonly string[]) => {
    const missing = keys.filter((key) => !store.has(key));
    if (missing.length) {
      throw new InfisicalConfigValidationError(
        store.where,
        missing.map((key) => ({
          key,
          kind: 'missing' as const,
          messages: ['registered with InfisicalModule.forFeature but not set'],
          fix: `add ${key} to ${store.where}, or set it in the process environment / .env`,
        })),
      );
    }
  };
  const secrets: Provider[] = (feature.secrets ?? []).map((key) => ({
    provide: getSecretToken(key),
    useFactory: (store: SecretStore) => {
      requirePresent(store, [key]);
      return new SecretRef(store, key);
    },
    inject: [SecretStore],
  }));
  const groups: Provider[] = Object.entries(feature.groups ?? {}).map(([name, keys]) => ({
    provide: getSecretGroupToken(name),
    useFactory: (store: SecretStore) => {
      requirePresent(store, keys);
      return new SecretGroup(store, name, keys);
    },
    inject: [SecretStore],
  }));
  return [...secrets, ...groups];
}
