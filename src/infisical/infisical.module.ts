import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { INFISICAL_MODULE_OPTIONS } from './infisical.constants.js';
import { ConfigurableInfisicalModule, INFISICAL_ASYNC_OPTIONS_TYPE, INFISICAL_OPTIONS_TYPE } from './infisical.module-definition.js';
import { createFeatureProviders } from './infisical.providers.js';
import type { InfisicalFeatureOptions } from './interfaces/infisical-module-extras.interface.js';

/** Replaces the options provider of a definition (wherever it sits) so that the resolver reports `value` at bootstrap. */
function withOptionsValue(module: DynamicModule, value: unknown): DynamicModule {
  const swap = (providers: Provider[] | undefined) =>
    providers?.map((p) => (typeof p === 'object' && 'provide' in p && p.provide === INFISICAL_MODULE_OPTIONS ? { provide: INFISICAL_MODULE_OPTIONS, useValue: value } : p));
  return {
    ...module,
    providers: swap(module.providers),
    imports: module.imports?.map((m) => (typeof m === 'object' && m !== null && 'module' in m ? { ...(m as DynamicModule), providers: swap((m as DynamicModule).providers) } : m)),
  };
}

/**
 * Loads Infisical secrets into `@nestjs/config`'s `ConfigService`, validates them at bootstrap, keeps them fresh
 * and provides typed credentials and a health indicator.
 *
 * ```ts
 * InfisicalModule.forRootAsync({
 *   isGlobal: true,
 *   credentials: [GmailCredentials, GeminiCredentials, NotionCredentials],
 *   imports: [ConfigModule],
 *   inject: [ConfigService],
 *   useFactory: (config: ConfigService) => infisicalOptionsFromEnv(config),
 * })
 * ```
 */
@Module({})
export class InfisicalModule extends ConfigurableInfisicalModule {
  /** Registers the module with static options. A value that is not an options object is reported at bootstrap. */
  static override forRoot(options: typeof INFISICAL_OPTIONS_TYPE): DynamicModule {
    if (options !== null && typeof options === 'object' && !Array.isArray(options)) return super.forRoot(options);
    return withOptionsValue(super.forRoot({}), options);
  }

  /** Registers the module with options from a factory (`useFactory` + `inject`, `useClass` or `useExisting`). */
  static override forRootAsync(options: typeof INFISICAL_ASYNC_OPTIONS_TYPE): DynamicModule {
    if (options !== null && typeof options === 'object' && !Array.isArray(options)) return super.forRootAsync(options);
    return withOptionsValue(super.forRootAsync({ useFactory: () => ({}) }), options);
  }

  /**
   * Provides secrets by name — `@InjectSecret('KEY')` for each of `secrets`, `@InjectSecretGroup(name)` for each of
   * `groups` — and `registerSecretsAs` namespaces (`@Inject(x.KEY)`, `configService.get('ns.key')`), all required at
   * bootstrap and on every refresh. Needs `InfisicalModule.forRoot*` with `isGlobal: true`.
   */
  static forFeature(feature: InfisicalFeatureOptions): DynamicModule {
    const providers = createFeatureProviders(feature);
    return {
      module: InfisicalFeatureModule,
      providers,
      exports: providers.map((p) => (p as { provide: string }).provide),
    };
  }
}

/** Host of the providers registered with {@link InfisicalModule.forFeature}. */
@Module({})
export class InfisicalFeatureModule {}
