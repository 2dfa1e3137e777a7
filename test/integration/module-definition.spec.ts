import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { GeminiCredentials, InfisicalModule } from '../../src/infisical/index.js';
import { APP_DEV, APP_PROJECT_ID, APP_VALUES, createAppSeed, credentialValues } from '../support/fixtures/app-seed.js';
import { optionsFor } from '../support/infisical-app.js';
import { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { LogCapture } from '../support/log-capture.js';

/**
 * A static AppModule evaluates `InfisicalModule.forRoot*()` once per process; every application built from it (e2e
 * suites create many) must still load its own values.
 */
describe('one module definition, several applications', () => {
  let server: LocalInfisicalServer;
  let AppModule: new () => object;

  beforeAll(async () => {
    server = await LocalInfisicalServer.start({ seed: createAppSeed() });
    const url = server.url;
    @Module({
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true }),
        InfisicalModule.forRootAsync({
          credentials: [GeminiCredentials],
          useFactory: () => optionsFor({ url }, APP_DEV, 'dev', { startupTimeoutMs: 1000 }),
        }),
      ],
    })
    class StaticAppModule {}
    AppModule = StaticAppModule;
  });
  afterAll(() => server.close());

  async function boot() {
    const ref = await Test.createTestingModule({ imports: [AppModule] }).setLogger(new LogCapture()).compile();
    return ref.createNestApplication().init();
  }

  it('each application gets the values Infisical has when it boots, in ConfigService as well', async () => {
    const first = await boot();
    expect(first.get(ConfigService).get('GEMINI_API_KEY')).toBe(APP_VALUES.dev.GEMINI_API_KEY);
    await first.close();

    const rotated = credentialValues('dev', '7').GEMINI_API_KEY!;
    server.setSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key: 'GEMINI_API_KEY', value: rotated });
    const second = await boot();
    expect(second.get(GeminiCredentials).apiKey).toBe(rotated);
    expect(second.get(ConfigService).get('GEMINI_API_KEY')).toBe(rotated);
    await second.close();
  });

  it('a failed bootstrap does not poison the next application', async () => {
    server.injectFault({ kind: 'status', status: 500 });
    await expect(boot()).rejects.toThrow(/HTTP 500/);
    server.clearFaults();
    const app = await boot();
    expect(app.get(ConfigService).get('APP_GREETING')).toBe('Hello from dev');
    await app.close();
  });
});
