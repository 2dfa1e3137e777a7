import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { INFISICAL_CLOCK, InfisicalModule, infisicalConfigLoader, registerSecretsAs, SecretStore } from '../../src/infisical/index.js';
import { DatabaseConnection, DatabaseModule } from '../support/database-style.module.js';
import { APP_DEV, APP_PROJECT_ID, createAppSeed, DEV_DATABASE_URL } from '../support/fixtures/app-seed.js';
import { optionsFor, rejectionOf } from '../support/infisical-app.js';
import { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { LogCapture } from '../support/log-capture.js';
import { ManualClock } from '../support/manual-clock.js';

const databaseConfig = registerSecretsAs('database', (secrets) => ({ url: secrets.DATABASE_URL as string }));

/** A database-style factory with `inject: [ConfigService]` alone, as TypeORM / Mongoose / Bull users write it. */
const database = () =>
  DatabaseModule.forRootAsync({
    inject: [ConfigService],
    useFactory: (config: ConfigService) => ({ type: 'postgres', url: config.getOrThrow<string>('DATABASE_URL') }),
  });

describe('infisicalConfigLoader: inject: [ConfigService] alone in another module’s factory', () => {
  let clock: ManualClock;
  let server: LocalInfisicalServer;
  let app: INestApplicationContext | undefined;

  beforeEach(async () => {
    clock = new ManualClock();
    server = await LocalInfisicalServer.start({ seed: createAppSeed(), now: clock.now });
    server.setSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key: 'DATABASE_URL', value: DEV_DATABASE_URL });
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await server.close();
  });

  async function boot(imports: Array<DynamicModule | Promise<DynamicModule>>) {
    const logs = new LogCapture();
    const ref = await Test.createTestingModule({ imports }).overrideProvider(INFISICAL_CLOCK).useValue(clock).setLogger(logs).compile();
    app = await ref.createNestApplication({ logger: logs }).init();
    return app;
  }
  const registration = () =>
    InfisicalModule.forRootAsync({
      isGlobal: true,
      namespaces: [databaseConfig],
      imports: [ConfigModule],
      inject: [ConfigService],
      useFactory: () => optionsFor(server, APP_DEV, 'dev'),
    });

  it('without the loader, the factory runs before the Infisical values are in ConfigService (why the loader exists)', async () => {
    const error = await rejectionOf(boot([ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true }), registration(), database()]));
    expect(error.message).toContain('Configuration key "DATABASE_URL" does not exist');
  });

  it('with the loader in ConfigModule.forRoot({ load }), the factory reads DATABASE_URL; the module keeps its one store', async () => {
    const infisical = registration();
    const ready = await boot([ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [infisicalConfigLoader(infisical)] }), infisical, database()]);
    expect(ready.get(DatabaseConnection).options).toEqual({ type: 'postgres', url: DEV_DATABASE_URL });
    expect(ready.get(ConfigService).get('database.url')).toBe(DEV_DATABASE_URL);
    expect(ready.get(SecretStore).keyInfo().DATABASE_URL?.source).toBe('infisical');
    expect(server.requests.filter((r) => r.path.includes('/secrets')).length).toBe(1);
  });

  it('a factory that imports the static ConfigModule gets a ConfigService that does not wait for load (docs/reading-secrets.md: do not add it)', async () => {
    const infisical = registration();
    const early = DatabaseModule.forRootAsync({
      imports: [ConfigModule],
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({ url: config.getOrThrow<string>('DATABASE_URL') }),
    });
    const error = await rejectionOf(boot([ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [infisicalConfigLoader(infisical)] }), infisical, early]));
    expect(error.message).toContain('Configuration key "DATABASE_URL" does not exist');
  });

  it('works with static options (forRoot) and boots again from the same registration (a second application)', async () => {
    const infisical = InfisicalModule.forRoot({ ...optionsFor(server, APP_DEV, 'dev'), isGlobal: true });
    const imports = [ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [infisicalConfigLoader(infisical)] }), infisical, database()];
    expect((await boot(imports)).get(DatabaseConnection).options.url).toBe(DEV_DATABASE_URL);
    await app!.close();
    app = undefined;
    expect((await boot(imports)).get(DatabaseConnection).options.url).toBe(DEV_DATABASE_URL);
  });
});
