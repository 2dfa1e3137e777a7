import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';

/**
 * A `@nestjs/config` loader whose values are delivered by the secret store once bootstrap has loaded and validated
 * them. Registered through `ConfigModule.forFeature`, so the values land in `ConfigService` exactly like any other
 * custom configuration loader's.
 */
export interface InfisicalConfigLoader {
  /** The loader given to `ConfigModule.forFeature`. */
  readonly load: () => Promise<Record<string, unknown>>;
  /** Hands the validated configuration to `ConfigService`. */
  deliver(values: Readonly<Record<string, unknown>>): void;
  /** Bootstrap failed: the loader fails with the same error. */
  fail(error: unknown): void;
}

export function createInfisicalConfigLoader(): InfisicalConfigLoader {
  let deliver!: (values: Record<string, unknown>) => void;
  let fail!: (error: unknown) => void;
  const loaded = new Promise<Record<string, unknown>>((resolve, reject) => {
    deliver = resolve;
    fail = reject;
  });
  loaded.catch(() => undefined);
  return { load: () => loaded, deliver: (values) => deliver({ ...values }), fail };
}

/**
 * Registers the loader in a module of its own that exports nothing, so the `ConfigService` that
 * `ConfigModule.forFeature` provides never shadows the one the options factory injects.
 */
@Module({})
export class InfisicalConfigLoaderModule {
  static register(loader: InfisicalConfigLoader): DynamicModule {
    return { module: InfisicalConfigLoaderModule, imports: [ConfigModule.forFeature(loader.load)] };
  }
}
