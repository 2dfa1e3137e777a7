/**
 * What the composition root hands its parts besides the options: the metrics' view of the store during start-up, the
 * loader's view of the values being served and its warnings, the refresh's `diagnose: false`, the disabled path's
 * choice. Scripted `fetch`, ManualClock, private environment; no Nest application, no sockets.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';
import { assembleSecretStore, type SecretStoreEnvironment } from '../../src/infisical/assembly/create-secret-store.js';
import type { InfisicalModuleOptions } from '../../src/infisical/interfaces/infisical-module-options.interface.js';
import type { SecretStore } from '../../src/infisical/store/secret-store.js';
import { Deferred, flushEventLoop, settledSoon } from '../support/deferred.js';
import { FakeMeter } from '../support/fakes/otel-meter.fake.js';
import { LOGIN_PATH, ScriptedInfisical } from '../support/fakes/scripted-infisical-fetch.fake.js';
import { LogCapture } from '../support/log-capture.js';
import { ManualClock } from '../support/manual-clock.js';

const AUTH = { universalAuth: { clientId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', clientSecret: 'client-secret-value-0123456789abcdef' } };
const BASE: InfisicalModuleOptions = { siteUrl: 'https://infisical.example', projectId: 'project-1', environment: 'prod', secretPath: '/app', auth: AUTH, cacheTtlSeconds: 30 };
const LIST = '/api/v3/secrets/raw?/app';

let capture: LogCapture;
let clock: ManualClock;
let infisical: ScriptedInfisical;
/** Answers that take precedence over the script, by recorded path (`path` or `path?secretPath`). */
let overrides: Map<string, () => Promise<Response> | Response>;
const stores: SecretStore[] = [];

beforeEach(() => {
  capture = new LogCapture(false);
  Logger.overrideLogger(capture);
  clock = new ManualClock();
  infisical = new ScriptedInfisical(clock);
  overrides = new Map();
});

afterEach(async () => {
  for (const store of stores.splice(0)) await store.onApplicationShutdown();
  Logger.overrideLogger(new ConsoleLogger());
});

/** The script's fetch, with `overrides` answering first (the request is still recorded by the script). */
const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
  const url = new URL(String(input));
  const secretPath = url.searchParams.get('secretPath');
  const override = overrides.get(secretPath === null ? url.pathname : `${url.pathname}?${secretPath}`);
  if (!override) return infisical.fetch(input, init);
  infisical.sent.push(secretPath === null ? url.pathname : `${url.pathname}?${secretPath}`);
  return override();
}) as typeof fetch;

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function start(options: InfisicalModuleOptions, env: NodeJS.ProcessEnv = { PORT: '3000' }) {
  const context: SecretStoreEnvironment = { clock, credentials: [], configService: undefined, configHost: undefined, env, random: () => 0.5 };
  return assembleSecretStore({ fetch: fetchFn, ...options }, context).then((assembled) => {
    stores.push(assembled.store);
    return assembled;
  });
}

/** Lets the refresh a timer started run to its end. */
const refreshed = (store: SecretStore) => clock.advanceAsync(30_000, async () => {
  await flushEventLoop();
  await store.whenSettled();
});

describe('createSecretStore: the metrics gauges during start-up', () => {
  const meter = new FakeMeter();
  beforeAll(() => void metrics.setGlobalMeterProvider({ getMeter: () => meter.meter }));
  afterAll(() => metrics.disable());
  beforeEach(() => {
    meter.instruments.clear();
    meter.callbacks.length = 0;
  });

  it('read before the first snapshot is in: no snapshot age, no failure yet; the age once it is', async () => {
    const list = new Deferred<Response>();
    overrides.set(LIST, () => list.promise);
    const starting = start(BASE);
    for (let i = 0; i < 20 && !infisical.sent.includes(LIST); i++) await flushEventLoop();
    expect(infisical.sent).toEqual([LOGIN_PATH, LIST]);
    const before = await meter.collect();
    expect(before.get('infisical.snapshot.age')).toBeUndefined();
    expect(before.get('infisical.refresh.consecutive_failures')).toEqual([{ value: 0, attributes: expect.anything() }]);
    list.resolve(json(200, { secrets: [{ secretKey: 'DATABASE_URL', secretValue: 'postgres://db-secret-value', version: 1 }], imports: [] }));
    await settledSoon(starting);
    clock.jump(2_000);
    expect((await meter.collect()).get('infisical.snapshot.age')).toEqual([{ value: 2, attributes: expect.anything() }]);
  });
});

describe('createSecretStore: what the loader is given', () => {
  it('a key Infisical lists twice is named once in a warning, however often it is listed', async () => {
    const twice = {
      secrets: [
        { secretKey: 'DATABASE_URL', secretValue: 'postgres://first', version: 1 },
        { secretKey: 'DATABASE_URL', secretValue: 'postgres://second', version: 2 },
      ],
      imports: [],
    };
    overrides.set(LIST, () => json(200, twice));
    const { store } = await settledSoon(start(BASE));
    expect(store.get('DATABASE_URL')).toBe('postgres://first');
    await refreshed(store);
    expect(infisical.lists).toHaveLength(2);
    expect(capture.find('warn', 'more than once')).toEqual([
      'Infisical listed "DATABASE_URL" more than once in environment "prod" (project project-1, path "/app"); the first entry is used.',
    ]);
  });

  it('a value being served stays masked while a refresh validates its successor', async () => {
    // A schema that names the value it accepted before when a refresh brings another one.
    let accepted: string | undefined;
    const schema = {
      '~standard': {
        version: 1 as const,
        vendor: 'test',
        validate: (raw: unknown) => {
          const value = (raw as Record<string, string>).DATABASE_URL!;
          if (accepted === undefined || accepted === value) return { value: { DATABASE_URL: (accepted = value) } };
          return { issues: [{ message: `must stay ${accepted}`, path: ['DATABASE_URL'] }] };
        },
      },
    };
    const { store } = await settledSoon(start({ ...BASE, schema }));
    infisical.folders['/app'] = { DATABASE_URL: 'postgres://rotated-value' };
    await refreshed(store);
    const failure = capture.find('warn', 'must stay');
    expect(failure).toHaveLength(1);
    expect(failure[0]).not.toContain('postgres://db-secret-value');
    expect(store.get('DATABASE_URL')).toBe('postgres://db-secret-value');
  });
});

describe('createSecretStore: the regular refresh', () => {
  it('reports a missing folder as it is, without the start-up\'s diagnosis requests', async () => {
    const { store } = await settledSoon(start(BASE));
    overrides.set(LIST, () => json(404, { message: 'Folder with path \'/app\' in environment with slug \'prod\' not found', error: 'NotFound' }));
    const sent = infisical.sent.length;
    await refreshed(store);
    expect(infisical.sent.slice(sent)).toEqual([LIST]);
    expect(store.status().state).toBe('degraded');
  });
});

describe('createSecretStore: the disabled path', () => {
  it('enabled: false with credentials given still sends nothing', async () => {
    const { store } = await settledSoon(start({ ...BASE, enabled: false, requiredKeys: ['PORT'] }));
    expect(infisical.sent).toEqual([]);
    expect(store.get('PORT')).toBe('3000');
    expect(clock.pending).toEqual([]);
  });
});
