import 'reflect-metadata';
import { ConfigurableModuleBuilder, Inject, Injectable, Module, type INestApplication, type Type } from '@nestjs/common';
import { ConfigModule, ConfigService, type ConfigType } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { HealthIndicatorService } from '@nestjs/terminus';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createSign, generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { afterEach, describe, it } from 'node:test';
import { GeminiCredentials, InfisicalModule, InjectSecret, registerSecretsAs, SecretRef, SecretStore } from 'nestjs-infisical';
import { AppModule, GeminiClient } from '../src/app.module.js';

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
  identities: Array<{ id: string; clientId: string; clientSecrets: Array<{ secret: string }> }>;
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

interface Health {
  status: number;
  text: string;
  body: { status: string; info?: Record<string, Record<string, unknown>>; details: Record<string, Record<string, unknown>> };
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

describe('nestjs-infisical in a NestJS 12 ESM application', () => {
  let app: INestApplication | undefined;
  let baseUrl = '';

  async function boot(module: Type<unknown> = AppModule): Promise<INestApplication> {
    app = await NestFactory.create(module, { logger: ['error'], abortOnError: false });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    return app;
  }

  async function health(): Promise<Health> {
    const response = await fetch(`${baseUrl}/health/infisical`);
    const text = await response.text();
    return { status: response.status, text, body: JSON.parse(text) as Health['body'] };
  }

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await admin('DELETE', 'faults');
  });

  it('is one module: import and require() give the same classes', () => {
    const required = createRequire(import.meta.url)('nestjs-infisical') as typeof import('nestjs-infisical');
    assert.equal(required.InfisicalModule, InfisicalModule);
    assert.equal(required.SecretStore, SecretStore);
  });

  it('boots against Infisical and injects the credential into application code', async () => {
    const app = await boot();
    assert.deepEqual(app.get(GeminiClient).headers(), { 'x-goog-api-key': seededValue('GEMINI_API_KEY') });
    assert.equal(app.get(GeminiCredentials).apiKey, seededValue('GEMINI_API_KEY'));
  });

  it('answers /health/infisical with 200 and details (names, sources, versions), never values', async () => {
    await boot();
    const { status, text, body } = await health();
    assert.equal(status, 200);
    assert.equal(body.status, 'ok');
    const details = body.details['infisical'];
    assert.ok(details, 'health details name the infisical indicator');
    assert.equal(details['status'], 'up');
    assert.equal(details['stale'], false);
    assert.equal(details['source'], 'infisical');
    assert.equal(details['environment'], environment);
    assert.equal(details['consecutiveFailures'], 0);
    // names, sources, versions and coordinates only: never a value
    assert.deepEqual(Object.keys((details['keys'] as Record<string, unknown>)['GEMINI_API_KEY'] as object).sort(), ['environment', 'projectId', 'secretPath', 'source', 'version']);
    assert.ok((details['keyCount'] as number) > 1);
    assert.equal(leaksIn(text), 0);
  });

  it('@nestjs/config 12: ConfigService.get prefers Infisical over process.env, rotations arrive through set()', async () => {
    const original = seededValue('GEMINI_API_KEY');
    const rotated = 'AIza' + 'RotatedInTheNest12Consumer'.padEnd(35, '0');
    process.env['GEMINI_API_KEY'] = 'set-in-the-process-environment';
    try {
      const app = await boot();
      const config = app.get(ConfigService);
      assert.equal(config.get('GEMINI_API_KEY'), original);

      const changes: Array<{ path: string; newValue: unknown }> = [];
      const subscription = config.changes$.subscribe(({ path, newValue }) => changes.push({ path, newValue }));
      await admin('POST', 'secrets', { projectId, environment, key: 'GEMINI_API_KEY', value: rotated });
      assert.equal(await app.get(SecretStore).refresh(), true);
      subscription.unsubscribe();

      assert.deepEqual(changes, [{ path: 'GEMINI_API_KEY', newValue: rotated }]);
      assert.equal(config.get('GEMINI_API_KEY'), rotated);
      assert.equal(app.get(GeminiClient).headers()['x-goog-api-key'], rotated);
      assert.equal(process.env['GEMINI_API_KEY'], 'set-in-the-process-environment');
    } finally {
      delete process.env['GEMINI_API_KEY'];
      await admin('POST', 'secrets', { projectId, environment, key: 'GEMINI_API_KEY', value: original });
    }
  });

  it('terminus 12: after a failed refresh, health is 200 "degraded" with stale: true, then recovers', async () => {
    const app = await boot();
    const session = app.get(HealthIndicatorService).check('probe') as object as { degraded?: unknown };
    assert.equal(typeof session.degraded, 'function');

    const store = app.get(SecretStore);
    await admin('POST', 'faults', { kind: 'status', status: 503, path: '/api/v3/secrets/raw' });
    assert.equal(await store.refresh(), false);

    const stale = await health();
    assert.equal(stale.status, 200);
    const details = stale.body.details['infisical'];
    assert.equal(details?.['status'], 'degraded');
    assert.equal(details?.['stale'], true);
    assert.equal(details?.['consecutiveFailures'], 1);
    assert.equal(typeof details?.['lastError'], 'string');
    assert.equal(leaksIn(stale.text), 0);
    // stale-on-error: the last good value is still served
    assert.equal(app.get(GeminiCredentials).apiKey, seededValue('GEMINI_API_KEY'));

    await admin('DELETE', 'faults');
    assert.equal(await store.refresh(), true);
    const recovered = await health();
    assert.equal(recovered.status, 200);
    assert.equal(recovered.body.details['infisical']?.['status'], 'up');
    assert.equal(recovered.body.details['infisical']?.['stale'], false);
  });
});

describe('NestJS 12: other modules, namespaces and forFeature keys', () => {
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
    app = await NestFactory.create(DatabaseAppModule, { logger: false, abortOnError: false });
    await app.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const config = app.get(ConfigService);
    const repository = app.get(Repository);
    const store = app.get(SecretStore);
    assert.deepEqual(app.get(DATABASE_OPTIONS), { url: first });
    assert.deepEqual([repository.db.url, config.get('database.url'), repository.url.value], [first, first, first]);

    await admin('POST', 'secrets', { projectId, environment, key: 'DATABASE_URL', value: rotated });
    assert.equal(await store.refresh(), true);
    assert.deepEqual([repository.db.url, config.get('database.url'), repository.url.value], [rotated, rotated, rotated]);

    await admin('DELETE', 'secrets', { projectId, environment, key: 'DATABASE_URL' });
    assert.equal(await store.refresh(), false);
    const response = await fetch(`${url}/health/infisical`);
    const text = await response.text();
    assert.equal(response.status, 200);
    const details = (JSON.parse(text) as Health['body']).details['infisical'];
    assert.equal(details?.['status'], 'degraded');
    assert.match(String(details?.['lastError']), /DATABASE_URL/);
    assert.deepEqual([repository.db.url, config.get('database.url'), repository.url.value], [rotated, rotated, rotated]);
    assert.ok(!text.includes(rotated));
  });
});

describe("NestJS 12: the README's infisicalConfigLoader recipe", () => {
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
    app = await NestFactory.create(ConfigServiceOnlyModule, { logger: false, abortOnError: false });
    await app.init();
    assert.deepEqual(app.get(DATABASE_OPTIONS), { type: 'postgres', url });
    assert.equal(app.get(SecretStore).keyInfo()['DATABASE_URL']?.source, 'infisical');
  });
});

describe('NestJS 12: the opt-in process.env mirror', () => {
  it('INFISICAL_MIRROR_TO_PROCESS_ENV=GEMINI_API_KEY puts that key, and only it, into process.env until shutdown', async () => {
    process.env.INFISICAL_MIRROR_TO_PROCESS_ENV = 'GEMINI_API_KEY';
    delete process.env.GEMINI_API_KEY;
    const app = await NestFactory.create(AppModule, { logger: false, abortOnError: false });
    try {
      await app.init();
      assert.equal(process.env.GEMINI_API_KEY, seededValue('GEMINI_API_KEY'));
      assert.deepEqual(Object.values(process.env).filter((v) => v !== undefined && seed.projects.some((p) => p.secrets.some((s) => s.value === v))), [seededValue('GEMINI_API_KEY')]);
    } finally {
      await app.close();
      delete process.env.INFISICAL_MIRROR_TO_PROCESS_ENV;
    }
    assert.equal(process.env.GEMINI_API_KEY, undefined);
  });
});

describe('the verify-infisical bin in an ESM application', () => {
  it('passes every check with an ES module --schema, naming keys but no values', async () => {
    const { code, stdout, stderr } = await verifyInfisical('--credentials', 'gemini', '--schema', 'dist/test/app-schema.js#AppSchema', '--json');
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout) as { ok: boolean; steps: Array<{ status: string; detail: string }> };
    assert.equal(report.ok, true);
    assert.ok(report.steps.length > 0);
    assert.deepEqual(report.steps.filter((step) => step.status !== 'passed'), []);
    assert.match(report.steps.map((step) => step.detail).join('\n'), /AppSchema \(Standard Schema, nest12-consumer\)/);
    assert.equal(leaksIn(stdout + stderr), 0);
  });

  it('fails when the loaded schema is not satisfied', async () => {
    const { code, stdout, stderr } = await verifyInfisical('--schema', 'dist/test/app-schema.js#StrictSchema', '--json');
    assert.ok(code > 1, `exit code ${code}`);
    assert.match(stdout, /STRIPE_API_KEY/);
    assert.equal(leaksIn(stdout + stderr), 0);
  });
});

describe('keyless login in a NestJS 12 ESM application', () => {
  it('boots with auth: { gcpIdToken: { identityId } } against a fake GCP metadata server, no secret configured', async () => {
    // A stand-in for the Cloud Run metadata server: RS256 ID tokens for the audience asked for, "Google" holding the key.
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const email = 'consumer-app@project.iam.gserviceaccount.com';
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const metadata = createServer((req, res) => {
      if (req.headers['metadata-flavor'] !== 'Google') return void res.writeHead(403).end();
      const audience = new URL(req.url ?? '/', 'http://metadata').searchParams.get('audience');
      const now = Math.floor(Date.now() / 1000);
      const unsigned = `${enc({ alg: 'RS256', typ: 'JWT' })}.${enc({ iss: 'https://accounts.google.com', aud: audience, email, iat: now, exp: now + 3600 })}`;
      res.end(`${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(privateKey).toString('base64url')}`);
    });
    await new Promise<void>((resolve) => metadata.listen(0, '127.0.0.1', resolve));
    const identityId = seed.identities.find((i) => i.clientId === required('INFISICAL_CLIENT_ID'))!.id;
    await admin('POST', 'google-certs', { certs: [publicKey.export({ type: 'spki', format: 'pem' }).toString()] });
    await admin('POST', 'identities/auth', { identityId, method: 'gcp-id-token', allowedServiceAccounts: email });
    process.env.GCE_METADATA_HOST = `127.0.0.1:${(metadata.address() as AddressInfo).port}`;
    class KeylessModule {}
    Module({
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true }),
        InfisicalModule.forRoot({ siteUrl, projectId, environment, auth: { gcpIdToken: { identityId } }, isGlobal: true, credentials: [GeminiCredentials] }),
      ],
    })(KeylessModule);
    const context = await NestFactory.createApplicationContext(KeylessModule, { logger: ['error'] });
    try {
      assert.equal(context.get(GeminiCredentials).apiKey, seededValue('GEMINI_API_KEY'));
    } finally {
      await context.close();
      delete process.env.GCE_METADATA_HOST;
      await admin('POST', 'identities/auth/remove', { identityId, method: 'gcp-id-token' });
      metadata.closeAllConnections();
      await new Promise((resolve) => metadata.close(resolve));
    }
  });
});
