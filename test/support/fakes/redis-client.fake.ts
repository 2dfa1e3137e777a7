import type { BoundedValue, FleetRedis } from '../../../src/infisical/fleet/redis-connection.js';
import { readBounded, RedisUnavailableError } from '../../../src/infisical/fleet/redis-connection.js';

interface Entry {
  value: string;
  /** Epoch ms on the server's clock after which the key is gone. */
  expiresAt: number;
}

/**
 * An in-memory Redis shared by several {@link FakeRedisClient}s (one per fleet instance), with the semantics of the
 * commands the fleet uses: STRLEN, GETRANGE, SET PX, SET NX PX, PUBLISH / SUBSCRIBE. Keys expire on the given clock (a
 * ManualClock): a key is gone once `now()` reaches its expiry, checked on every access as Redis does.
 *
 * `stop()` simulates Redis loss: every command of every client rejects with {@link RedisUnavailableError} (as the real
 * connection does when the client is not connected) and nothing is delivered; `start()` brings it back with its data
 * (subscriptions included, as node-redis resubscribes on reconnect). `failNextWith(error)` makes the next command
 * reject with any error.
 *
 * Client methods are async: a command takes effect when it is called, its answer arrives on a later microtask.
 */
export class FakeRedisServer {
  readonly #data = new Map<string, Entry>();
  readonly #subscribers = new Map<string, Set<(message: string) => void>>();
  #running = true;
  #failure: { error: unknown; command: string } | undefined;
  /** What subscribers threw while handling a message (a real client would report it as an error). */
  readonly listenerErrors: unknown[] = [];
  /** Every command received, as `NAME key [options]` (values are not recorded). */
  readonly commands: string[] = [];

  constructor(private readonly clock: { now(): number }) {}

  get running(): boolean {
    return this.#running;
  }

  /** Redis goes away: commands reject, messages are lost. */
  stop(): void {
    this.#running = false;
  }

  /** Redis is back, with the data it had. */
  start(): void {
    this.#running = true;
  }

  /** The next command (of any client) whose text starts with `command` (any command by default) rejects with `error`. */
  failNextWith(error: unknown, command = ''): void {
    this.#failure = { error, command };
  }

  /** A new connection (its own subscriber included). */
  connect(): FakeRedisClient {
    return new FakeRedisClient(this);
  }

  /** The live value of `key` (test inspection, not a command). */
  value(key: string): string | undefined {
    return this.#live(key)?.value;
  }

  /** Milliseconds `key` has left (like PTTL): -2 when absent. */
  pttl(key: string): number {
    const entry = this.#live(key);
    return entry ? entry.expiresAt - this.clock.now() : -2;
  }

  /** Live keys, sorted. */
  keys(): string[] {
    return [...this.#data.keys()].filter((key) => this.#live(key)).sort();
  }

  /** Writes a key directly (test set-up, not a command). */
  seed(key: string, value: string, ttlMs: number): void {
    this.#data.set(key, { value, expiresAt: this.clock.now() + ttlMs });
  }

  /** Deletes a key directly (test set-up, like DEL from another client). */
  remove(key: string): void {
    this.#data.delete(key);
  }

  /** How many listeners are subscribed to `channel`. */
  subscriberCount(channel: string): number {
    return this.#subscribers.get(channel)?.size ?? 0;
  }

  /** Runs one command for `client`: rejects while Redis is down, the client is closed, or a failure is armed. */
  async run<T>(client: FakeRedisClient, command: string, action: () => T): Promise<T> {
    this.commands.push(command);
    const failure = this.#failure;
    if (failure && command.startsWith(failure.command)) {
      this.#failure = undefined;
      throw failure.error;
    }
    if (!this.#running || client.closed) throw new RedisUnavailableError('Redis is not connected');
    return action();
  }

  /** STRLEN: the value's length in bytes (UTF-8), 0 when absent. */
  strlen(key: string): number {
    return Buffer.byteLength(this.#live(key)?.value ?? '');
  }

  /** GETRANGE key start end (inclusive, in bytes); '' when absent. */
  getRange(key: string, start: number, end: number): string {
    return Buffer.from(this.#live(key)?.value ?? '').subarray(start, end + 1).toString();
  }

  set(key: string, value: string, ttlMs: number, onlyIfAbsent: boolean): boolean {
    if (onlyIfAbsent && this.#live(key)) return false;
    this.#data.set(key, { value, expiresAt: this.clock.now() + Math.max(1, Math.round(ttlMs)) });
    return true;
  }

  /** Delivers `message` to every subscriber of `channel` after the current task, as a message from a socket arrives. */
  publish(channel: string, message: string): number {
    const listeners = [...(this.#subscribers.get(channel) ?? [])];
    for (const listener of listeners) {
      queueMicrotask(() => {
        if (!this.#running) return;
        try {
          listener(message);
        } catch (error) {
          this.listenerErrors.push(error);
        }
      });
    }
    return listeners.length;
  }

  subscribe(channel: string, listener: (message: string) => void): () => void {
    const set = this.#subscribers.get(channel) ?? new Set();
    set.add(listener);
    this.#subscribers.set(channel, set);
    return () => set.delete(listener);
  }

  #live(key: string): Entry | undefined {
    const entry = this.#data.get(key);
    if (entry && this.clock.now() >= entry.expiresAt) {
      this.#data.delete(key);
      return undefined;
    }
    return entry;
  }
}

/** One instance's connection to a {@link FakeRedisServer}, with the interface of the real one ({@link FleetRedis}). */
export class FakeRedisClient implements FleetRedis {
  #closed = false;
  readonly #unsubscribe: Array<() => void> = [];

  constructor(readonly server: FakeRedisServer) {}

  get closed(): boolean {
    return this.#closed;
  }

  get ready(): boolean {
    return this.server.running && !this.#closed;
  }

  /** As the real connection reads: STRLEN, then GETRANGE 0 maxBytes only when the value is not larger. */
  getBounded(key: string, maxBytes: number): Promise<BoundedValue | null> {
    return readBounded(
      () => this.server.run(this, `STRLEN ${key}`, () => this.server.strlen(key)),
      (end) => this.server.run(this, `GETRANGE ${key} 0 ${end}`, () => this.server.getRange(key, 0, end)),
      maxBytes,
    );
  }

  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return this.server.run(this, `SET ${key} NX PX ${ttlMs}`, () => this.server.set(key, value, ttlMs, true));
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.server.run(this, `SET ${key} PX ${ttlMs}`, () => this.server.set(key, value, ttlMs, false));
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.server.run(this, `PUBLISH ${channel}`, () => this.server.publish(channel, message));
  }

  async subscribe(channel: string, listener: (message: string) => void): Promise<void> {
    await this.server.run(this, `SUBSCRIBE ${channel}`, () => {
      this.#unsubscribe.push(this.server.subscribe(channel, (message) => !this.#closed && listener(message)));
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
  }
}
