import type { SecretNamespace } from './secret-namespace.interface.js';
import type { CredentialClass } from './credential.interface.js';

/** Static settings of `forRoot()` / `forRootAsync()` that shape the module itself (not resolved by a factory). */
export interface InfisicalModuleExtras {
  /** Register the module globally, so credentials and the store can be injected everywhere. @default false */
  isGlobal?: boolean;
  /**
   * Credential classes to provide (e.g. `[GmailCredentials, GeminiCredentials, NotionCredentials]`). Their keys
   * become required and their format rules are checked at bootstrap and on every refresh.
   * @default []
   */
  credentials?: CredentialClass[];
  /**
   * `registerSecretsAs` namespaces to provide (`@Inject(x.KEY)`) and to put into `ConfigService` (`get('ns.key')`).
   * The secrets each factory reads become required at bootstrap and on every refresh.
   * @default []
   */
  namespaces?: SecretNamespace[];
}

/** Secrets to provide by name with `InfisicalModule.forFeature()`. */
export interface InfisicalFeatureOptions {
  /** Keys injectable one by one with `@InjectSecret(key)`; each must be present at bootstrap. */
  secrets?: string[];
  /** Named groups injectable with `@InjectSecretGroup(name)`; every member must be present at bootstrap. */
  groups?: Record<string, string[]>;
  /** `registerSecretsAs` namespaces, as in `forRoot`'s `namespaces` (the same name twice gives the same object). */
  namespaces?: SecretNamespace[];
  /**
   * Names of dynamic secrets (each listed in the `dynamicSecrets` option) injectable with `@InjectDynamicSecret(name)`
   * or `InjectDynamicSecret.token(name)`: the handle of its current lease. An unlisted name fails bootstrap naming it.
   * @default []
   */
  dynamicSecrets?: string[];
}
