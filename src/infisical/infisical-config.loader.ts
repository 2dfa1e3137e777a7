import type { DynamicModule, Provider } from '@nestjs/common';
import { InfisicalOptionsError } from './errors/options.error.js';
import { InfisicalModule } from './infisical.module.js';
import { SecretStore } from './store/secret-store.js';

/** What `ConfigModule.forRoot({ load: [...] })` takes: a factory of configuration (here: nothing of its own). */
export type InfisicalConfigLoader = () => Promise<Record<string, never>>;

/**
 * Pairs the `load` call of each application boot with the store of the same boot. `@nestjs/config` calls a load
 * factory without arguments, so the pairing is by order: a store that becomes ready releases every load waiting for
 * it (a load left over from a boot that failed is released too, harmlessly); a store ready before its load was
 * called is kept for the next load.
 * @internal
 */
export class StoreRendezvous {
  #waiting: Array<() => void> = [];
  #arrived = false;

  /** Resolves once a store is ready: at once when one arrived before, else at the next {@link arrive}. */
  wait(): Promise<void> {
    if (this.#arrived) {
      this.#arrived = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** A store is ready: releases the waiting loads, or keeps the news for the next one. */
  arrive(): void {
    const waiting = this.#waiting.splice(0);
    this.#arrived = waiting.length === 0;
    for (const release of waiting) release();
  }
}

const EXAMPLE =
  'const infisical = InfisicalModule.forRootAsync({ … }); ConfigModule.forRoot({ isGlobal: true, load: [infisicalConfigLoader(infisical)] }), then import infisical as well';

/**
 * A `ConfigModule.forRoot({ load: [...] })` factory that resolves once `registration` has loaded the Infisical
 * values into `ConfigService`. `@nestjs/config` builds the `ConfigService` that other modules inject only after every
 * `load` factory resolved, so a factory elsewhere with `inject: [ConfigService]` alone (TypeORM, Mongoose, Bull) reads
 * the Infisical values. The registration keeps its options (from the environment or static) and its one store; the
 * loader adds nothing to the configuration itself. `registration` must also be in the application's `imports`.
 *
 * ```ts
 * const infisical = InfisicalModule.forRootAsync({ isGlobal: true, imports: [ConfigModule], inject: [ConfigService],
 *   useFactory: (config: ConfigService) => infisicalOptionsFromEnv(config) });
 * @Module({ imports: [ConfigModule.forRoot({ isGlobal: true, load: [infisicalConfigLoader(infisical)] }), infisical,
 *   TypeOrmModule.forRootAsync({ inject: [ConfigService], useFactory: (config: ConfigService) => ({ url: config.getOrThrow('DATABASE_URL') }) })] })
 * ```
 */
export function infisicalConfigLoader(registration: DynamicModule): InfisicalConfigLoader {
  if (registration === null || typeof registration !== 'object' || registration.module !== InfisicalModule) {
    throw new InfisicalOptionsError([
      { option: 'infisicalConfigLoader(registration)', problem: `takes what InfisicalModule.forRoot / forRootAsync returns: ${EXAMPLE}` },
    ]);
  }
  const rendezvous = new StoreRendezvous();
  const link: Provider = {
    provide: Symbol('INFISICAL_CONFIG_LOADER_LINK'),
    useFactory: () => rendezvous.arrive(),
    inject: [SecretStore],
  };
  registration.providers = [...(registration.providers ?? []), link];
  return async () => {
    await rendezvous.wait();
    return {};
  };
}
