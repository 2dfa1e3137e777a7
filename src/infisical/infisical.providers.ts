import { Inject, Injectable, Optional, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import { isSecretNamespace, type SecretNamespace } from './config/secret-namespace.definition.js';
import type { CredentialClass } from './credentials/credential-rules.js';
import { SecretGroup, SecretRef } from './credentials/secret-ref.js';
import { InfisicalOptionsError } from './errors/options.error.js';
import { INFISICAL_DYNAMIC_SECRETS } from './infisical.constants.js';
import { getDynamicSecretToken, getSecretGroupToken, getSecretToken } from './infisical.decorators.js';
import type { InfisicalClock } from './interfaces/infisical-clock.interface.js';
import type { InfisicalFeatureOptions, InfisicalModuleExtras } from './interfaces/infisical-module-extras.interface.js';
import type { InfisicalModuleOptions } from './interfaces/infisical-module-options.interface.js';
import { assembleSecretStore, type AssembledSecretStore } from './assembly/create-secret-store.js';
import { SecretStore } from './store/secret-store.js';
import type { DynamicSecretLeases } from './leases/dynamic-secret-leases.js';
import type { DynamicSecretHandle } from './leases/dynamic-secret.handle.js';
import type { WebhookReceiver } from './webhook/attach-webhook.js';

const isCredentialClass = (c: unknown): c is CredentialClass =>
  typeof c === 'function' && Array.isArray((c as Partial<CredentialClass>).definition?.keys);

/** The credential classes of the `credentials` extra that can be provided (the store reports the others). */
export function validCredentialClasses(credentials: unknown): CredentialClass[] {
  return Array.isArray(credentials) ? credentials.filter(isCredentialClass) : [];
}

/** Problems with the extras of `forRoot` / `forRootAsync`, reported like option problems. */
function checkExtras(extras: InfisicalModuleExtras): void {
  const credentials = extras.credentials as unknown;
  if (credentials !== undefined && (!Array.isArray(credentials) || credentials.some((c) => !isCredentialClass(c)))) {
    throw new InfisicalOptionsError([
      { option: 'credentials', problem: 'must be an array of credential classes such as [GmailCredentials, GeminiCredentials, NotionCredentials] (passed beside useFactory, not returned by it)' },
    ]);
  }
  checkNamespaces(extras.namespaces, 'namespaces');
}

/** `namespaces` must hold what `registerSecretsAs` returns. */
function checkNamespaces(namespaces: unknown, option: string): void {
  if (namespaces !== undefined && (!Array.isArray(namespaces) || namespaces.some((n) => !isSecretNamespace(n)))) {
    throw new InfisicalOptionsError([
      { option, problem: "must be an array of registerSecretsAs('name', (secrets) => ({ … })) results (registerAs factories read process.env, which never holds Infisical secrets)" },
    ]);
  }
}

/** The `registerSecretsAs` namespaces of a list that can be provided (the store reports the others). */
export function validNamespaces(namespaces: unknown): SecretNamespace[] {
  return Array.isArray(namespaces) ? namespaces.filter(isSecretNamespace) : [];
}

/** Providers of the namespace objects (`@Inject(x.KEY)`), built from the store `SecretStore` resolves to. */
export function createNamespaceProviders(namespaces: unknown, option: string): Provider[] {
  return validNamespaces(namespaces).map((definition) => ({
    provide: definition.KEY,
    useFactory: (store: SecretStore | undefined) => {
      checkNamespaces(namespaces, option);
      return requireStore(store).namespace(definition);
    },
    inject: [{ token: SecretStore, optional: true }],
  }));
}

/**
 * Factory of the registration's assembly (the `SecretStore` and webhook providers read it): validates the extras,
 * then builds and bootstraps the store.
 */
export function createStore(
  options: InfisicalModuleOptions,
  extras: InfisicalModuleExtras,
  clock: InfisicalClock,
  configService: ConfigService,
  configHost: Record<string, unknown> | undefined,
): Promise<AssembledSecretStore> {
  checkExtras(extras);
  const credentials = validCredentialClasses(extras.credentials).map((c) => c.definition);
  return assembleSecretStore(options, { clock, credentials, configService, configHost });
}

/** Factory of the `SecretStore` provider: the store the assembly built. */
export const storeOf = (assembly: AssembledSecretStore): SecretStore => assembly.store;

/** Factory of the `INFISICAL_WEBHOOK` provider: the assembly's webhook receiver, or null without the `webhook` option. */
export const webhookOf = (assembly: AssembledSecretStore): WebhookReceiver | null => assembly.webhook ?? null;

/** Factory of the `INFISICAL_DYNAMIC_SECRETS` provider: the assembly's leases, or null without `dynamicSecrets`. */
export const leasesOf = (assembly: AssembledSecretStore): DynamicSecretLeases | null => assembly.leases ?? null;

/**
 * Revokes the leases of the registration when the application shuts down (`app.close()`, SIGTERM with shutdown
 * hooks): every current and draining lease, in parallel, within the shutdown budget (5 s). Runs in
 * `onApplicationShutdown`, after every `onModuleDestroy`, so pools close before their roles are dropped.
 * @internal
 */
@Injectable()
export class DynamicSecretsShutdown implements OnApplicationShutdown {
  constructor(@Optional() @Inject(INFISICAL_DYNAMIC_SECRETS) private readonly leases: DynamicSecretLeases | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.leases?.stop();
  }
}

const MISSING_ROOT =
  'needs InfisicalModule.forRoot / forRootAsync registered with isGlobal: true (forFeature modules find the store through it). Fix: add isGlobal: true to InfisicalModule.forRoot*';

/** The store, or a one-line error when forFeature cannot see a global registration. */
function requireStore(store: SecretStore | undefined): SecretStore {
  if (!store) throw new InfisicalOptionsError([{ option: 'InfisicalModule.forFeature', problem: MISSING_ROOT }]);
  return store;
}

/** Providers of `InfisicalModule.forFeature()`: a {@link SecretRef} per key and a {@link SecretGroup} per group. */
export function createFeatureProviders(feature: InfisicalFeatureOptions): Provider[] {
  const inject = [{ token: SecretStore, optional: true }];
  const secrets: Provider[] = (feature.secrets ?? []).map((key) => ({
    provide: getSecretToken(key),
    useFactory: (store: SecretStore | undefined) => {
      requireStore(store).requireKeys([key], `InfisicalModule.forFeature (@InjectSecret('${key}'))`);
      return new SecretRef(store!, key);
    },
    inject,
  }));
  const groups: Provider[] = Object.entries(feature.groups ?? {}).map(([name, keys]) => ({
    provide: getSecretGroupToken(name),
    useFactory: (store: SecretStore | undefined) => {
      requireStore(store).requireKeys(keys, `InfisicalModule.forFeature (@InjectSecretGroup('${name}'))`);
      return new SecretGroup(store!, name, keys);
    },
    inject,
  }));
  const dynamicSecrets: Provider[] = (feature.dynamicSecrets ?? []).map((name) => ({
    provide: getDynamicSecretToken(name),
    useFactory: (store: SecretStore | undefined, leases: DynamicSecretLeases | null | undefined): DynamicSecretHandle => {
      requireStore(store);
      if (!leases) {
        throw new InfisicalOptionsError([
          { option: 'dynamicSecrets', problem: `lists no dynamic secret, but InfisicalModule.forFeature asks for "${name}" (@InjectDynamicSecret('${name}')): add it to dynamicSecrets (INFISICAL_DYNAMIC_SECRETS=${name})` },
        ]);
      }
      return leases.handle(name);
    },
    inject: [...inject, { token: INFISICAL_DYNAMIC_SECRETS, optional: true }],
  }));
  return [...secrets, ...groups, ...dynamicSecrets, ...createNamespaceProviders(feature.namespaces, 'InfisicalModule.forFeature namespaces')];
}
