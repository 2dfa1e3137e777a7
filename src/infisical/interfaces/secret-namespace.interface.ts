/** The secrets a namespace factory reads: the validated configuration of the store (typed by the schema). */
export type SecretValues = Readonly<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * What `registerSecretsAs` returns: a `registerAs`-shaped config factory (`KEY`, `asProvider()`, usable with
 * `ConfigType<typeof x>` and `@Inject(x.KEY)`) whose object is built from the secret store by the Infisical module.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface SecretNamespace<T extends object = any, S extends SecretValues = any> {
  /** Only the Infisical module calls the factory (with the secrets); called without them, it explains the fix. */
  (secrets?: S): T;
  /** Injection token of the namespace object (`getConfigToken(namespace)`, as `registerAs` uses). */
  readonly KEY: string;
  /** The namespace name: `configService.get('<namespace>.<property>')`. */
  readonly NAMESPACE: string;
  /** Builds the namespace object from the current secrets. */
  readonly build: (secrets: S) => T;
  /** A provider of the namespace object for `imports`/`useFactory` options, like `registerAs(...).asProvider()`. */
  asProvider(): {
    /** The Infisical module's `forFeature` that provides the namespace object. */
    imports: [import('@nestjs/common').DynamicModule];
    /** Returns the injected namespace object. */
    useFactory: (config: T) => T;
    /** The namespace's injection token (`KEY`). */
    inject: [string];
  };
}
