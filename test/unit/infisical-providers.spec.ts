import { describe, expect, it } from '@jest/globals';
import { registerSecretsAs } from '../../src/infisical/config/register-secrets-as.js';
import { GeminiCredentials } from '../../src/infisical/credentials/gemini.credentials.js';
import { GmailCredentials } from '../../src/infisical/credentials/gmail.credentials.js';
import { SecretGroup, SecretRef } from '../../src/infisical/credentials/secret-ref.js';
import { InfisicalOptionsError } from '../../src/infisical/errors/options.error.js';
import { getDynamicSecretToken, getSecretGroupToken, getSecretToken, InjectDynamicSecret } from '../../src/infisical/infisical.decorators.js';
import { INFISICAL_DYNAMIC_SECRETS } from '../../src/infisical/infisical.constants.js';
import type { DynamicSecretLeases } from '../../src/infisical/leases/dynamic-secret-leases.js';
import {
  createFeatureProviders,
  createNamespaceProviders,
  createStore,
  DynamicSecretsShutdown,
  leasesOf,
  storeOf,
  validCredentialClasses,
  validNamespaces,
  webhookOf,
} from '../../src/infisical/infisical.providers.js';
import type { AssembledSecretStore } from '../../src/infisical/assembly/create-secret-store.js';
import { SecretStore } from '../../src/infisical/store/secret-store.js';
import type { WebhookReceiver } from '../../src/infisical/webhook/attach-webhook.js';
import { ManualClock } from '../support/manual-clock.js';

interface FactoryProvider {
  provide: unknown;
  useFactory: (store: unknown, leases?: unknown) => unknown;
  inject: unknown[];
}

const database = registerSecretsAs('database', (s) => ({ url: s.DATABASE_URL }));
const OPTIONAL_STORE = [{ token: SecretStore, optional: true }];

/** A store that records what providers ask of it. */
function fakeStore() {
  const calls: unknown[][] = [];
  const store = {
    requireKeys: (keys: readonly string[], requiredBy: string) => void calls.push(['requireKeys', keys, requiredBy]),
    namespace: (definition: unknown) => (calls.push(['namespace', definition]), { url: 'built' }),
    get: () => undefined,
  };
  return { calls, store: store as unknown as SecretStore };
}

const problemOf = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InfisicalOptionsError);
    return (error as Error).message;
  }
  throw new Error('expected an InfisicalOptionsError');
};

describe('credential classes and namespaces of the extras', () => {
  it('keeps only credential classes and namespaces; anything that is not a list gives none', () => {
    expect(validCredentialClasses([GmailCredentials, 'x', class Plain {}, GeminiCredentials])).toEqual([GmailCredentials, GeminiCredentials]);
    expect(validCredentialClasses(GmailCredentials)).toEqual([]);
    expect(validCredentialClasses([{ definition: GmailCredentials.definition }])).toEqual([]);
    expect(validNamespaces([database, () => ({}), 'ns'])).toEqual([database]);
    expect(validNamespaces(database)).toEqual([]);
  });
});

describe('createNamespaceProviders', () => {
  it('provides each namespace under its KEY, built by the store (optional, so a missing root is reported clearly)', () => {
    const [provider, ...rest] = createNamespaceProviders([database], 'namespaces') as unknown as FactoryProvider[];
    expect(rest).toEqual([]);
    expect(provider!.provide).toBe(database.KEY);
    expect(provider!.inject).toEqual(OPTIONAL_STORE);
    const { calls, store } = fakeStore();
    expect(provider!.useFactory(store)).toEqual({ url: 'built' });
    expect(calls).toEqual([['namespace', database]]);
    expect(problemOf(() => provider!.useFactory(undefined))).toMatch(/InfisicalModule\.forFeature.*isGlobal: true/);
  });

  it('a list with something that is not a namespace fails when a namespace is built, naming the option', () => {
    const [provider] = createNamespaceProviders([database, 'oops'], 'my option') as unknown as FactoryProvider[];
    expect(problemOf(() => provider!.useFactory(fakeStore().store))).toMatch(/my option.*registerSecretsAs/s);
  });
});

describe('createFeatureProviders', () => {
  it('a SecretRef per key and a SecretGroup per group, each requiring its keys from the store', () => {
    const providers = createFeatureProviders({ secrets: ['A'], groups: { pay: ['B', 'C'] }, namespaces: [database] }) as unknown as FactoryProvider[];
    expect(providers.map((p) => p.provide)).toEqual([getSecretToken('A'), getSecretGroupToken('pay'), database.KEY]);
    for (const p of providers) expect(p.inject).toEqual(OPTIONAL_STORE);
    const { calls, store } = fakeStore();
    const ref = providers[0]!.useFactory(store);
    expect(ref).toBeInstanceOf(SecretRef);
    expect((ref as SecretRef).key).toBe('A');
    const group = providers[1]!.useFactory(store);
    expect(group).toBeInstanceOf(SecretGroup);
    expect((group as SecretGroup).name).toBe('pay');
    expect(calls).toEqual([
      ['requireKeys', ['A'], "InfisicalModule.forFeature (@InjectSecret('A'))"],
      ['requireKeys', ['B', 'C'], "InfisicalModule.forFeature (@InjectSecretGroup('pay'))"],
    ]);
  });

  it('without a global registration each provider fails with the fix', () => {
    const providers = createFeatureProviders({ secrets: ['A'], groups: { pay: ['B'] } }) as unknown as FactoryProvider[];
    for (const p of providers) expect(problemOf(() => p.useFactory(undefined))).toMatch(/InfisicalModule\.forFeature.*add isGlobal: true/);
  });

  it('feature namespaces are checked under their own option name; an empty feature provides nothing', () => {
    const [provider] = createFeatureProviders({ namespaces: [database, 1 as never] }) as unknown as FactoryProvider[];
    expect(problemOf(() => provider!.useFactory(fakeStore().store))).toContain('InfisicalModule.forFeature namespaces');
    expect(createFeatureProviders({})).toEqual([]);
  });

  it('provides the handle of each listed dynamic secret under its token; an unlisted name fails naming the option', () => {
    const handles = new Map([['postgres-app', { name: 'postgres-app' }]]);
    const leases = {
      handle: (name: string) => {
        if (!handles.has(name)) throw new Error(`No dynamic secret "${name}" is configured`);
        return handles.get(name);
      },
    };
    const [provider, other] = createFeatureProviders({ dynamicSecrets: ['postgres-app', 'mongo'] }) as unknown as FactoryProvider[];
    expect(provider!.provide).toBe('INFISICAL_DYNAMIC_SECRET:postgres-app');
    expect(provider!.provide).toBe(getDynamicSecretToken('postgres-app'));
    expect(InjectDynamicSecret.token('postgres-app')).toBe(provider!.provide);
    expect(provider!.inject).toEqual([...OPTIONAL_STORE, { token: INFISICAL_DYNAMIC_SECRETS, optional: true }]);
    expect(provider!.useFactory(fakeStore().store, leases)).toBe(handles.get('postgres-app'));
    expect(() => other!.useFactory(fakeStore().store, leases)).toThrow('No dynamic secret "mongo" is configured');
    expect(problemOf(() => provider!.useFactory(fakeStore().store, null))).toMatch(/dynamicSecrets.*"postgres-app".*INFISICAL_DYNAMIC_SECRETS=postgres-app/s);
    expect(problemOf(() => provider!.useFactory(undefined, leases))).toMatch(/add isGlobal: true/);
  });

  it('revokes the leases at application shutdown, and does nothing without them', async () => {
    const calls: string[] = [];
    await new DynamicSecretsShutdown({ stop: async () => void calls.push('stop') } as unknown as DynamicSecretLeases).onApplicationShutdown();
    await new DynamicSecretsShutdown(null).onApplicationShutdown();
    expect(calls).toEqual(['stop']);
  });
});

describe('createStore and the providers that read its assembly', () => {
  const clock = new ManualClock();

  it.each([
    ['credentials that are not a list', { credentials: GmailCredentials as never }, /credentials.*array of credential classes/],
    ['a credential that is not a class', { credentials: [GmailCredentials, {} as never] }, /credentials/],
    ['namespaces that are not registerSecretsAs results', { namespaces: [() => ({})] as never }, /namespaces.*registerSecretsAs/],
  ])('reports %s before building anything', (_name, extras, problem) => {
    expect(problemOf(() => createStore({ enabled: false }, extras, clock, undefined as never, undefined))).toMatch(problem);
  });

  it('builds the store of a registration (Infisical disabled: no webhook receiver)', async () => {
    const assembly = await createStore({ enabled: false }, { credentials: [], namespaces: [] }, clock, undefined as never, undefined);
    expect(assembly.store).toBeInstanceOf(SecretStore);
    expect(assembly.webhook).toBeUndefined();
    assembly.store.onModuleDestroy();
    const withoutLists = await createStore({ enabled: false }, {}, clock, undefined as never, undefined);
    withoutLists.store.onModuleDestroy();
  });

  it('hands the credential definitions to the store, which requires their keys', async () => {
    const pending = createStore({ enabled: false }, { credentials: [GmailCredentials] }, clock, undefined as never, undefined);
    await expect(pending).rejects.toThrow(/GMAIL_CLIENT_ID/);
  });

  it('SecretStore is the assembly store; INFISICAL_WEBHOOK its receiver, or null without one', () => {
    const store = fakeStore().store;
    const receiver = { path: '/w' } as WebhookReceiver;
    expect(storeOf({ store, webhook: receiver, leases: undefined })).toBe(store);
    expect(webhookOf({ store, webhook: receiver, leases: undefined })).toBe(receiver);
    expect(webhookOf({ store, webhook: undefined } as AssembledSecretStore)).toBeNull();
    const leases = {} as DynamicSecretLeases;
    expect(leasesOf({ store, webhook: undefined, leases })).toBe(leases);
    expect(leasesOf({ store, webhook: undefined, leases: undefined })).toBeNull();
  });
});
