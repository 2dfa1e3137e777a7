import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigurableInfisicalModule } from './infisical.module-definition.js';
import { createFeatureProviders } from './infisical.providers.js';
import type { InfisicalFeatureOptions } from './interfaces/infisical-module-extras.interface.js';

/**
 * Loads an Infisical environment into `@nestjs/config`'s `ConfigService`, validates it at bootstrap, keeps it fresh
 * and provides typed credentials and a health indicator.
 *
 * ```ts
 * InfisicalModule.forRootAsync({
 *   isGlobal: true,
 *   credentials: [GmailCredentials, GeminiCredentials, NotionCredentials],
 *   imports: [ConfigModule],
 *   inject: [ConfigService],
 *   useFactory: (config: ConfigService) => ({ projectId: config.getOrThrow('INFISICAL_PROJECT_ID'), … }),
 * })
 * ```
 */
@Module({})
export class InfisicalModule extends ConfigurableInfisicalModule {
  /**
   * Provides secrets by name — `@InjectSecret('KEY')` for each of `secrets`, `@InjectSecretGroup(name)` for each of
   * `groups` — checked for presence at bootstrap. Needs `InfisicalModule.forRoot*` registered with `isGlobal: true`.
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
