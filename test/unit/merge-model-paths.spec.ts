/**
 * One merge model on every path: bootstrap, `forFeature` / namespace registration, refresh and the `process.env`
 * mirror give the same verdict for the same inputs. Driven through the composition root with a scripted `fetch`, a
 * ManualClock and a private or the real process environment. No Nest application, no sockets.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { assembleSecretStore, type SecretStoreEnvironment } from '../../src/infisical/assembly/create-secret-store.js';
import { registerSecretsAs } from '../../src/infisical/config/register-secrets-as.js';
import { InfisicalConfigValidationError } from '../../src/infisical/errors/configuration.errors.js';
import { InfisicalOptionsError } from '../../src/infisical/errors/options.error.js';
import type { InfisicalModuleOptions } from '../../src/infisical/interfaces/infisical-module-options.interface.js';
import type { SecretStore } from '../../src/infisical/store/secret-store.js';
import { ScriptedInfisical } from '../support/fakes/scripted-infisical-fetch.fake.js';
import { LogCapture } from '../support/log-capture.js';
import { ManualClock } from '../support/manual-clock.js';

const AUTH = { universalAuth: { clientId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', clientSecret: 'client-secret-value-0123456789abcdef' } };
const BASE: InfisicalModuleOptions = { siteUrl: 'https://infisical.example', projectId: 'project-1', environment: 'prod', secretPath: '/app', auth: AUTH, cacheTtlSeconds: 60 };
const FEATURE = "InfisicalModule.forFeature (@InjectSecret('MERGE_STRIPE_KEY'))";
const KEY = 'MERGE_STRIPE_KEY';

let capture: LogCapture;
let clock: ManualClock;
let infisical: ScriptedInfisical;
const stores: SecretStore[] = [];

beforeEach(() => {
  capture = new LogCapture(false);
  Logger.overrideLogger(capture);
  clock = new ManualClock();
  infisical = new ScriptedInfisical(clock);
  delete process.env[KEY];
});

afterEach(async () => {
  for (const store of stores.splice(0)) await store.onApplicationShutdown();
  Logger.overrideLogger(new ConsoleLogger());
  delete process.env[KEY];
});

async function start(options: InfisicalModuleOptions, env: NodeJS.ProcessEnv | undefined) {
  const configHost: Record<string, unknown> = {};
  const configService = new ConfigService(configHost);
  const context: SecretStoreEnvironment = { clock, credentials: [], configService, configHost, env, random: () => 0.5 };
  const { store } = await assembleSecretStore({ fetch: infisical.fetch, ...options }, context);
  stores.push(store);
  return { store, configService };
}

function failureOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('did not throw');
}

describe('item 1: a key required after bootstrap, absent in Infisical, set in the operator environment', () => {
  it('forFeature: boots with the environment value (source env), in ConfigService too, and keeps it at refresh', async () => {
    const { store, configService } = await start(BASE, { [KEY]: 'sk_test_from_env' });
    store.requireKeys([KEY], FEATURE);
    expect(store.get(KEY)).toBe('sk_test_from_env');
    expect(store.keyInfo()[KEY]).toEqual({ source: 'env' });
    expect(store.status().keys[KEY]).toEqual(expect.objectContaining({ source: 'env' }));
    expect(configService.get(KEY)).toBe('sk_test_from_env');
    expect(store.get('DATABASE_URL')).toBe('postgres://db-secret-value');

    await expect(store.refreshNow()).resolves.toBe(true);
    expect(store.get(KEY)).toBe('sk_test_from_env');
    expect(store.status().state).toBe('up');
  });

  it('a registerSecretsAs namespace reading the key boots with the environment value', async () => {
    const { store } = await start(BASE, { [KEY]: 'sk_test_from_env' });
    const payments = registerSecretsAs('payments', (secrets) => ({ key: secrets[KEY] }));
    expect(store.namespace(payments)).toEqual({ key: 'sk_test_from_env' });
  });

  it('Infisical disabled: the same fallback', async () => {
    const { store } = await start({ enabled: false }, { [KEY]: 'sk_test_from_env' });
    store.requireKeys([KEY], FEATURE);
    expect(store.get(KEY)).toBe('sk_test_from_env');
  });

  it('still refused, naming the key and the fix, when neither Infisical nor the environment has it (or it is empty)', async () => {
    const { store } = await start(BASE, { [KEY]: '' });
    const error = failureOf(() => store.requireKeys([KEY, 'DATABASE_URL'], FEATURE)) as InfisicalConfigValidationError;
    expect(error).toBeInstanceOf(InfisicalConfigValidationError);
    expect(error.issues.map((i) => i.key)).toEqual([KEY]);
    expect(error.issues[0]!.messages).toEqual(['not set', `required by ${FEATURE}`]);
    expect(error.issues[0]!.fix).toMatch(new RegExp(`add ${KEY} to Infisical .*, or set it in the process environment / \\.env`));
    expect(store.get(KEY)).toBeUndefined();
  });

  it('an empty value in Infisical is refused at registration as at refresh', async () => {
    infisical.folders['/app']![KEY] = '';
    const { store } = await start(BASE, {});
    expect(failureOf(() => store.requireKeys([KEY], FEATURE))).toBeInstanceOf(InfisicalConfigValidationError);
  });
});

describe('item 2: the mirror never reads its own writes as the operator environment', () => {
  it('a mirrored key deleted in Infisical brings back the operator value in every view', async () => {
    process.env[KEY] = 'sk_operator';
    infisical.folders['/app']![KEY] = 'sk_from_infisical';
    const { store, configService } = await start({ ...BASE, mirrorToProcessEnv: [KEY] }, undefined);
    store.requireKeys([KEY], FEATURE);
    expect(process.env[KEY]).toBe('sk_from_infisical');

    delete infisical.folders['/app']![KEY];
    await expect(store.refreshNow()).resolves.toBe(true);
    expect(store.get(KEY)).toBe('sk_operator');
    expect(configService.get(KEY)).toBe('sk_operator');
    expect(process.env[KEY]).toBe('sk_operator');
    expect(store.keyInfo()[KEY]).toEqual({ source: 'env' });
  });

  it('a required mirrored key deleted in Infisical with no operator value: refresh rejected, last good kept, degraded, key named', async () => {
    infisical.folders['/app']![KEY] = 'sk_from_infisical';
    const { store, configService } = await start({ ...BASE, mirrorToProcessEnv: [KEY] }, undefined);
    store.requireKeys([KEY], FEATURE);
    delete infisical.folders['/app']![KEY];
    await expect(store.refreshNow()).resolves.toBe(false);
    expect(store.get(KEY)).toBe('sk_from_infisical');
    expect(configService.get(KEY)).toBe('sk_from_infisical');
    expect(process.env[KEY]).toBe('sk_from_infisical');
    expect(store.status().state).toBe('degraded');
    expect(capture.text).toContain(KEY);
  });

  it('an operator change of the variable after the mirror wrote is the new operator value', async () => {
    infisical.folders['/app']![KEY] = 'sk_from_infisical';
    const { store } = await start({ ...BASE, mirrorToProcessEnv: [KEY] }, undefined);
    store.requireKeys([KEY], FEATURE);
    process.env[KEY] = 'sk_operator_later';
    delete infisical.folders['/app']![KEY];
    await expect(store.refreshNow()).resolves.toBe(true);
    expect(store.get(KEY)).toBe('sk_operator_later');
    expect(process.env[KEY]).toBe('sk_operator_later');
  });
});

describe('item 3: what the environment cannot hold is refused, not cut', () => {
  it.each(['hasOwnProperty', 'toString', '__proto__', 'constructor', 'valueOf', 'A=B', 'A\0B', ''])('mirror name %j is refused by name', async (name) => {
    const failure = await start({ ...BASE, mirrorToProcessEnv: [name] }, {}).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InfisicalOptionsError);
    expect((failure as InfisicalOptionsError).problems).toEqual([{ option: 'mirrorToProcessEnv', problem: expect.stringContaining('') }]);
    expect((failure as Error).message).toMatch(/mirrorToProcessEnv/);
  });

  it('a mirrored value containing NUL fails bootstrap naming the key; process.env is untouched', async () => {
    infisical.folders['/app']![KEY] = 'sk_before\0after';
    const failure = await start({ ...BASE, mirrorToProcessEnv: [KEY] }, undefined).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InfisicalConfigValidationError);
    expect((failure as InfisicalConfigValidationError).issues).toEqual([expect.objectContaining({ key: KEY, kind: 'malformed', messages: [expect.stringContaining('NUL')] })]);
    expect((failure as Error).message).not.toContain('sk_before');
    expect(process.env[KEY]).toBeUndefined();
  });

  it('a refresh bringing a NUL into a mirrored value is rejected and the last good value kept', async () => {
    infisical.folders['/app']![KEY] = 'sk_good';
    const { store } = await start({ ...BASE, mirrorToProcessEnv: [KEY] }, undefined);
    infisical.folders['/app']![KEY] = 'sk_bad\0tail';
    await expect(store.refreshNow()).resolves.toBe(false);
    expect(store.get(KEY)).toBe('sk_good');
    expect(process.env[KEY]).toBe('sk_good');
    expect(capture.text).toContain(KEY);
  });
});
