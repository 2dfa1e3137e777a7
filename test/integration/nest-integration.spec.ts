import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Inject, Injectable, type DynamicModule, type INestApplicationContext, type Type } from '@nestjs/common';
import { ConfigModule, ConfigService, type ConfigChangeEvent, type ConfigType } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  INFISICAL_CLOCK,
  InfisicalModule,
  InjectSecret,
  registerSecretsAs,
  SecretRef,
  SecretStore,
  type InfisicalModuleOptions,
} from '../../src/infisical/index.js';
import { DatabaseConnection, DatabaseModule } from '../support/database-style.module.js';
import { APP_DEV, APP_PROJECT_ID, APP_VALUES, createAppSeed, DEV_DATABASE_URL } from '../support/fixtures/app-seed.js';
import { optionsFor, rejectionOf } from '../support/infisical-app.js';
import { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { findLeaks, LogCapture } from '../support/log-capture.js';
import { ManualClock } from '../support/manual-clock.js';

const TTL_MS = 60_000;
const guide = readFileSync(fileURLToPath(new URL('../../docs/reading-secrets.md', import.meta.url)), 'utf8');
/** The guide's text with the indentation after each line break removed (its snippets are complete files). */
const squeeze = (text: string) => text.replace(/\n\s+/g, '\n');

/** The namespace of docs/reading-secrets.md. */
const databaseConfig = registerSecretsAs('database', (secrets) => ({ type: 'postgres' as const, url: secrets.DATABASE_URL as string }));
/** A namespace reading two secrets. */
const appConfig = registerSecretsAs('app', (secrets) => ({ greeting: secrets.APP_GREETING as string, database: secrets.DATABASE_URL as string }));

/** NestJS integration the way applications write it: other modules' factories, namespaces, forFeature, mistakes. */
describe('NestJS integration', () => {
  let clock: ManualClock;
  let server: LocalInfisicalServer;
  let app: INestApplicationContext | undefined;
  let logs: LogCapture;

  beforeEach(async () => {
    clock = new ManualClock();
    logs = new LogCapture();
    server = await LocalInfisicalServer.start({ seed: createAppSeed(), now: clock.now });
    server.setSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key: 'DATABASE_URL', value: DEV_DATABASE_URL });
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await server.close();
  });

  async function boot(imports: Array<DynamicModule | Type<unknown>>, providers: Type<unknown>[] = [], root: Partial<Parameters<typeof InfisicalModule.forRoot>[0]> = {}) {
    const ref = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true }),
        InfisicalModule.forRoot({ ...options(), isGlobal: true, ...root }),
        ...imports,
      ],
      providers,
    })
      .overrideProvider(INFISICAL_CLOCK)
      .useValue(clock)
      .setLogger(logs)
      .compile();
    app = await ref.createNestApplication({ logger: logs }).init();
    return app;
  }
  const options = (): InfisicalModuleOptions => optionsFor(server, APP_DEV, 'dev', { cacheTtlSeconds: TTL_MS / 1000 });
  const advance = (ms: number) => clock.advanceAsync(ms, () => app!.get(SecretStore).whenSettled());
  const refresh = () => advance(TTL_MS * 1.1 + 1);

  describe("another module's forRootAsync factory", () => {
    it('reads DATABASE_URL through ConfigService with the recipe of docs/reading-secrets.md (inject: [ConfigService, SecretStore])', async () => {
      // The guide's snippet, with DatabaseModule in place of TypeOrmModule.
      expect(squeeze(guide)).toContain("\ninject: [ConfigService, SecretStore], // SecretStore: wait for the Infisical values\nuseFactory: (config: ConfigService) => ({ type: 'postgres', url: config.getOrThrow('DATABASE_URL') }),");
      const ready = await boot([
        DatabaseModule.forRootAsync({
          inject: [ConfigService, SecretStore], // SecretStore: wait for the Infisical values
          useFactory: (config: ConfigService) => ({ type: 'postgres', url: config.getOrThrow('DATABASE_URL') }),
        }),
      ]);
      expect(ready.get(DatabaseConnection).options).toEqual({ type: 'postgres', url: DEV_DATABASE_URL });
    });

    it('reads a registerSecretsAs namespace through its asProvider() (the @nestjs/config recipe)', async () => {
      const ready = await boot([DatabaseModule.forRootAsync(databaseConfig.asProvider())]);
      expect(ready.get(DatabaseConnection).options.url).toBe(DEV_DATABASE_URL);
    });
  });

  describe('registerSecretsAs', () => {
    @Injectable()
    class Repository {
      constructor(@Inject(databaseConfig.KEY) readonly db: ConfigType<typeof databaseConfig>) {}
    }

    it('is injected with @Inject(x.KEY), read with ConfigService.get("ns.key"), and follows a rotation', async () => {
      expect(guide).toContain("export const databaseConfig = registerSecretsAs('database', (secrets) => ({ type: 'postgres' as const, url: secrets.DATABASE_URL as string }));");
      const ready = await boot([], [Repository], { namespaces: [databaseConfig] });
      const config = ready.get(ConfigService);
      const { db } = ready.get(Repository);
      expect(db).toEqual({ type: 'postgres', url: DEV_DATABASE_URL });
      expect(config.get('database.url')).toBe(DEV_DATABASE_URL);
      expect(config.get<{ url: string }>('database')).toBe(db);
      expect(process.env['database.url']).toBeUndefined();

      const events: ConfigChangeEvent[] = [];
      config.changes$.subscribe((e) => events.push(e));
      const rotated = 'postgres://app:rotated-db-password-8123@db.dev.internal:5432/app';
      server.setSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key: 'DATABASE_URL', value: rotated });
      await refresh();
      expect(db.url).toBe(rotated);
      expect(config.get('database.url')).toBe(rotated);
      expect(events).toEqual([
        { path: 'DATABASE_URL', oldValue: DEV_DATABASE_URL, newValue: rotated },
        { path: 'database.url', oldValue: DEV_DATABASE_URL, newValue: rotated },
      ]);
      expect(Object.keys(process.env).filter((k) => k.startsWith('database'))).toEqual([]);
      expect(findLeaks(logs.text, [DEV_DATABASE_URL, rotated])).toEqual([]);
    });

    it('is accepted by InfisicalModule.forFeature too (one object per namespace)', async () => {
      const ready = await boot([InfisicalModule.forFeature({ namespaces: [databaseConfig, appConfig] })], [Repository], { namespaces: [databaseConfig] });
      expect(ready.get(Repository).db.url).toBe(DEV_DATABASE_URL);
      expect(ready.get(databaseConfig.KEY)).toBe(ready.get(Repository).db);
      expect(ready.get(ConfigService).get('app.greeting')).toBe(APP_VALUES.dev.APP_GREETING);
    });

    it('makes the secrets it reads required: a missing one fails the bootstrap naming the key and the namespace', async () => {
      const broken = registerSecretsAs('broken', (secrets) => ({ url: (secrets.NOT_IN_INFISICAL as string).toLowerCase() }));
      const error = await rejectionOf(boot([], [], { namespaces: [broken] }));
      expect(error.message).toContain('NOT_IN_INFISICAL');
      expect(error.message).toContain("required by registerSecretsAs('broken')");
    });

    it('registered with ConfigModule.forFeature instead of InfisicalModule: one line naming the fix', async () => {
      const error = await rejectionOf(boot([ConfigModule.forFeature(databaseConfig)]));
      expect(error.message).toContain("registerSecretsAs('database')");
      expect(error.message).toContain('add it to namespaces: [...] of InfisicalModule.forRoot / forRootAsync, or use InfisicalModule.forFeature({ namespaces: [...] })');
    });

    it('listed in namespaces but made with registerAs: names the option and the fix', async () => {
      const plain = (() => ({ url: process.env.DATABASE_URL })) as never;
      const error = await rejectionOf(boot([], [], { namespaces: [plain] }));
      expect(error.message).toContain('namespaces: must be an array of registerSecretsAs(');
    });
  });

  describe('refresh-time rules', () => {
    @Injectable()
    class Billing {
      constructor(@InjectSecret('APP_GREETING') readonly greeting: SecretRef) {}
    }

    async function expectRejectedDeletion(key: string) {
      const store = app!.get(SecretStore);
      server.deleteSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key });
      await refresh();
      expect(store.status().state).toBe('degraded');
      expect(store.status().lastError).toContain(`${key}: missing`);
      expect(store.get(key)).toBeDefined();
      expect(app!.get(ConfigService).get(key)).toBe(store.get(key));
      const rejected = logs.find('warn', 'was rejected').concat(logs.find('error', 'was rejected'));
      expect(rejected.join('\n')).toContain(key);
    }

    it('a refresh that deletes a key registered with forFeature is rejected: last good value, degraded, the log names the key', async () => {
      const ready = await boot([InfisicalModule.forFeature({ secrets: ['APP_GREETING'] })], [Billing]);
      const { greeting } = ready.get(Billing);
      await expectRejectedDeletion('APP_GREETING');
      expect(greeting.value).toBe(APP_VALUES.dev.APP_GREETING);
    });

    it('the same for requiredKeys and for a secret a namespace reads', async () => {
      await boot([], [], { requiredKeys: ['APP_GREETING'], namespaces: [databaseConfig] });
      await expectRejectedDeletion('APP_GREETING');
      server.setSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key: 'APP_GREETING', value: 'back' });
      await refresh();
      expect(app!.get(SecretStore).status().state).toBe('up');
      await expectRejectedDeletion('DATABASE_URL');
      expect(app!.get(ConfigService).get('database.url')).toBe(DEV_DATABASE_URL);
    });
  });

  describe('integration mistakes fail at bootstrap with one line naming the fix', () => {
    it('forFeature while forRoot is not global', async () => {
      const ref = Test.createTestingModule({
        imports: [ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true }), InfisicalModule.forRoot(options()), InfisicalModule.forFeature({ secrets: ['APP_GREETING'] })],
      })
        .overrideProvider(INFISICAL_CLOCK)
        .useValue(clock)
        .setLogger(logs);
      const error = await rejectionOf(ref.compile().then((m) => m.createNestApplication({ logger: logs }).init()));
      expect(error.message.split('\n')[1]).toContain('InfisicalModule.forFeature: needs InfisicalModule.forRoot / forRootAsync registered with isGlobal: true');
      expect(error.message).toContain('Fix: add isGlobal: true to InfisicalModule.forRoot*');
    });

    it('credentials returned by useFactory instead of passed beside it', async () => {
      const ref = Test.createTestingModule({
        imports: [
          ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true }),
          InfisicalModule.forRootAsync({ isGlobal: true, useFactory: () => ({ ...options(), credentials: [] }) as InfisicalModuleOptions }),
        ],
      })
        .overrideProvider(INFISICAL_CLOCK)
        .useValue(clock)
        .setLogger(logs);
      const error = await rejectionOf(ref.compile().then((m) => m.createNestApplication({ logger: logs }).init()));
      expect(error.message).toContain('credentials: is a setting of InfisicalModule.forRoot / forRootAsync itself, not an option: pass it beside useFactory');
      expect(error.message).not.toContain('check the spelling');
    });
  });
});
