import type { RedisClientType } from 'redis';
import { FLEET_REDIS_TIMEOUT_MS } from '../infisical.defaults.js';

/** A value read with a size bound: its text, or only its size when it is larger than the bound. */
export type BoundedValue = { text: string; tooLargeBytes?: undefined } | { text?: undefined; tooLargeBytes: number };

/** The commands the fleet uses, each bounded in time; any failure rejects (the caller falls back to its own polling). */
export interface FleetRedis {
  readonly ready: boolean;
  /**
   * The value of `key` when it is at most `maxBytes` long, else only its size; null when absent. STRLEN first, then
   * GETRANGE 0 `maxBytes`: a larger value is never transferred (one replaced in between arrives cut at `maxBytes` + 1).
   */
  getBounded(key: string, maxBytes: number): Promise<BoundedValue | null>;
  /** SET NX PX: true when this call created the key. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  publish(channel: string, message: string): Promise<void>;
  subscribe(channel: string, listener: (message: string) => void): Promise<void>;
  close(): Promise<void>;
}

type Client = RedisClientType;

/** The part of the `redis` package the connection uses. */
export type NodeRedis = Pick<typeof import('redis'), 'createClient'>;

/** Redis did not answer (down, slow, not connected). */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

/** What the connection reports about itself (never thrown). */
export interface RedisConnectionEvents {
  /** A failed (re)connection attempt or a connection error of either client (node-redis `error`). */
  error(error: Error): void;
  /** A client is connected and ready (node-redis `ready`), at first and after each reconnect. */
  ready(): void;
}

/**
 * Connects with node-redis (`redis`, an optional peer dependency imported on first use). No offline queue: while
 * Redis is down a command fails at once instead of waiting; the client reconnects in the background. Connection
 * problems and recoveries reach `events` (never thrown). `load` imports the package (replaced in tests).
 */
export async function connectRedis(url: string, events: RedisConnectionEvents, load: () => Promise<NodeRedis> = () => import('redis')): Promise<FleetRedis> {
  let redis: NodeRedis;
  try {
    redis = await load();
  } catch {
    throw new RedisUnavailableError('the fleet option needs the "redis" package (node-redis 5): npm install redis');
  }
  const options = {
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: FLEET_REDIS_TIMEOUT_MS, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000) },
  };
  const client = redis.createClient(options) as unknown as Client;
  const subscriber = client.duplicate() as Client;
  for (const c of [client, subscriber]) {
    c.on('error', (error: Error) => events.error(error));
    c.on('ready', () => events.ready());
  }
  // The first connection is not awaited beyond the timeout: the application starts on its own polling meanwhile.
  const connecting = Promise.allSettled([client.connect(), subscriber.connect()]);
  await bounded(() => connecting).catch(() => undefined);
  return {
    get ready() {
      return client.isReady;
    },
    getBounded: (key, maxBytes) =>
      readBounded(
        () => bounded(() => ready(client).strLen(key)),
        (end) => bounded(() => ready(client).getRange(key, 0, end)),
        maxBytes,
      ),
    setIfAbsent: async (key, value, ttlMs) => (await bounded(() => ready(client).set(key, value, { condition: 'NX', expiration: { type: 'PX', value: Math.max(1, Math.round(ttlMs)) } }))) === 'OK',
    set: async (key, value, ttlMs) => {
      await bounded(() => ready(client).set(key, value, { expiration: { type: 'PX', value: Math.max(1, Math.round(ttlMs)) } }));
    },
    publish: async (channel, message) => {
      await bounded(() => ready(client).publish(channel, message));
    },
    subscribe: (channel, listener) => bounded(() => ready(subscriber).subscribe(channel, (message: string) => listener(message))),
    close: async () => {
      // A connected client quits politely; one still (re)connecting is destroyed at once (shutdown never waits for Redis).
      await Promise.allSettled([client, subscriber].map((c) => (c.isReady ? bounded(() => c.close()) : undefined)));
      for (const c of [client, subscriber]) {
        try {
          if (c.isOpen) c.destroy();
        } catch {
          // already closed
        }
      }
      await connecting;
    },
  };
}

/**
 * A value read with a size bound: its size first (`strLen`), then — only when it is not larger than `maxBytes` —
 * its bytes up to `maxBytes` + 1 (`getRange(end)`), so a value that grew in between is still cut. Null when absent
 * or empty. @internal
 */
export async function readBounded(strLen: () => Promise<number>, getRange: (end: number) => Promise<string | null>, maxBytes: number): Promise<BoundedValue | null> {
  const bytes = await strLen();
  if (bytes > maxBytes) return { tooLargeBytes: bytes };
  if (bytes === 0) return null;
  const text = await getRange(maxBytes);
  if (!text) return null; // deleted in between
  return text.length > maxBytes ? { tooLargeBytes: text.length } : { text };
}

/** The client, when it is connected; a command to a client that is (re)connecting fails at once. */
function ready(client: Client): Client {
  if (!client.isReady) throw new RedisUnavailableError('Redis is not connected');
  return client;
}

/** `promise`, or a rejection after FLEET_REDIS_TIMEOUT_MS of real time (a slow Redis counts as a Redis that is down). */
async function bounded<T>(command: () => Promise<T>): Promise<T> {
  let promise: Promise<T>;
  try {
    promise = command();
  } catch (error) {
    throw new RedisUnavailableError(error instanceof Error ? error.message : String(error));
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RedisUnavailableError(`Redis did not answer within ${FLEET_REDIS_TIMEOUT_MS} ms`)), FLEET_REDIS_TIMEOUT_MS);
    timer.unref();
  });
  const failed = (error: unknown) => {
    throw error instanceof RedisUnavailableError ? error : new RedisUnavailableError(error instanceof Error ? error.message : String(error));
  };
  return Promise.race([promise, timeout]).catch(failed).finally(() => clearTimeout(timer));
}
