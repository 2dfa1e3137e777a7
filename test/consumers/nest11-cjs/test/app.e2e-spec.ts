import { ConfigurableModuleBuilder, Inject, Injectable, Module, type INestApplication, type Type } from '@nestjs/common';
import { ConfigService, type ConfigType } from '@nestjs/config';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { GeminiCredentials, InfisicalModule, InjectSecret, registerSecretsAs, SecretRef, SecretStore } from 'nestjs-infisical';
import { AppModule, GeminiClient } from '../src/app.module';

// The local Infisical-compatible server started by test/consumers/run.sh: connection and identity in INFISICAL_*,
// the seed it was started with in INFISICAL_SEED_FILE (the expected values, and what must never be exposed).
const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this suite through test/consumers/run.sh`);
  return value;
};
const siteUrl = required('INFISICAL_SITE_URL');
const projectId = required('INFISICAL_PROJECT_ID');
const environment = required('INFISICAL_ENVIRONMENT');

interface Seed {
  projects: Array<{ id: string; secrets: Array<{ environment: string; path?: string; key: string; value: string }> }>;
  identities: Array<{ clientSecrets: Array<{ secret: string }> }>;
}
const seed = JSON.parse(readFileSync(required('INFISICAL_SEED_FILE'), 'utf8')) as Seed;

const seededValue = (key: string): string => {
  const secrets = seed.projects.find((p) => p.id === projectId)?.secrets ?? [];
  const secret = secrets.find((s) => s.environment === environment && (s.path ?? '/') === '/' && s.key === key);
  if (!secret) throw new Error(`the seed has no ${key} in ${environment}`);
  return secret.value;
};

/** Every seeded value and client secret long enough to be recognisable (log levels such as "info" are not). */
const seededSecrets = [
  ...seed.projects.flatMap((p) => p.secrets.map((s) => s.value)),
  ...seed.identities.flatMap((i) => i.clientSecrets.map((c) => c.secret)),
].filter((value) => value.length > 8);
const leaksIn = (text: string): number => seededSecrets.filter((value) => text.includes(value)).length;

/** The server's admin API (faults, secret changes). */
async function admin(method: 'POST' | 'DELETE', path: string, body: object = {}): Promise<void> {
  const response = await fetch(`${siteUrl}/__admin/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} /__admin/${path} answered HTTP ${response.status}`);
}

/** Runs the package's bin as npm linked it into node_modules/.bin, with this process's INFISICAL_* settings. */
function verifyInfisical(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node_modules/.bin/verify-infisical', args, { env: process.env }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

// A database-style module (TypeORM, Mongoose, Bull): forRootAsync({ inject, useFactory }).
const { ConfigurableModuleClass: DatabaseModuleBase, MODULE_OPTIONS_TOKEN: DATABASE_OPTIONS } = new ConfigurableModuleBuilder<{ type?: string; url: string }>()
  .setClassMethodName('forRoot')
  .build();
@Module({})
class DatabaseModule extends DatabaseModuleBase {}

const databaseConfig = registerSecretsAs('database', (secrets) => ({ url: secrets.DATABASE_URL as string }));

@Injectable()
class Repository {
  constructor(
    @Inject(databaseConfig.KEY) readonly db: ConfigType<typeof databaseConfig>,
    @InjectSecret('DATABASE_URL') readonly url: SecretRef,
  ) {}
}

@Module({
  imports: [
    AppModule,
    DatabaseModule.forRootAsync({
      inject: [ConfigService, SecretStore], // SecretStore: wait for the Infisical values
      useFactory: (config: ConfigService) => ({ url: config.getOrThrow<string>('DATABASE_URL') }),
    }),
    InfisicalModule.forFeature({ secrets: ['DATABASE_URL'], namespaces: [databaseConfig] }),
  ],
  providers: [Repository],
})
class DatabaseAppModule {}

describe('nestjs-infisical in a NestJS 11 CommonJS application', () => {
  let app: INestApplication | undefined;

  async function boot(module: Type<unknown> = AppModule): Promise<INestApplication> {
    const moduleRef = await Test.createTestingModule({ imports: [module] }).compile();
    app = moduleRef.createNestApplication({ logger: ['error'] });
    await app.init();
    return app;
  }

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await admin('DELETE', 'faults');
  });

  it('boots against Infisical and injects the credential into application code', async () => {
    const app = await boot();
    expect(app.get(GeminiClient).headers()).toEqual({ 'x-goog-api-key': seededValue('GEMINI_API_KEY') });
    expect(app.get(GeminiCredentials).apiKey).toBe(seededValue('GEMINI_API_KEY'));
  });

  it('answers /health/infisical with 200 and details (names, sources, versions), never values', async () => {
    const app = await boot();
    const response = await request(app.getHttpServer()).get('/health/infisical');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'ok',
      info: {
        infisical: {
          status: 'up',
          stale: false,
          source: 'infisical',
          environment,
          consecutiveFailures: 0,
          keys: { GEMINI_API_KEY: { source: 'infisical', version: expect.any(Number) } },
        },
      },
    });
    expect(response.body.info.infisical.keyCount).toBeGreaterThan(1);
    expect(leaksIn(response.text)).toBe(0);
  });

  it('@nestjs/config 4: ConfigService.get prefers Infisical over process.env, rotations arrive through set()', async () => {
    const original = seededValue('GEMINI_API_KEY');
    const rotated = 'AIza' + 'RotatedInTheNest11Consumer'.padEnd(35, '0');
    process.env.GEMINI_API_KEY = 'set-in-the-process-environment';
    try {
      const app = await boot();
      const config = app.get(ConfigService);
      expect(config.get('GEMINI_API_KEY')).toBe(original);

      const changes: Array<{ path: string; newValue: unknown }> = [];
      const subscription = config.changes$.subscribe(({ path, newValue }) => changes.push({ path, newValue }));
      await admin('POST', 'secrets', { projectId, environment, key: 'GEMINI_API_KEY', value: rotated });
      await expect(app.get(SecretStore).refresh()).resolves.toBe(true);
      subscription.unsubscribe();

      expect(changes).toEqual([{ path: 'GEMINI_API_KEY', newValue: rotated }]);
      expect(config.get('GEMINI_API_KEY')).toBe(rotated);
      expect(app.get(GeminiClient).headers()['x-goog-api-key']).toBe(rotated);
      expect(process.env.GEMINI_API_KEY).toBe('set-in-the-process-environment');
    } finally {
      delete process.env.GEMINI_API_KEY;
      await admin('POST', 'secrets', { projectId, environment, key: 'GEMINI_API_KEY', value: original });
    }
  });

  it('terminus 11 has no degraded(): after a failed refresh, health is 200 "up" with stale: true, then recovers', async () => {
    const app = await boot();
    const session = app.get(HealthIndicatorService).check('probe') as object as { degraded?: unknown };
    expect(typeof session.degraded).toBe('undefined');

    const store = app.get(SecretStore);
    const http = request(app.getHttpServer());
    await admin('POST', 'faults', { kind: 'status', status: 503, path: '/api/v3/secrets/raw' });
    await expect(store.refresh()).resolves.toBe(false);

    const stale = await http.get('/health/infisical');
    expect(stale.status).toBe(200);
    expect(stale.body).toMatchObject({
      status: 'ok',
      info: { infisical: { status: 'up', stale: true, source: 'infisical', consecutiveFailures: 1, lastError: expect.any(String) } },
    });
    expect(leaksIn(stale.text)).toBe(0);
    // stale-on-error: the last good value is still served
    expect(app.get(GeminiCredentials).apiKey).toBe(seededValue('GEMINI_API_KEY'));

    await admin('DELETE', 'faults');
    await expect(store.refresh()).resolves.toBe(true);
    const recovered = await http.get('/health/infisical');
    expect(recovered.status).toBe(200);
    expect(recovered.body.info.infisical).toMatchObject({ status: 'up', stale: false, consecutiveFailures: 0 });
  });
});

describe('NestJS 11: other modules, namespaces and forFeature keys', () => {
  const first = 'postgres://app:first-consumer-db-password@db.internal:5432/app';
  const rotated = 'postgres://app:rotated-consumer-db-password@db.internal:5432/app';
  let app: INestApplication | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await admin('DELETE', 'secrets', { projectId, environment, key: 'DATABASE_URL' }).catch(() => undefined);
  });

  it('a forRootAsync factory reads DATABASE_URL through ConfigService; a registerSecretsAs namespace follows a rotation; a deleted forFeature key keeps its last value', async () => {
    await admin('POST', 'secrets', { projectId, environment, key: 'DATABASE_URL', value: first });
    const moduleRef = await Test.createTestingModule({ imports: [DatabaseAppModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    const config = app.get(ConfigService);
    const repository = app.get(Repository);
    const store = app.get(SecretStore);
    expect(app.get(DATABASE_OPTIONS)).toEqual({ url: first });
    expect([repository.db.url, config.get('database.url'), repository.url.value]).toEqual([first, first, first]);

    await admin('POST', 'secrets', { projectId, environment, key: 'DATABASE_URL', value: rotated });
    await expect(store.refresh()).resolves.toBe(true);
    expect([repository.db.url, config.get('database.url'), repository.url.value]).toEqual([rotated, rotated, rotated]);

    await admin('DELETE', 'secrets', { projectId, environment, key: 'DATABASE_URL' });
    await expect(store.refresh()).resolves.toBe(false);
    const health = await request(app.getHttpServer()).get('/health/infisical');
    expect(health.status).toBe(200);
    expect(health.body.info.infisical).toMatchObject({ status: 'up', stale: true }); // terminus 11: no degraded()
    expect(health.body.info.infisical.lastError).toContain('DATABASE_URL');
    expect([repository.db.url, config.get('database.url'), repository.url.value]).toEqual([rotated, rotated, rotated]);
    expect(health.text).not.toContain(rotated);
  });
});

describe("NestJS 11: the README's infisicalConfigLoader recipe", () => {
  // AppModule registers ConfigModule.forRoot({ isGlobal: true, load: [infisicalConfigLoader(infisical)] }).
  @Module({
    imports: [
      AppModule,
      DatabaseModule.forRootAsync({
        inject: [ConfigService],
        useFactory: (config: ConfigService) => ({ type: 'postgres', url: config.getOrThrow('DATABASE_URL') }),
      }),
    ],
  })
  class ConfigServiceOnlyModule {}
  const url = 'postgres://app:loader-consumer-db-password@db.internal:5432/app';
  let app: INestApplication | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await admin('DELETE', 'secrets', { projectId, environment, key: 'DATABASE_URL' }).catch(() => undefined);
  });

  it('a database-style factory with inject: [ConfigService] alone boots and reads DATABASE_URL from Infisical', async () => {
    await admin('POST', 'secrets', { projectId, environment, key: 'DATABASE_URL', value: url });
    const moduleRef = await Test.createTestingModule({ imports: [ConfigServiceOnlyModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    expect(app.get(DATABASE_OPTIONS)).toEqual({ type: 'postgres', url });
    expect(app.get(SecretStore).keyInfo()['DATABASE_URL']?.source).toBe('infisical');
  });
});

describe('NestJS 11: the opt-in process.env mirror', () => {
  it('INFISICAL_MIRROR_TO_PROCESS_ENV=GEMINI_API_KEY puts that key, and only it, into process.env until shutdown', async () => {
    process.env.INFISICAL_MIRROR_TO_PROCESS_ENV = 'GEMINI_API_KEY';
    delete process.env.GEMINI_API_KEY;
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const app = moduleRef.createNestApplication({ logger: ['error'] });
    try {
      await app.init();
      expect(process.env.GEMINI_API_KEY).toBe(seededValue('GEMINI_API_KEY'));
      expect(Object.values(process.env).filter((v) => v !== undefined && seed.projects.some((p) => p.secrets.some((s) => s.value === v)))).toEqual([seededValue('GEMINI_API_KEY')]);
    } finally {
      await app.close();
      delete process.env.INFISICAL_MIRROR_TO_PROCESS_ENV;
    }
    expect(process.env.GEMINI_API_KEY).toBeUndefined();
  });
});

describe('the verify-infisical bin in a CommonJS application', () => {
  it('passes every check with a CommonJS --schema, naming keys but no values', async () => {
    const { code, stdout, stderr } = await verifyInfisical('--credentials', 'gemini', '--schema', 'test/app-schema.js#AppSchema', '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { ok: boolean; steps: Array<{ status: string; detail: string }> };
    expect(report.ok).toBe(true);
    expect(report.steps.length).toBeGreaterThan(0);
    expect(report.steps.filter((step) => step.status !== 'passed')).toEqual([]);
    expect(report.steps.map((step) => step.detail).join('\n')).toContain('AppSchema (Standard Schema, nest11-consumer)');
    expect(leaksIn(stdout + stderr)).toBe(0);
  });

  it('fails when the loaded schema is not satisfied', async () => {
    const { code, stdout, stderr } = await verifyInfisical('--schema', 'test/app-schema.js#StrictSchema', '--json');
    expect(code).toBeGreaterThan(1);
    expect(stdout).toContain('STRIPE_API_KEY');
    expect(leaksIn(stdout + stderr)).toBe(0);
  });
});
