import { describe, expect, it } from '@jest/globals';
import type { DynamicModule, FactoryProvider } from '@nestjs/common';
import { InfisicalOptionsError } from '../../src/infisical/errors/options.error.js';
import { infisicalConfigLoader, StoreRendezvous } from '../../src/infisical/infisical-config.loader.js';
import { InfisicalModule } from '../../src/infisical/infisical.module.js';
import { SecretStore } from '../../src/infisical/store/secret-store.js';
import { flushMicrotasks } from '../support/deferred.js';

/** Whether `promise` has settled after the pending microtasks ran. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await flushMicrotasks();
  return done;
}

describe('StoreRendezvous', () => {
  it('keeps a load waiting until a store arrives, then releases every waiting load', async () => {
    const rendezvous = new StoreRendezvous();
    const first = rendezvous.wait();
    const second = rendezvous.wait();
    expect(await settled(first)).toBe(false);
    rendezvous.arrive();
    expect(await settled(first)).toBe(true);
    expect(await settled(second)).toBe(true);
  });

  it('remembers a store that arrived before its load, for that one load only', async () => {
    const rendezvous = new StoreRendezvous();
    rendezvous.arrive();
    expect(await settled(rendezvous.wait())).toBe(true);
    expect(await settled(rendezvous.wait())).toBe(false);
  });

  it('does not remember a store that released waiting loads', async () => {
    const rendezvous = new StoreRendezvous();
    void rendezvous.wait();
    rendezvous.arrive();
    expect(await settled(rendezvous.wait())).toBe(false);
  });
});

describe('infisicalConfigLoader', () => {
  const linkOf = (module: DynamicModule) => module.providers!.at(-1) as FactoryProvider;

  it('adds to the registration a provider that waits for its SecretStore and releases the load', async () => {
    const registration = InfisicalModule.forRoot({ projectId: 'p' });
    const before = registration.providers!.length;
    const load = infisicalConfigLoader(registration);
    expect(registration.providers).toHaveLength(before + 1);
    const link = linkOf(registration);
    expect(link.inject).toEqual([SecretStore]);
    expect(typeof link.provide).toBe('symbol');
    const loaded = load();
    expect(await settled(loaded)).toBe(false);
    expect(link.useFactory()).toBeUndefined();
    await expect(loaded).resolves.toEqual({});
  });

  it('gives each loader its own provider, so two registrations do not release each other', async () => {
    const a = InfisicalModule.forRoot({ projectId: 'a' });
    const b = InfisicalModule.forRoot({ projectId: 'b' });
    const loadA = infisicalConfigLoader(a);
    infisicalConfigLoader(b);
    expect(linkOf(a).provide).not.toBe(linkOf(b).provide);
    const loaded = loadA();
    linkOf(b).useFactory();
    expect(await settled(loaded)).toBe(false);
    linkOf(a).useFactory();
    expect(await settled(loaded)).toBe(true);
  });

  it('adds the provider to a registration without providers', () => {
    const registration: DynamicModule = { module: InfisicalModule };
    infisicalConfigLoader(registration);
    expect(registration.providers).toHaveLength(1);
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a class', InfisicalModule],
    ['forFeature', InfisicalModule.forFeature({ secrets: ['A'] })],
    ['another module', { module: class OtherModule {} }],
  ])('refuses %s with the option, the problem and the fix', (_name, registration) => {
    let error: unknown;
    try {
      infisicalConfigLoader(registration as unknown as DynamicModule);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InfisicalOptionsError);
    const problems = (error as InfisicalOptionsError).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]!.option).toBe('infisicalConfigLoader(registration)');
    expect(problems[0]!.problem).toContain('takes what InfisicalModule.forRoot / forRootAsync returns');
    expect(problems[0]!.problem).toContain('load: [infisicalConfigLoader(infisical)]');
  });
});
