import { Module, type DynamicModule, type FactoryProvider, type Provider } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { SecretStore } from './secret-store.js';

/** The `@nestjs/config` loader: the validated configuration of this application's store. */
function loadFromStore(store: SecretStore): Record<string, unknown> {
  return { ...store.configuration() };
}

/**
 * Registers the secret store's configuration as a `@nestjs/config` loader (`ConfigModule.forFeature`), so the values
 * land in `ConfigService` exactly like any other custom loader's. `forFeature` gives its factory no dependencies;
 * this one receives the application's `SecretStore` (from `core`), so every application built from the same module
 * definition loads its own values. The module exports nothing, so the `ConfigService` that `forFeature` provides
 * never shadows the one the options factory injects.
 */
@Module({})
export class InfisicalConfigLoaderModule {
  static register(core: DynamicModule): DynamicModule {
    const feature = ConfigModule.forFeature(loadFromStore as () => Record<string, unknown>);
    const providers = (feature.providers ?? []).map((provider: Provider) =>
      (provider as FactoryProvider).useFactory === loadFromStore ? { ...(provider as FactoryProvider), inject: [SecretStore] } : provider,
    );
    return {
      module: InfisicalConfigLoaderModule,
      imports: [{ ...feature, imports: [...(feature.imports ?? []), core], providers }],
    };
  }
}
