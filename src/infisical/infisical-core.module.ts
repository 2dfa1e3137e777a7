import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { InfisicalHealthIndicator } from './health/infisical.health.js';
import {
  INFISICAL_ASSEMBLY,
  INFISICAL_CLOCK,
  INFISICAL_DYNAMIC_SECRETS,
  INFISICAL_MODULE_EXTRAS,
  INFISICAL_MODULE_OPTIONS,
  INFISICAL_WEBHOOK,
  NEST_CONFIGURATION_TOKEN,
} from './infisical.constants.js';
import { systemClock } from './infisical.clock.js';
import { createNamespaceProviders, createStore, DynamicSecretsShutdown, leasesOf, storeOf, validCredentialClasses, webhookOf } from './infisical.providers.js';
import type { InfisicalModuleExtras } from './interfaces/infisical-module-extras.interface.js';
import { SecretStore } from './store/secret-store.js';
import { InfisicalWebhookMount } from './webhook/webhook.mount.js';

/**
 * Holds the options and the secret store of one `forRoot*` registration. It imports the static `ConfigModule`, so
 * the options factory and the store get `ConfigService` directly, never a `ConfigService` that waits for the store.
 */
@Module({})
export class InfisicalCoreModule {}

/**
 * Adds the module's parts to the definition made by `ConfigurableModuleBuilder`: the core module (options →
 * store and webhook receiver → the webhook route), the credentials and the health indicator. Mistakes in the extras are reported at bootstrap by the store,
 * like any option.
 */
export function assembleInfisicalModule(definition: DynamicModule, extras: InfisicalModuleExtras): DynamicModule {
  const credentials = validCredentialClasses(extras.credentials);
  const core: DynamicModule = {
    module: InfisicalCoreModule,
    imports: [...(definition.imports ?? []), ConfigModule],
    providers: [
      ...(definition.providers ?? []),
      { provide: INFISICAL_CLOCK, useValue: systemClock },
      { provide: INFISICAL_MODULE_EXTRAS, useValue: extras },
      {
        provide: INFISICAL_ASSEMBLY,
        useFactory: createStore,
        inject: [INFISICAL_MODULE_OPTIONS, INFISICAL_MODULE_EXTRAS, INFISICAL_CLOCK, ConfigService, { token: NEST_CONFIGURATION_TOKEN, optional: true }],
      },
      { provide: SecretStore, useFactory: storeOf, inject: [INFISICAL_ASSEMBLY] },
      { provide: INFISICAL_WEBHOOK, useFactory: webhookOf, inject: [INFISICAL_ASSEMBLY] },
      { provide: INFISICAL_DYNAMIC_SECRETS, useFactory: leasesOf, inject: [INFISICAL_ASSEMBLY] },
      DynamicSecretsShutdown,
      InfisicalWebhookMount,
    ],
    exports: [SecretStore, INFISICAL_DYNAMIC_SECRETS, INFISICAL_CLOCK],
  };
  const namespaces = createNamespaceProviders(extras.namespaces, 'namespaces');
  const namespaceTokens = namespaces.map((p) => (p as { provide: string }).provide);
  return {
    module: definition.module,
    global: extras.isGlobal === true,
    imports: [core, TerminusModule],
    providers: [...credentials, ...namespaces, InfisicalHealthIndicator],
    exports: [core, InfisicalHealthIndicator, ...credentials, ...namespaceTokens],
  };
}
