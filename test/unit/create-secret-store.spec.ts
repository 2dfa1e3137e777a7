/**
 * The composition root of one registration, driven through its options: a scripted `fetch` answering the login and
 * list routes, a ManualClock, a private environment and a fixed `random`. No Nest application, no sockets.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { metrics } from '@opentelemetry/api';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assembleSecretStore, createSecretStore, type SecretStoreEnvironment } from '../../src/infisical/assembly/create-secret-store.js';
import { InfisicalError } from '../../src/infisical/errors/infisical.error.js';
import type { InfisicalModuleOptions } from '../../src/infisical/interfaces/infisical-module-options.interface.js';
import type { SecretStore } from '../../src/infisical/store/secret-store.js';
import { FakeMeter } from '../support/fakes/otel-meter.fake.js';
import { LOGIN_PATH, refused, ScriptedInfisical } from '../support/fakes/scripted-infisical-fetch.fake.js';
import { LogCapture } from '../support/log-capture.js';
import { ManualClock } from '../support/manual-clock.js';
import { signWebhookBody } from '../support/webhook-sender.js';

const SITE = 'https://infisical.example';
const CLIENT_SECRET = 'client-secret-value-0123456789abcdef';
const AUTH = { universalAuth: { clientId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', clientSecret: CLIENT_SECRET } };
const BASE: InfisicalModuleOptions = { siteUrl: SITE, projectId: 'project-1', environment: 'prod', secretPath: '/app', auth: AUTH, requiredKeys: ['PORT'] };
const OFF: InfisicalModuleOptions = { enabled: false, requiredKeys: ['PORT'] };

let capture: LogCapture;
let clock: ManualClock;
let infisical: ScriptedInfisical;
let dir: string;
const stores: SecretStore[] = [];

beforeEach(() => {
  capture = new LogCapture(false);
  Logger.overrideLogger(capture);
  clock = new ManualClock();
  infisical = new ScriptedInfisical(clock);
  dir = mkdtempSync(join(tmpdir(), 'assembly-'));
});

afterEach(async () => {
  for (const store of stores.splice(0)) await store.onApplicationShutdown();
  Logger.overrideLogger(new ConsoleLogger());
  rmSync(dir, { recursive: true, force: true });
});

function environment(overrides: Partial<SecretStoreEnvironment> = {}) {
  const configHost: Record<string, unknown> = {};
  const configService = new ConfigService(configHost);
  const context: SecretStoreEnvironment = { clock, credentials: [], configService, configHost, env: { PORT: '3000' }, random: () => 0.5, ...overrides };
  return { context, configService, configHost };
}

async function start(options: InfisicalModuleOptions, overrides: Partial<SecretStoreEnvironment> = {}) {
  const parts = environment(overrides);
  const assembled = await assembleSecretStore({ fetch: infisical.fetch, ...options }, parts.context);
  stores.push(assembled.store);
  return { ...parts, ...assembled };
}

/** Runs `promise` while moving the clock (retries and deadlines are timers on it); resolves with its outcome. */
async function driven<T>(promise: Promise<T>, stepMs = 100, steps = 2000): Promise<{ value?: T; error?: unknown }> {
  let outcome: { value?: T; error?: unknown } | undefined;
  void promise.then(
    (value) => (outcome = { value }),
    (error: unknown) => (outcome = { error }),
  );
  for (let i = 0; i < steps && !outcome; i++) {
    // a real turn of the event loop lets file reads finish; the clock moves only while a timer waits on it
    await new Promise<void>((resolve) => setTimeout(resolve, 1));
    if (!outcome && clock.pending.length > 0) clock.advance(stepMs);
  }
  if (!outcome) throw new Error(`did not settle: ${capture.text}`);
  return outcome;
}

/** A signed `secrets.modified` delivery for the default source, at the clock's time. */
function delivery(secret: string) {
  const at = clock.now();
  const project = { workspaceId: 'project-1', projectId: 'project-1', environment: 'prod', secretPath: '/app' };
  const body = JSON.stringify({ event: 'secrets.modified', project, timestamp: at });
  return { body, signature: signWebhookBody(body, secret, at) };
}

/** Lets work a timer started begin (a real turn of the event loop), then waits for the store's refresh to finish. */
async function settled(store: SecretStore): Promise<void> {
  await new Promise<void>((resolve) => setTimeout(resolve, 1));
  await store.whenSettled();
}

const bindingIn = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { binding: unknown }).binding;

describe('createSecretStore: Infisical disabled', () => {
  it('validates the private environment and serves it, with no request and a summary line', async () => {
    const { store, webhook, configService } = await start({ ...OFF, webhook: { secret: 'webhook-secret-value-1234567890' } });
    expect(infisical.sent).toEqual([]);
    expect(store.get('PORT')).toBe('3000');
    expect(store.keyInfo()).toEqual({ PORT: expect.objectContaining({ source: 'env' }) });
    expect(configService.get('PORT')).toBe('3000');
    expect(webhook).toBeUndefined();
    expect(clock.pending).toEqual([]);
    expect(capture.find('log', /^Infisical is disabled: configuration 1 keys in 0 ms — env: PORT$/)).toHaveLength(1);
    expect(store.status().state).toBe('up');
    expect(store.where).toBe('the process environment');
  });

  it('a missing required key fails as a problem of the process environment', async () => {
    await expect(start({ enabled: false, requiredKeys: ['PORT', 'MISSING_KEY'] })).rejects.toThrow(/set MISSING_KEY in the process environment or \.env/);
  });

  it('mirrors the listed keys into process.env', async () => {
    const key = 'ASSEMBLY_MIRROR_CHECK';
    try {
      await start({ enabled: false, requiredKeys: [key], mirrorToProcessEnv: [key] }, { env: { [key]: 'mirrored' } });
      expect(process.env[key]).toBe('mirrored');
    } finally {
      delete process.env[key];
    }
  });

  it('createSecretStore hands back the store alone', async () => {
    const { context } = environment();
    const store = await createSecretStore(OFF, context);
    stores.push(store);
    expect(store.get('PORT')).toBe('3000');
  });

  it('uses process.env and Math.random when the environment gives none', async () => {
    const key = 'ASSEMBLY_PROCESS_ENV_CHECK';
    process.env[key] = 'from-process';
    try {
      const { store } = await start({ enabled: false, requiredKeys: [key] }, { env: undefined, random: undefined });
      expect(store.get(key)).toBe('from-process');
    } finally {
      delete process.env[key];
    }
  });
});

describe('createSecretStore: Infisical enabled', () => {
  it('one login and one list per source at start-up; values reach the ConfigService and its host', async () => {
    infisical.folders['/shared'] = { LOG_LEVEL: 'debug' };
    const sources = [
      { projectId: 'project-1', environment: 'prod', secretPath: '/app' },
      { projectId: 'project-1', environment: 'prod', secretPath: '/shared' },
    ];
    const { store, configService, configHost } = await start({ ...BASE, projectId: undefined, environment: undefined, secretPath: undefined, sources });
    expect(infisical.sent).toEqual([LOGIN_PATH, '/api/v3/secrets/raw?/app', '/api/v3/secrets/raw?/shared']);
    expect(store.get('DATABASE_URL')).toBe('postgres://db-secret-value');
    expect(configService.get('LOG_LEVEL')).toBe('debug');
    expect(configHost.DATABASE_URL).toBe('postgres://db-secret-value');
    expect(store.keyInfo().DATABASE_URL).toEqual(expect.objectContaining({ source: 'infisical', version: 1 }));
  });

  it('logs one summary line with the time the start-up took and the sources of the keys, never a value', async () => {
    infisical.listTakesMs = 23;
    await start(BASE);
    const lines = capture.find('log', 'Loaded configuration from ');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Loaded configuration from .*project-1.*: 2 keys in 23 ms — infisical: DATABASE_URL \(v1\); env: PORT$/);
    expect(capture.text).not.toContain('db-secret-value');
    expect(capture.text).not.toContain(CLIENT_SECRET);
    expect(capture.lines.filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('a missing required key fails as a problem of the Infisical sources', async () => {
    await expect(start({ ...BASE, requiredKeys: ['PORT', 'MISSING_KEY'] })).rejects.toThrow(/add MISSING_KEY to .*project-1/);
  });

  it('schedules the regular refresh after a good start: one list at the TTL, then the next one', async () => {
    const { store } = await start({ ...BASE, cacheTtlSeconds: 30 });
    expect(clock.pending).toHaveLength(1);
    expect(clock.pending[0]).toBeGreaterThan(0);
    expect(clock.pending[0]).toBeLessThanOrEqual(30_000);
    infisical.folders['/app'] = { DATABASE_URL: 'postgres://rotated' };
    await clock.advanceAsync(30_000, () => store.whenSettled());
    expect(infisical.lists).toEqual(['/api/v3/secrets/raw?/app', '/api/v3/secrets/raw?/app']);
    expect(infisical.logins).toBe(1);
    expect(store.get('DATABASE_URL')).toBe('postgres://rotated');
    expect(clock.pending).toHaveLength(1);
  });

  it('a refresh that fails is recorded on the store (the scheduler loads through the loader)', async () => {
    const { store } = await start({ ...BASE, cacheTtlSeconds: 30 });
    infisical.down = refused();
    await clock.advanceAsync(30_000, () => store.whenSettled());
    expect(store.status().state).toBe('degraded');
    expect(store.get('DATABASE_URL')).toBe('postgres://db-secret-value');
  });

  it('no webhook receiver without the option; one on its path with it, its secret masked in logs', async () => {
    expect((await start(BASE)).webhook).toBeUndefined();
    const secret = 'webhook-secret-value-1234567890';
    const { webhook, store } = await start({ ...BASE, webhook: { secret, path: '/hooks/infisical' } });
    expect(webhook?.path).toBe('/hooks/infisical');
    infisical.folders['/app'] = { DATABASE_URL: 'postgres://changed' };
    infisical.revision = 1;
    const reply = webhook!.handler.handle(delivery(secret));
    expect(reply.status).toBeLessThan(300);
    await clock.advanceAsync(1_000, () => settled(store));
    expect(infisical.lists).toHaveLength(3);
    expect(store.get('DATABASE_URL')).toBe('postgres://changed');
  });

  it('a webhook delivery after the store is closed triggers nothing', async () => {
    const secret = 'webhook-secret-value-1234567890';
    const { webhook, store } = await start({ ...BASE, webhook: { secret } });
    await store.onApplicationShutdown();
    webhook!.handler.handle(delivery(secret));
    // a change announced during the back-off is served by the retry at its end (at most the 5 min cap)
    await clock.advanceAsync(300_000, () => settled(store));
    expect(infisical.lists).toHaveLength(1);
  });
});

describe('createSecretStore: start-up failure', () => {
  it('a definitive answer fails at once: the store is destroyed (no timer left), nothing more is sent', async () => {
    infisical.down = { status: 401, body: { message: 'Invalid credentials' } };
    const outcome = await driven(start(BASE));
    expect(outcome.error).toBeInstanceOf(InfisicalError);
    expect(infisical.sent).toEqual([LOGIN_PATH]);
    expect(clock.pending).toEqual([]);
    clock.advance(10 * 60_000);
    expect(infisical.sent).toEqual([LOGIN_PATH]);
  });

  it('the error message is masked: an Infisical value a schema message quotes does not reach it', async () => {
    infisical.folders['/app'] = { DATABASE_URL: 'postgres://db-secret-value', API_TOKEN: 'api-token-secret-value' };
    const schema = {
      '~standard': {
        version: 1 as const,
        vendor: 'test',
        validate: (raw: unknown) => ({ issues: [{ message: `must differ from ${(raw as Record<string, string>).API_TOKEN}`, path: ['DATABASE_URL'] }] }),
      },
    };
    const error = await start({ ...BASE, schema }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InfisicalError);
    expect((error as Error).message).toContain('must differ from ');
    expect((error as Error).message).not.toContain('api-token-secret-value');
    expect(clock.pending).toEqual([]);
  });
});

describe('createSecretStore: last-known-good snapshot', () => {
  it('a good start writes the file; when Infisical cannot answer later, the file is served, degraded, with a retry scheduled', async () => {
    const path = join(dir, 'lkg.json');
    const confirmedAt = clock.now();
    const first = await start({ ...BASE, persistentCache: { path } });
    await first.store.whenSettled();
    await first.store.onApplicationShutdown();

    capture.clear();
    infisical.down = refused();
    const sentBefore = infisical.sent.length;
    const outcome = await driven(start({ ...BASE, persistentCache: { path }, startupTimeoutMs: 2000 }));
    const { store, configService } = outcome.value!;
    expect(store.get('DATABASE_URL')).toBe('postgres://db-secret-value');
    expect(configService.get('DATABASE_URL')).toBe('postgres://db-secret-value');
    expect(store.status().state).toBe('degraded');
    expect(infisical.sent.length).toBeGreaterThan(sentBefore);
    const warnings = capture.find('warn', 'Infisical could not answer at startup');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^Infisical could not answer at startup \(.*ECONNREFUSED.*\)\. Serving the last-known-good snapshot from /);
    expect(warnings[0]).toContain(`from ${path} (${Math.round((clock.now() - confirmedAt) / 1000)} s old)`);
    expect(warnings[0]).toContain('health reports degraded until a refresh succeeds.');
    expect(capture.find('log', /^Configuration from the last-known-good snapshot: 2 keys — cache: DATABASE_URL \(v1\); env: PORT$/)).toHaveLength(1);
    expect(capture.find('log', 'Loaded configuration from ')).toEqual([]);
    // a retry (backoff after the recorded failure) is pending, sooner than the regular TTL
    expect(clock.pending).toHaveLength(1);
    expect(clock.pending[0]).toBeLessThan(60_000);
    infisical.down = undefined;
    await clock.advanceAsync(clock.pending[0]!, () => store.whenSettled());
    expect(store.status().state).toBe('up');
  });

  it('without a file configured, Infisical being unreachable fails the start-up', async () => {
    infisical.down = refused();
    const outcome = await driven(start({ ...BASE, startupTimeoutMs: 2000 }));
    expect(outcome.error).toBeInstanceOf(InfisicalError);
    expect(capture.find('warn', 'Infisical could not answer at startup')).toEqual([]);
  });

  it('the file is bound to the site and sources, with the read settings left out where they are the defaults', async () => {
    const path = join(dir, 'defaults.json');
    const { store } = await start({ ...BASE, recursive: false, includeImports: true, expandSecretReferences: true, persistentCache: { path } });
    await store.whenSettled();
    expect(bindingIn(path)).toEqual({ siteUrl: SITE, sources: [{ projectId: 'project-1', environment: 'prod', secretPath: '/app' }] });
  });

  it('read settings that differ from the defaults are bound, and a file written another way is refused', async () => {
    const path = join(dir, 'custom.json');
    const custom = { ...BASE, recursive: true, includeImports: false, expandSecretReferences: false, persistentCache: { path } };
    const { store } = await start(custom);
    await store.whenSettled();
    expect(bindingIn(path)).toEqual({
      siteUrl: SITE,
      sources: [{ projectId: 'project-1', environment: 'prod', secretPath: '/app', recursive: true, includeImports: false }],
      expandSecretReferences: false,
    });
    await store.onApplicationShutdown();

    infisical.down = refused();
    for (const other of [{ recursive: false }, { includeImports: true }, { expandSecretReferences: true }]) {
      const outcome = await driven(start({ ...custom, ...other, startupTimeoutMs: 1000 }));
      expect(outcome.error).toBeInstanceOf(InfisicalError);
      expect((outcome.error as Error).message).toContain('The last-known-good snapshot could not be used either');
    }
    const same = await driven(start({ ...custom, startupTimeoutMs: 1000 }));
    expect(same.value?.store.get('DATABASE_URL')).toBe('postgres://db-secret-value');
  });
});

describe('createSecretStore: metrics hooks', () => {
  const meter = new FakeMeter();
  beforeAll(() => void metrics.setGlobalMeterProvider({ getMeter: () => meter.meter }));
  afterAll(() => metrics.disable());
  beforeEach(() => {
    meter.instruments.clear();
    meter.callbacks.length = 0;
    meter.removed.length = 0;
  });

  const attributes = { 'infisical.project.id': 'project-1', 'infisical.environment': 'prod' };

  it('logins, refreshes, renewals and webhook events are counted; the gauges read the store; closing stops them', async () => {
    const secret = 'webhook-secret-value-1234567890';
    const { store, webhook } = await start({ ...BASE, cacheTtlSeconds: 600, webhook: { secret } });
    expect(meter.points('infisical.auth.logins')).toEqual([{ value: 1, attributes }]);
    clock.advance(5_000);
    let gauges = await meter.collect();
    expect(gauges.get('infisical.snapshot.age')).toEqual([{ value: 5, attributes }]);
    expect(gauges.get('infisical.refresh.consecutive_failures')).toEqual([{ value: 0, attributes }]);

    infisical.down = refused();
    await clock.advanceAsync(600_000, () => store.whenSettled());
    expect(meter.points('infisical.refresh.count')[0]).toEqual({ value: 1, attributes: { ...attributes, 'infisical.refresh.result': 'failure', 'error.type': 'INFISICAL_UNREACHABLE' } });
    gauges = await meter.collect();
    expect(gauges.get('infisical.refresh.consecutive_failures')).toEqual([{ value: meter.points('infisical.refresh.count').length, attributes }]);
    infisical.down = undefined;

    webhook!.handler.handle(delivery(secret));
    // a change announced during the back-off is served by the retry at its end (at most the 5 min cap)
    await clock.advanceAsync(300_000, () => settled(store));
    expect(meter.points('infisical.webhook.events')).toEqual([{ value: 1, attributes: { ...attributes, 'infisical.webhook.outcome': 'refresh' } }]);
    expect(meter.points('infisical.refresh.count').at(-1)?.attributes['infisical.refresh.result']).toBe('success');

    await clock.advanceAsync(3_600_000, () => store.whenSettled());
    expect(meter.points('infisical.auth.renewals').length).toBeGreaterThan(0);

    await store.onApplicationShutdown();
    expect(meter.removed).toHaveLength(1);
  });
});
