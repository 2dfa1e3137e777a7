/**
 * The fleet wiring of the composition root: the Redis connection is replaced by the in-memory fake (one server shared
 * by the instances), Infisical by a scripted `fetch`, time by a ManualClock.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { ConsoleLogger, Logger } from '@nestjs/common';
import type { SecretStoreEnvironment } from '../../src/infisical/assembly/create-secret-store.js';
import type { InfisicalModuleOptions } from '../../src/infisical/interfaces/infisical-module-options.interface.js';
import type { SecretStore } from '../../src/infisical/store/secret-store.js';
import { FakeRedisServer } from '../support/fakes/redis-client.fake.js';
import { LOGIN_PATH, ScriptedInfisical } from '../support/fakes/scripted-infisical-fetch.fake.js';
import { LogCapture } from '../support/log-capture.js';
import { ManualClock } from '../support/manual-clock.js';
import { signWebhookBody } from '../support/webhook-sender.js';

let redis: FakeRedisServer;
const connected: string[] = [];
const clients: Array<{ readonly closed: boolean }> = [];
jest.unstable_mockModule('../../src/infisical/fleet/redis-connection.js', () => ({
  RedisUnavailableError: class RedisUnavailableError extends Error {},
  connectRedis: async (url: string) => {
    connected.push(url);
    const client = redis.connect();
    clients.push(client);
    return client;
  },
}));
const { assembleSecretStore } = await import('../../src/infisical/assembly/create-secret-store.js');
const { InfisicalError } = await import('../../src/infisical/errors/infisical.error.js');

const REDIS_PASSWORD = 'redis-password-secret-4711';
const REDIS_URL = `redis://app:${REDIS_PASSWORD}@redis.internal:6379`;
const WEBHOOK_SECRET = 'webhook-secret-value-1234567890';
const FLEET_KEY = 'fleet-key-from-the-secret-store-4711-abcdef';
const PREVIOUS_FLEET_KEY = 'previous-fleet-key-from-the-store-0815-xyz';
const FLEET: InfisicalModuleOptions = {
  siteUrl: 'https://infisical.example',
  projectId: 'project-1',
  environment: 'prod',
  secretPath: '/app',
  auth: { universalAuth: { clientId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', clientSecret: 'client-secret-value-0123456789abcdef' } },
  fleet: { redisUrl: REDIS_URL, key: FLEET_KEY, previousKey: PREVIOUS_FLEET_KEY },
  webhook: { secret: WEBHOOK_SECRET },
  cacheTtlSeconds: 60,
};

let capture: LogCapture;
let clock: ManualClock;
let infisical: ScriptedInfisical;
const stores: SecretStore[] = [];

beforeEach(() => {
  capture = new LogCapture(false);
  Logger.overrideLogger(capture);
  clock = new ManualClock();
  infisical = new ScriptedInfisical(clock);
  redis = new FakeRedisServer(clock);
  connected.length = 0;
  clients.length = 0;
});

afterEach(async () => {
  for (const store of stores.splice(0)) await store.onApplicationShutdown();
  Logger.overrideLogger(new ConsoleLogger());
});

async function start(options: InfisicalModuleOptions = FLEET) {
  const context: SecretStoreEnvironment = { clock, credentials: [], configService: undefined, configHost: undefined, env: {}, random: () => 0.5 };
  const assembled = await assembleSecretStore({ fetch: infisical.fetch, ...options }, context);
  stores.push(assembled.store);
  return assembled;
}

async function settled(store: SecretStore): Promise<void> {
  await new Promise<void>((resolve) => setTimeout(resolve, 1));
  await store.whenSettled();
}

function delivery() {
  const at = clock.now();
  const project = { workspaceId: 'project-1', projectId: 'project-1', environment: 'prod', secretPath: '/app' };
  const body = JSON.stringify({ event: 'secrets.modified', project, timestamp: at });
  return { body, signature: signWebhookBody(body, WEBHOOK_SECRET, at) };
}

const sets = () => redis.commands.filter((c) => c.startsWith('SET '));

describe('createSecretStore with the fleet option', () => {
  it('the first instance reads Infisical, publishes the snapshot to Redis and listens for change notices', async () => {
    const { store } = await start();
    await settled(store);
    expect(connected).toEqual([REDIS_URL]);
    expect(infisical.sent).toEqual([LOGIN_PATH, '/api/v3/secrets/raw?/app']);
    expect(store.get('DATABASE_URL')).toBe('postgres://db-secret-value');
    expect(sets().length).toBeGreaterThan(0);
    expect(redis.keys().length).toBeGreaterThan(0);
    expect(redis.commands.some((c) => c.startsWith('SUBSCRIBE'))).toBe(true);
    expect(capture.find('log', 'Loaded configuration from ')).toHaveLength(1);
  });

  it('a second instance starts from the snapshot in Redis without logging in, and does not publish it again', async () => {
    const first = await start();
    await settled(first.store);
    const sent = infisical.sent.length;
    const written = sets().length;
    const { store } = await start();
    await settled(store);
    expect(infisical.sent).toHaveLength(sent);
    expect(store.get('DATABASE_URL')).toBe('postgres://db-secret-value');
    expect(sets()).toHaveLength(written);
    expect(capture.find('log', 'Loaded configuration from ')).toHaveLength(2);
  });

  it('the snapshot read at start-up is published quietly: the other instances are not told to refresh', async () => {
    const notices: unknown[] = [];
    const publish = redis.publish.bind(redis);
    redis.publish = (channel, message) => {
      notices.push(JSON.parse(message));
      return publish(channel, message);
    };
    const { store } = await start();
    await settled(store);
    expect(notices).toEqual([expect.objectContaining({ quiet: true })]);
  });

  it('health shows the fleet entry (Redis, role), never the Redis URL, its password, the key prefix or the fleet key', async () => {
    const { store } = await start();
    await settled(store);
    expect(store.status().fleet).toEqual({ redis: 'up', role: 'not yet known' }); // start-up reads outside any refresh window
    await clock.advanceAsync(60_000, () => settled(store));
    expect(store.status().fleet).toEqual({ redis: 'up', role: 'lease holder' });
    const text = JSON.stringify(store.status());
    for (const secret of [REDIS_URL, REDIS_PASSWORD, 'redis.internal', 'nestjs-infisical', FLEET_KEY, PREVIOUS_FLEET_KEY]) expect(text).not.toContain(secret);
  });

  it('closing the store closes its Redis connection', async () => {
    const { store } = await start();
    await settled(store);
    expect(clients.map((c) => c.closed)).toEqual([false]);
    await store.onApplicationShutdown();
    expect(clients.map((c) => c.closed)).toEqual([true]);
  });

  it('the regular refresh goes through the fleet (Redis is consulted before Infisical)', async () => {
    const { store } = await start();
    await settled(store);
    const commands = redis.commands.length;
    await clock.advanceAsync(60_000, () => settled(store));
    expect(redis.commands.length).toBeGreaterThan(commands);
  });

  it('a webhook makes the next refresh read Infisical itself, even with a fresh snapshot in Redis', async () => {
    const first = await start();
    await settled(first.store);
    const second = await start();
    await settled(second.store);
    const lists = infisical.lists.length;
    infisical.folders['/app'] = { DATABASE_URL: 'postgres://changed' };
    infisical.revision = 1;
    second.webhook!.handler.handle(delivery());
    await clock.advanceAsync(1_000, () => settled(second.store));
    expect(infisical.lists.length).toBeGreaterThan(lists);
    expect(second.store.get('DATABASE_URL')).toBe('postgres://changed');
  });

  it('the Redis password and the fleet keys are masked in a start-up error, whatever quotes them', async () => {
    // A schema whose message quotes another setting: only the registration's redactor knows the password.
    const schema = {
      '~standard': {
        version: 1 as const,
        vendor: 'test',
        validate: (raw: unknown) => {
          const env = raw as Record<string, string>;
          return { issues: [{ message: `cannot use ${env.CACHE_URL} with ${env.FLEET_KEYS}`, path: ['DATABASE_URL'] }] };
        },
      },
    };
    const env = { CACHE_URL: REDIS_URL, FLEET_KEYS: `${FLEET_KEY},${PREVIOUS_FLEET_KEY}` };
    const context: SecretStoreEnvironment = { clock, credentials: [], configService: undefined, configHost: undefined, env, random: () => 0.5 };
    const error = await assembleSecretStore({ fetch: infisical.fetch, ...FLEET, schema }, context).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InfisicalError);
    expect((error as Error).message).toContain('cannot use redis://app:');
    expect((error as Error).message).not.toContain(REDIS_PASSWORD);
    expect((error as Error).message).not.toContain(FLEET_KEY);
    expect((error as Error).message).not.toContain(PREVIOUS_FLEET_KEY);
    expect(clients.map((c) => c.closed)).toEqual([true]);
  });
});
