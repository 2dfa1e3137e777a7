import { InfisicalOptionsError } from '../errors/options.error.js';
import { InfisicalModule } from '../infisical.module.js';
import { markSecretNamespace, type SecretNamespace, type SecretValues } from './secret-namespace.definition.js';

const NAMESPACE_NAME = /^[A-Za-z_$][\w$-]*$/;

/**
 * The secrets counterpart of `@nestjs/config`'s `registerAs`: a namespaced, typed configuration object built from
 * the Infisical values (which never reach `process.env`, so `registerAs(() => process.env.X)` cannot see them).
 *
 * ```ts
 * export const databaseConfig = registerSecretsAs('database', (secrets) => ({ url: secrets.DATABASE_URL as string }));
 * // register it: InfisicalModule.forRootAsync({ namespaces: [databaseConfig], … }) or InfisicalModule.forFeature({ namespaces: [databaseConfig] })
 * constructor(@Inject(databaseConfig.KEY) db: ConfigType<typeof databaseConfig>) {} // db.url
 * config.get('database.url');
 * ```
 *
 * Every secret the factory reads is required, at bootstrap and on every refresh (a refresh that drops one is
 * rejected and the last good values stay). After a rotation the factory runs again: the injected object is updated
 * in place and each changed property goes through `ConfigService.set('<namespace>.<property>')` (one `changes$`
 * event each), so `configService.get('database.url')` and `db.url` return the new value.
 */
export function registerSecretsAs<T extends object, S extends SecretValues = SecretValues>(namespace: string, build: (secrets: S) => T): SecretNamespace<T, S> {
  if (typeof namespace !== 'string' || !NAMESPACE_NAME.test(namespace)) {
    throw new InfisicalOptionsError([{ option: 'registerSecretsAs(namespace)', problem: `must be a name such as 'database' (letters, digits, _ and -; no dots), got ${JSON.stringify(String(namespace)).slice(0, 60)}` }]);
  }
  if (typeof build !== 'function') {
    throw new InfisicalOptionsError([{ option: `registerSecretsAs('${namespace}')`, problem: 'needs a factory: registerSecretsAs(name, (secrets) => ({ … }))' }]);
  }
  const factory = ((secrets?: S): T => {
    if (secrets === undefined) {
      throw new InfisicalOptionsError([
        {
          option: `registerSecretsAs('${namespace}')`,
          problem: `is built from Infisical secrets, so it is registered with InfisicalModule, not ConfigModule: add it to namespaces: [...] of InfisicalModule.forRoot / forRootAsync, or use InfisicalModule.forFeature({ namespaces: [...] })`,
        },
      ]);
    }
    return build(secrets);
  }) as SecretNamespace<T, S>;
  const KEY = `CONFIGURATION(${namespace})`; // @nestjs/config's getConfigToken(namespace), in 4 and 12
  const define = (name: string, value: unknown) => Object.defineProperty(factory, name, { value, enumerable: false, writable: false, configurable: false });
  define('KEY', KEY);
  define('NAMESPACE', namespace);
  define('build', build);
  define('asProvider', () => ({ imports: [InfisicalModule.forFeature({ namespaces: [factory as SecretNamespace] })], useFactory: (config: T) => config, inject: [KEY] }));
  markSecretNamespace(factory);
  return factory;
}
