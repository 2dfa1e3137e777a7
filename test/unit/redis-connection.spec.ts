/**
 * connectRedis without a socket: a stand-in for the node-redis package (createClient, duplicate, connect, the
 * commands) and Jest's fake timers for the 1 s bound. What it checks: the client options, the command options (NX,
 * PX), how every failure becomes a RedisUnavailableError, the bound, and the shutdown.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { FLEET_REDIS_TIMEOUT_MS } from '../../src/infisical/infisical.defaults.js';
import { connectRedis, RedisUnavailableError, type FleetRedis, type NodeRedis } from '../../src/infisical/fleet/redis-connection.js';

type Listener = (message: string) => void;

/** A node-redis client as far as the connection uses it; each command answers with what `answer` gives. */
class StandInClient {
  isReady = true;
  isOpen = true;
  readonly calls: unknown[][] = [];
  readonly handlers = new Map<string, (error?: Error) => void>();
  readonly subscriptions = new Map<string, Listener>();
  duplicated: StandInClient | undefined;
  connectResult: Promise<unknown> = Promise.resolve();
  answer: (command: string, args: unknown[]) => unknown = () => 'OK';
  destroyThrows = false;

  on(event: string, handler: (error?: Error) => void) {
    this.handlers.set(event, handler);
    return this;
  }
  duplicate() {
    this.duplicated = new StandInClient();
    return this.duplicated;
  }
  connect() {
    this.calls.push(['connect']);
    return this.connectResult;
  }
  #command(command: string, args: unknown[]) {
    this.calls.push([command, ...args]);
    return this.answer(command, args);
  }
  strLen(...args: unknown[]) {
    return this.#command('strLen', args);
  }
  getRange(...args: unknown[]) {
    return this.#command('getRange', args);
  }
  set(...args: unknown[]) {
    return this.#command('set', args);
  }
  publish(...args: unknown[]) {
    return this.#command('publish', args);
  }
  subscribe(channel: string, listener: Listener) {
    this.subscriptions.set(channel, listener);
    return this.#command('subscribe', [channel]);
  }
  close() {
    return this.#command('close', []);
  }
  destroy() {
    this.calls.push(['destroy']);
    if (this.destroyThrows) throw new Error('The client is closed');
    this.isOpen = false;
  }
}

describe('connectRedis', () => {
  let client: StandInClient;
  let created: unknown[];
  let errors: Error[];
  let readies: number;
  const load = async (): Promise<NodeRedis> =>
    ({
      createClient: (options: unknown) => {
        created.push(options);
        return client;
      },
    }) as unknown as NodeRedis;
  const connect = () => connectRedis('redis://:pw@10.0.0.3:6379', { error: (error) => errors.push(error), ready: () => readies++ }, load);

  beforeEach(() => {
    client = new StandInClient();
    created = [];
    errors = [];
    readies = 0;
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  /** The rejection of `promise`, which must be a RedisUnavailableError. */
  async function unavailable(promise: Promise<unknown>): Promise<string> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RedisUnavailableError);
    expect((error as Error).name).toBe('RedisUnavailableError');
    return (error as Error).message;
  }

  it('names the missing package', async () => {
    const missing = connectRedis('redis://x', { error: () => undefined, ready: () => undefined }, () => Promise.reject(new Error("Cannot find package 'redis'")));
    expect(await unavailable(missing)).toBe('the fleet option needs the "redis" package (node-redis 5): npm install redis');
  });

  it('creates a client without offline queue, bounded connect and capped reconnect back-off, plus a subscriber', async () => {
    await connect();
    expect(created).toHaveLength(1);
    const options = created[0] as { url: string; disableOfflineQueue: boolean; socket: { connectTimeout: number; reconnectStrategy: (n: number) => number } };
    expect(options).toMatchObject({ url: 'redis://:pw@10.0.0.3:6379', disableOfflineQueue: true, socket: { connectTimeout: FLEET_REDIS_TIMEOUT_MS } });
    expect([0, 1, 2, 3, 4, 5, 20].map(options.socket.reconnectStrategy)).toEqual([100, 200, 400, 800, 1600, 2000, 2000]);
    expect(client.calls).toEqual([['connect']]);
    expect(client.duplicated!.calls).toEqual([['connect']]);
  });

  it('connection errors and ready events of both clients reach the events', async () => {
    await connect();
    client.handlers.get('error')!(new Error('ECONNREFUSED'));
    client.duplicated!.handlers.get('error')!(new Error('socket closed'));
    expect(errors.map((e) => e.message)).toEqual(['ECONNREFUSED', 'socket closed']);
    expect(readies).toBe(0);
    client.handlers.get('ready')!();
    client.duplicated!.handlers.get('ready')!();
    expect(readies).toBe(2);
  });

  it('a first connection that fails or hangs does not fail start-up; a hanging one is waited for 1 s at most', async () => {
    client.connectResult = Promise.reject(new Error('ECONNREFUSED'));
    await expect(connect()).resolves.toBeDefined();

    jest.useFakeTimers();
    client = new StandInClient();
    client.connectResult = new Promise(() => undefined);
    let done = false;
    const connecting = connect().then((redis) => {
      done = true;
      return redis;
    });
    await jest.advanceTimersByTimeAsync(FLEET_REDIS_TIMEOUT_MS - 1);
    expect(done).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
    expect((await connecting).ready).toBe(true);
  });

  describe('commands', () => {
    let redis: FleetRedis;
    beforeEach(async () => {
      redis = await connect();
    });

    it('ready is the client being connected', () => {
      expect(redis.ready).toBe(true);
      client.isReady = false;
      expect(redis.ready).toBe(false);
    });

    /** STRLEN answers `bytes`, GETRANGE answers `text`. */
    const holding = (bytes: number, text: string) => (client.answer = (command) => (command === 'strLen' ? bytes : text));

    it('getBounded asks the size (STRLEN), then reads at most the bound + 1 bytes (GETRANGE 0 bound)', async () => {
      holding(1, 'v');
      expect(await redis.getBounded('k', 10)).toEqual({ text: 'v' });
      holding(10, '0123456789');
      expect(await redis.getBounded('k', 10)).toEqual({ text: '0123456789' });
      expect(client.calls.slice(1)).toEqual([
        ['strLen', 'k'],
        ['getRange', 'k', 0, 10],
        ['strLen', 'k'],
        ['getRange', 'k', 0, 10],
      ]);
    });

    it('getBounded: a larger value is never read, only its size is answered; an absent one is null', async () => {
      holding(11, 'never read');
      expect(await redis.getBounded('k', 10)).toEqual({ tooLargeBytes: 11 });
      holding(0, '');
      expect(await redis.getBounded('k', 10)).toBeNull();
      expect(client.calls.slice(1)).toEqual([
        ['strLen', 'k'],
        ['strLen', 'k'],
      ]);
    });

    it('getBounded: a value replaced between the two commands arrives cut, and is refused as too large (or absent when deleted)', async () => {
      holding(5, 'x'.repeat(11));
      expect(await redis.getBounded('k', 10)).toEqual({ tooLargeBytes: 11 });
      holding(5, '');
      expect(await redis.getBounded('k', 10)).toBeNull();
      client.answer = (command) => (command === 'strLen' ? 5 : null);
      expect(await redis.getBounded('k', 10)).toBeNull();
    });

    it('setIfAbsent is SET NX PX with a whole number of ms (at least 1): true only when the key was created', async () => {
      expect(await redis.setIfAbsent('lease', 'me', 120_000.4)).toBe(true);
      client.answer = () => null;
      expect(await redis.setIfAbsent('lease', 'me', 0.2)).toBe(false);
      expect(client.calls.slice(1)).toEqual([
        ['set', 'lease', 'me', { condition: 'NX', expiration: { type: 'PX', value: 120_000 } }],
        ['set', 'lease', 'me', { condition: 'NX', expiration: { type: 'PX', value: 1 } }],
      ]);
    });

    it('set is SET PX', async () => {
      await expect(redis.set('snap', 'sealed', 599_999.5)).resolves.toBeUndefined();
      await redis.set('snap', 'sealed', -5);
      expect(client.calls.slice(1)).toEqual([
        ['set', 'snap', 'sealed', { expiration: { type: 'PX', value: 600_000 } }],
        ['set', 'snap', 'sealed', { expiration: { type: 'PX', value: 1 } }],
      ]);
    });

    it('publish goes through the client, subscribe through the subscriber; messages reach the listener', async () => {
      client.answer = () => 3;
      await expect(redis.publish('ch', 'm')).resolves.toBeUndefined();
      expect(client.calls.slice(1)).toEqual([['publish', 'ch', 'm']]);
      const messages: string[] = [];
      await redis.subscribe('ch', (m) => messages.push(m));
      expect(client.duplicated!.calls.slice(1)).toEqual([['subscribe', 'ch']]);
      client.duplicated!.subscriptions.get('ch')!('hello');
      expect(messages).toEqual(['hello']);
    });

    it('a command to a client that is not connected fails at once', async () => {
      client.isReady = false;
      expect(await unavailable(redis.getBounded('k', 10))).toBe('Redis is not connected');
      expect(await unavailable(redis.setIfAbsent('k', 'v', 1))).toBe('Redis is not connected');
      expect(await unavailable(redis.set('k', 'v', 1))).toBe('Redis is not connected');
      expect(await unavailable(redis.publish('c', 'm'))).toBe('Redis is not connected');
      expect(client.calls.slice(1)).toEqual([]);
      client.isReady = true;
      client.duplicated!.isReady = false;
      expect(await unavailable(redis.subscribe('c', () => undefined))).toBe('Redis is not connected');
    });

    it('every failure becomes a RedisUnavailableError with its message', async () => {
      client.answer = () => Promise.reject(new Error('READONLY You can not write against a read only replica.'));
      expect(await unavailable(redis.set('k', 'v', 1))).toBe('READONLY You can not write against a read only replica.');
      client.answer = () => Promise.reject('a string');
      expect(await unavailable(redis.getBounded('k', 10))).toBe('a string');
      client.answer = () => {
        throw new Error('thrown at once');
      };
      expect(await unavailable(redis.getBounded('k', 10))).toBe('thrown at once');
      client.answer = () => {
        throw 42;
      };
      expect(await unavailable(redis.publish('c', 'm'))).toBe('42');
      const own = new RedisUnavailableError('already named');
      client.answer = () => Promise.reject(own);
      await expect(redis.getBounded('k', 10)).rejects.toBe(own);
      client.answer = (command) => (command === 'strLen' ? 1 : Promise.reject(new Error('the second command failed')));
      expect(await unavailable(redis.getBounded('k', 10))).toBe('the second command failed');
    });

    it('a command that does not answer within 1 s fails; one that answers leaves no timer behind', async () => {
      jest.useFakeTimers();
      client.answer = () => new Promise(() => undefined);
      const slow = unavailable(redis.getBounded('k', 10));
      await jest.advanceTimersByTimeAsync(FLEET_REDIS_TIMEOUT_MS - 1);
      let settled = false;
      void slow.then(() => (settled = true));
      await jest.advanceTimersByTimeAsync(0);
      expect(settled).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      expect(await slow).toBe(`Redis did not answer within ${FLEET_REDIS_TIMEOUT_MS} ms`);

      holding(1, 'v');
      expect(await redis.getBounded('k', 10)).toEqual({ text: 'v' });
      client.answer = () => Promise.reject(new Error('no'));
      await expect(redis.getBounded('k', 10)).rejects.toThrow('no');
      expect(jest.getTimerCount()).toBe(0);
    });
  });

  describe('close', () => {
    it('quits connected clients politely', async () => {
      const redis = await connect();
      for (const c of [client, client.duplicated!]) {
        c.answer = (command) => {
          if (command === 'close') c.isOpen = false;
          return undefined;
        };
      }
      await redis.close();
      expect(client.calls.slice(1)).toEqual([['close']]);
      expect(client.duplicated!.calls.slice(1)).toEqual([['close']]);
    });

    it('destroys clients still (re)connecting, without waiting for Redis; a client already closed is fine', async () => {
      const redis = await connect();
      client.isReady = false;
      client.duplicated!.isReady = false;
      client.duplicated!.destroyThrows = true;
      await redis.close();
      expect(client.calls.slice(1)).toEqual([['destroy']]);
      expect(client.duplicated!.calls.slice(1)).toEqual([['destroy']]);
    });

    it('a client that neither quits nor is open is left alone', async () => {
      const redis = await connect();
      client.isReady = false;
      client.isOpen = false;
      client.duplicated!.isOpen = false;
      client.duplicated!.answer = () => Promise.reject(new Error('quit failed'));
      await redis.close();
      expect(client.calls.slice(1)).toEqual([]);
      expect(client.duplicated!.calls.slice(1)).toEqual([['close']]);
    });

    it('waits for the first connection attempt to settle', async () => {
      let finish!: () => void;
      client.connectResult = new Promise<void>((resolve) => (finish = resolve));
      jest.useFakeTimers();
      const connecting = connect();
      await jest.advanceTimersByTimeAsync(FLEET_REDIS_TIMEOUT_MS);
      const redis = await connecting;
      jest.useRealTimers();
      let closed = false;
      const closing = redis.close().then(() => (closed = true));
      await new Promise((resolve) => setImmediate(resolve));
      expect(closed).toBe(false);
      finish();
      await closing;
      expect(closed).toBe(true);
    });
  });
});
