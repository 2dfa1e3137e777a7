/** Building blocks shared by the scenarios: module definitions of the compared apps and how to time a boot. */
import { InfisicalSDK } from '@infisical/sdk';
import type { INestApplicationContext, ModuleMetadata } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { GeminiCredentials, InfisicalModule, type InfisicalModuleOptions } from '../../src/infisical/index.js';
import { APP_DEV, APP_PROJECT_ID, APP_VALUES } from '../../test/support/fixtures/app-seed.js';
import { ALL_CREDENTIALS } from '../../test/support/infisical-app.js';
import { msSince } from './stats.js';

/** The six keys of the `dev` environment (five credentials and APP_GREETING). */
export const DEV_KEYS = Object.keys(APP_VALUES.dev);

/** Module options reading `environment` as the dev identity from `siteUrl`. */
export function moduleOptions(siteUrl: string, environment = 'dev', extra: InfisicalModuleOptions = {}): InfisicalModuleOptions {
  return {
    siteUrl,
    projectId: APP_PROJECT_ID,
    environment,
    auth: { universalAuth: { clientId: APP_DEV.clientId, clientSecret: APP_DEV.clientSecret } },
    ...extra,
  };
}

/** (a) Baseline: `@nestjs/config` alone, values handed over by a synchronous `load` factory. */
export function plainConfigApp(values: Record<string, string>): ModuleMetadata {
  return { imports: [ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => values] })] };
}

/** (b) This module: `InfisicalModule.forRoot` with every credential class registered. */
export function infisicalApp(options: InfisicalModuleOptions): ModuleMetadata {
  return {
    imports: [
      ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true }),
      InfisicalModule.forRoot({ ...options, isGlobal: true, credentials: ALL_CREDENTIALS }),
    ],
  };
}

export const NAIVE_SECRETS = 'NAIVE_SECRETS';

/**
 * (c) What one writes by hand without the module: an async provider that logs in with the SDK and reads each key
 * with `getSecret` (one request per key, awaited one after the other).
 */
export function naiveApp(siteUrl: string, keys: readonly string[] = DEV_KEYS): ModuleMetadata {
  return {
    imports: [ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true })],
    providers: [
      {
        provide: NAIVE_SECRETS,
        useFactory: async () => {
          const sdk = new InfisicalSDK({ siteUrl });
          await sdk.auth().universalAuth.login({ clientId: APP_DEV.clientId, clientSecret: APP_DEV.clientSecret });
          const values: Record<string, string> = {};
          for (const secretName of keys) {
            const secret = await sdk.secrets().getSecret({ projectId: APP_PROJECT_ID, environment: 'dev', secretName });
            values[secretName] = secret.secretValue;
          }
          return values;
        },
      },
    ],
    exports: [NAIVE_SECRETS],
  };
}

/**
 * Times `NestFactory.createApplicationContext(…)` → `init()` with `{ logger: false }`, building the module
 * definition inside the timed section (calling `forRoot` is part of starting the app).
 */
export async function timeBoot(build: () => ModuleMetadata): Promise<{ ms: number; app: INestApplicationContext }> {
  const started = process.hrtime.bigint();
  const app = await NestFactory.createApplicationContext(build(), { logger: false });
  await app.init();
  return { ms: msSince(started), app };
}

/** Fails loudly when a booted app does not serve the expected dev Gemini key. */
export function expectGemini(app: INestApplicationContext): void {
  const got = app.get(GeminiCredentials).apiKey;
  if (got !== APP_VALUES.dev.GEMINI_API_KEY) throw new Error('the booted app serves a wrong GEMINI_API_KEY');
}
