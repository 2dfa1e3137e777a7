import { isSecretNamespace } from '../config/secret-namespace.definition.js';
import { INFISICAL_MODULE_OPTIONS, INFISICAL_SECRET_GROUP_TOKEN_PREFIX, INFISICAL_SECRET_TOKEN_PREFIX } from '../infisical.constants.js';
import type { CredentialDefinition } from '../interfaces/credential.interface.js';
import type { SecretNamespace } from '../interfaces/secret-namespace.interface.js';

/** What an application's module graph requires of the configuration, found without starting it. */
export interface AppRequirements {
  /** Each required key and what requires it (`InfisicalModule.forFeature (@InjectSecret('KEY'))`, …), in order found. */
  keys: Map<string, string[]>;
  /** The credential classes of `InfisicalModule.forRoot*({ credentials })`, by definition. */
  credentials: CredentialDefinition[];
  /** How many modules were visited (for the report). */
  modules: number;
}

/** `@Module()` metadata keys of `@nestjs/common` (`MODULE_METADATA`). */
const IMPORTS = 'imports';
const PROVIDERS = 'providers';

type Node = Record<string, unknown> | ((...args: never[]) => unknown);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const metadata = (target: unknown, key: string): unknown[] => {
  const reflect = Reflect as unknown as { getMetadata?: (key: string, target: unknown) => unknown };
  const value = typeof target === 'function' ? reflect.getMetadata?.(key, target) : undefined;
  return Array.isArray(value) ? value : [];
};

/**
 * Walks the module graph from `root` the way Nest's scanner reads it — `@Module()` metadata of classes, dynamic
 * modules (also as promises, as `ConfigModule.forRoot` returns in @nestjs/config 12) and `forwardRef` — without
 * creating any provider of the application. It reads what this package registered: the keys of
 * `InfisicalModule.forFeature` (secrets, groups), the secrets each `registerSecretsAs` namespace reads (its factory
 * runs on empty values, as the module does at bootstrap), the credential classes, and `requiredKeys` of static
 * `InfisicalModule.forRoot` options. Requires `reflect-metadata` to be loaded (the bin loads it).
 */
export async function collectAppRequirements(root: unknown): Promise<AppRequirements> {
  const found: AppRequirements = { keys: new Map(), credentials: [], modules: 0 };
  const visited = new Set<unknown>();
  const require = (keys: readonly unknown[], by: string) => {
    for (const key of keys) {
      if (typeof key !== 'string' || !key) continue;
      const by_ = found.keys.get(key) ?? [];
      if (!by_.includes(by)) by_.push(by);
      found.keys.set(key, by_);
    }
  };
  const visit = async (raw: unknown): Promise<void> => {
    let node: unknown = await raw;
    if (isObject(node) && typeof node.forwardRef === 'function') node = (node.forwardRef as () => unknown)();
    if ((!isObject(node) && typeof node !== 'function') || visited.has(node)) return;
    visited.add(node);
    found.modules++;
    const dynamic = isObject(node) ? node : undefined;
    const moduleClass = dynamic ? dynamic.module : node;
    const providers = [...metadata(moduleClass, PROVIDERS), ...(Array.isArray(dynamic?.providers) ? dynamic.providers : [])];
    for (const provider of providers) readProvider(provider as Node, found, require);
    const imports = [...metadata(moduleClass, IMPORTS), ...(Array.isArray(dynamic?.imports) ? dynamic.imports : [])];
    for (const imported of imports) await visit(imported);
  };
  await visit(root);
  return found;
}

/** A provider this package registered: what it requires. Any other provider is left alone (never called). */
function readProvider(provider: Node, found: AppRequirements, require: (keys: readonly unknown[], by: string) => void): void {
  if (typeof provider === 'function') {
    const definition = (provider as { definition?: CredentialDefinition }).definition;
    if (isObject(definition) && Array.isArray(definition.keys) && !found.credentials.includes(definition)) found.credentials.push(definition);
    return;
  }
  if (!isObject(provider)) return;
  const token = provider.provide;
  if (token === INFISICAL_MODULE_OPTIONS && isObject(provider.useValue) && Array.isArray(provider.useValue.requiredKeys)) {
    require(provider.useValue.requiredKeys, 'InfisicalModule.forRoot({ requiredKeys })');
    return;
  }
  if (typeof token !== 'string' || !injectsSecretStore(provider)) return;
  if (token.startsWith(INFISICAL_SECRET_TOKEN_PREFIX)) {
    const key = token.slice(INFISICAL_SECRET_TOKEN_PREFIX.length);
    require([key], `InfisicalModule.forFeature (@InjectSecret('${key}'))`);
  } else if (token.startsWith(INFISICAL_SECRET_GROUP_TOKEN_PREFIX) || token.startsWith('CONFIGURATION(')) {
    // The factory of a group or namespace provider asks its store for the keys: a recording store answers.
    try {
      (provider.useFactory as (store: unknown) => unknown)(recordingStore(require));
    } catch {
      // what it required before failing is recorded; the app reports the failure itself at bootstrap
    }
  }
}

/** Providers of `forFeature` and of namespaces take `{ token: SecretStore, optional: true }` (by name: the app may load another copy of the package). */
function injectsSecretStore(provider: Record<string, unknown>): boolean {
  const inject = provider.inject;
  if (!Array.isArray(inject) || inject.length !== 1 || typeof provider.useFactory !== 'function') return false;
  const first = inject[0] as unknown;
  const token = isObject(first) ? first.token : first;
  return typeof token === 'function' && token.name === 'SecretStore';
}

/** Stands in for the store in the factories of `forFeature` groups and namespaces, recording what they require. */
function recordingStore(require: (keys: readonly unknown[], by: string) => void) {
  return {
    requireKeys: (keys: readonly string[], by: string) => require(keys, by),
    namespace: (definition: SecretNamespace) => {
      if (!isSecretNamespace(definition)) return {};
      const read: string[] = [];
      const values = new Proxy(Object.create(null) as Record<string, unknown>, {
        get: (_target, key) => {
          if (typeof key === 'string') read.push(key);
          return undefined;
        },
      });
      try {
        definition.build(values);
      } finally {
        require(read, `registerSecretsAs('${definition.NAMESPACE}')`);
      }
      return {};
    },
    get: () => undefined,
    has: () => false,
    keys: () => [],
    onChange: () => () => undefined,
  };
}
