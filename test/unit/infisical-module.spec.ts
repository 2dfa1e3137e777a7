import { describe, expect, it } from '@jest/globals';
import type { DynamicModule, Provider } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { registerSecretsAs } from '../../src/infisical/config/register-secrets-as.js';
import { GmailCredentials } from '../../src/infisical/credentials/gmail.credentials.js';
import { InfisicalHealthIndicator } from '../../src/infisical/health/infisical.health.js';
import {
  INFISICAL_ASSEMBLY,
  INFISICAL_CLOCK,
  INFISICAL_DYNAMIC_SECRETS,
  INFISICAL_MODULE_EXTRAS,
  INFISICAL_MODULE_OPTIONS,
  INFISICAL_WEBHOOK,
  NEST_CONFIGURATION_TOKEN,
} from '../../src/infisical/infisical.constants.js';
import { systemClock } from '../../src/infisical/infisical.clock.js';
import { assembleInfisicalModule, InfisicalCoreModule } from '../../src/infisical/infisical-core.module.js';
import { getSecretGroupToken, getSecretToken, InjectSecret, InjectSecretGroup } from '../../src/infisical/infisical.decorators.js';
import { InfisicalFeatureModule, InfisicalModule } from '../../src/infisical/infisical.module.js';
import { createStore, DynamicSecretsShutdown, leasesOf, storeOf, webhookOf } from '../../src/infisical/infisical.providers.js';
import { SecretStore } from '../../src/infisical/store/secret-store.js';
import { InfisicalWebhookMount } from '../../src/infisical/webhook/webhook.mount.js';

type AnyProvider = Provider & { provide?: unknown; useValue?: unknown; useFactory?: unknown; inject?: unknown[] };
const database = registerSecretsAs('database', (s) => ({ url: s.DATABASE_URL }));
const find = (providers: Provider[] | undefined, token: unknown) => (providers as AnyProvider[]).find((p) => p === token || (typeof p === 'object' && p.provide === token));
const coreOf = (module: DynamicModule) => module.imports!.find((m) => (m as DynamicModule).module === InfisicalCoreModule) as DynamicModule;

describe('assembleInfisicalModule (what forRoot / forRootAsync register)', () => {
  const definition: DynamicModule = { module: InfisicalModule, imports: [], providers: [{ provide: INFISICAL_MODULE_OPTIONS, useValue: { enabled: false } }] };

  it('the core module: options, clock, extras, one assembly read by the SecretStore and INFISICAL_WEBHOOK providers, the route mount', () => {
    const extras = { credentials: [GmailCredentials], namespaces: [] };
    const core = coreOf(assembleInfisicalModule(definition, extras));
    expect(core.imports).toEqual([ConfigModule]);
    expect(find(core.providers, INFISICAL_MODULE_OPTIONS)).toEqual({ provide: INFISICAL_MODULE_OPTIONS, useValue: { enabled: false } });
    expect(find(core.providers, INFISICAL_CLOCK)).toEqual({ provide: INFISICAL_CLOCK, useValue: systemClock });
    expect(find(core.providers, INFISICAL_MODULE_EXTRAS)).toEqual({ provide: INFISICAL_MODULE_EXTRAS, useValue: extras });
    expect(find(core.providers, INFISICAL_ASSEMBLY)).toEqual({
      provide: INFISICAL_ASSEMBLY,
      useFactory: createStore,
      inject: [INFISICAL_MODULE_OPTIONS, INFISICAL_MODULE_EXTRAS, INFISICAL_CLOCK, ConfigService, { token: NEST_CONFIGURATION_TOKEN, optional: true }],
    });
    expect(find(core.providers, SecretStore)).toEqual({ provide: SecretStore, useFactory: storeOf, inject: [INFISICAL_ASSEMBLY] });
    expect(find(core.providers, INFISICAL_WEBHOOK)).toEqual({ provide: INFISICAL_WEBHOOK, useFactory: webhookOf, inject: [INFISICAL_ASSEMBLY] });
    expect(find(core.providers, InfisicalWebhookMount)).toBe(InfisicalWebhookMount);
    expect(find(core.providers, INFISICAL_DYNAMIC_SECRETS)).toEqual({ provide: INFISICAL_DYNAMIC_SECRETS, useFactory: leasesOf, inject: [INFISICAL_ASSEMBLY] });
    expect(find(core.providers, DynamicSecretsShutdown)).toBe(DynamicSecretsShutdown);
    expect(core.exports).toEqual([SecretStore, INFISICAL_DYNAMIC_SECRETS, INFISICAL_CLOCK]);
  });

  it('around it: credentials, namespaces and the health indicator, exported; global only with isGlobal: true', () => {
    const module = assembleInfisicalModule(definition, { isGlobal: true, credentials: [GmailCredentials, 'x' as never], namespaces: [database] });
    expect(module.module).toBe(InfisicalModule);
    expect(module.global).toBe(true);
    expect(module.imports).toEqual([coreOf(module), TerminusModule]);
    expect((module.providers as AnyProvider[]).map((p) => (typeof p === 'function' ? p : p.provide))).toEqual([GmailCredentials, database.KEY, InfisicalHealthIndicator]);
    expect(module.exports).toEqual([coreOf(module), InfisicalHealthIndicator, GmailCredentials, database.KEY]);
    expect(assembleInfisicalModule({ module: InfisicalModule }, {}).global).toBe(false);
    expect(coreOf(assembleInfisicalModule({ module: InfisicalModule }, {})).imports).toEqual([ConfigModule]);
  });
});

describe('InfisicalModule', () => {
  const optionsProvider = (module: DynamicModule) => find([...(module.providers ?? []), ...(coreOf(module).providers ?? [])], INFISICAL_MODULE_OPTIONS);

  it('forRoot(options) provides the options object as given', () => {
    const module = InfisicalModule.forRoot({ enabled: false, isGlobal: true });
    expect(module.global).toBe(true);
    expect(optionsProvider(module)).toMatchObject({ provide: INFISICAL_MODULE_OPTIONS, useValue: { enabled: false } });
  });

  it.each([null, 'options', ['a'], 7])('forRoot / forRootAsync with %p provide that value as the options, for the resolver to report', (value) => {
    for (const module of [InfisicalModule.forRoot(value as never), InfisicalModule.forRootAsync(value as never)]) {
      expect(optionsProvider(module)).toEqual({ provide: INFISICAL_MODULE_OPTIONS, useValue: value });
      expect(find(coreOf(module).providers, SecretStore)).toBeDefined();
    }
  });

  it.each([null, 'options', ['a'], 7])('with %p the registration is the same as with an options object, only the options value differs', (value) => {
    // the registration with the core module's options provider left out
    const withoutOptions = (m: unknown) =>
      m === coreOf(module) ? { ...coreOf(module), providers: coreOf(module).providers?.map((p) => ((p as AnyProvider).provide === INFISICAL_MODULE_OPTIONS ? 'options' : p)) } : m;
    let module: DynamicModule;
    const shape = (registered: DynamicModule) => {
      module = registered;
      // Nest reads an exported dynamic module by its class alone
      const exported = registered.exports?.map((e) => (e as DynamicModule).module ?? e);
      return { ...registered, imports: registered.imports?.map(withoutOptions), exports: exported };
    };
    expect(shape(InfisicalModule.forRoot(value as never))).toEqual(shape(InfisicalModule.forRoot({})));
    expect(shape(InfisicalModule.forRootAsync(value as never))).toEqual(shape(InfisicalModule.forRootAsync({ useFactory: () => ({}) })));
    expect(optionsProvider(InfisicalModule.forRootAsync(value as never))).toEqual({ provide: INFISICAL_MODULE_OPTIONS, useValue: value });
  });

  it('forRoot with options whose extras are set keeps them (global, credentials, namespaces)', () => {
    const module = InfisicalModule.forRoot({ enabled: false, isGlobal: true, credentials: [GmailCredentials], namespaces: [database] });
    expect(module.global).toBe(true);
    expect(module.exports).toEqual([coreOf(module), InfisicalHealthIndicator, GmailCredentials, database.KEY]);
    expect(optionsProvider(module)).toEqual({ provide: INFISICAL_MODULE_OPTIONS, useValue: { enabled: false } });
  });

  it('forRootAsync with a factory keeps it as the options provider', () => {
    const useFactory = () => ({ enabled: false });
    const module = InfisicalModule.forRootAsync({ useFactory, inject: [ConfigService] });
    expect(optionsProvider(module)).toMatchObject({ provide: INFISICAL_MODULE_OPTIONS, inject: [ConfigService] });
  });

  it('forFeature hosts the secrets, groups and namespaces it names and exports their tokens', () => {
    const module = InfisicalModule.forFeature({ secrets: ['A'], groups: { pay: ['B'] }, namespaces: [database] });
    expect(module.module).toBe(InfisicalFeatureModule);
    expect(module.exports).toEqual([getSecretToken('A'), getSecretGroupToken('pay'), database.KEY]);
    expect((module.providers as AnyProvider[]).map((p) => p.provide)).toEqual(module.exports);
  });
});

describe('decorators', () => {
  it('tokens are the prefix and the name; @InjectSecret / @InjectSecretGroup inject them', () => {
    expect(getSecretToken('STRIPE_KEY')).toBe('INFISICAL_SECRET:STRIPE_KEY');
    expect(getSecretGroupToken('payments')).toBe('INFISICAL_SECRET_GROUP:payments');
    class Consumer {
      constructor(
        readonly key: unknown,
        readonly group: unknown,
      ) {}
    }
    InjectSecret('STRIPE_KEY')(Consumer, undefined, 0);
    InjectSecretGroup('payments')(Consumer, undefined, 1);
    expect(Reflect.getMetadata('self:paramtypes', Consumer)).toEqual(
      expect.arrayContaining([
        { index: 0, param: 'INFISICAL_SECRET:STRIPE_KEY' },
        { index: 1, param: 'INFISICAL_SECRET_GROUP:payments' },
      ]),
    );
  });
});
