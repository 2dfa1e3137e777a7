import { randomUUID } from 'node:crypto';
import { InfisicalRateLimitError } from '../errors/transport.errors.js';
import type { InfisicalClock } from '../interfaces/infisical-clock.interface.js';
import type { InfisicalTarget } from '../interfaces/infisical-source.interface.js';
import type { InfisicalMetrics } from '../metrics/infisical-metrics.js';
import type { FleetRole } from '../metrics/metric-names.js';
import type { SecretLoader } from '../store/secret.loader.js';
import type { SecretSnapshot } from '../store/secret-snapshot.js';
import { openSnapshot, sealSnapshot, type CacheBinding, type CachedSnapshot } from '../store/snapshot-envelope.js';
import type { StoreLogger } from '../store/store.logger.js';
import type { FleetKeys } from './fleet-keys.js';
import { RedisUnavailableError, type FleetRedis } from './redis-connection.js';

export interface FleetCoordinatorDependencies {
  redis: FleetRedis;
  keys: FleetKeys;
  binding: CacheBinding;
  keyMaterial: string;
  loader: Pick<SecretLoader, 'load' | 'fromAnswer'>;
  clock: InfisicalClock;
  ttlMs: number;
  metrics: Pick<InfisicalMetrics, 'fleetRole'>;
  logger: Pick<StoreLogger, 'log' | 'warn' | 'warnOnce'>;
  target: InfisicalTarget;
  /** Longest wait for the leader's snapshot before reading Infisical itself. */
  followerWaitMs: number;
}

interface Notice {
  from: string;
  fetchedAt: number;
  /** A regular publish (wakes instances waiting for the lease holder), not a change announced by a webhook. */
  quiet?: boolean;
}

/**
 * One Infisical read per TTL window for every instance that shares a Redis:
 * - a snapshot in Redis younger than the TTL is read and validated like an Infisical answer (follower);
 * - otherwise one instance wins the window's lease (`SET NX PX`), lists from Infisical and publishes the answer as
 *   an encrypted snapshot (the last-known-good format); the others wait for it;
 * - a webhook received by one instance is read from Infisical by that instance, published, and announced on a
 *   channel: every instance then reads the new snapshot;
 * - a 429 seen by the leader is stored with its `Retry-After`, and the fleet backs off together;
 * - when Redis is down or slow, each instance reads Infisical itself (no error is served) and rejoins once Redis
 *   answers again.
 */
export class FleetCoordinator {
  readonly #id = randomUUID();
  #forceUpstream = false;
  #waiters = new Set<() => void>();
  #redisDown = false;
  #subscribed = false;
  #onNotice: (() => void) | undefined;

  constructor(private readonly deps: FleetCoordinatorDependencies) {}

  /** Subscribes to refresh notices (again once Redis answers, if it did not now); `onNotice` runs for other instances' notices. */
  async listen(onNotice: () => void): Promise<void> {
    this.#onNotice = onNotice;
    await this.#subscribe();
  }

  async #subscribe(): Promise<void> {
    const onNotice = this.#onNotice;
    if (!onNotice || this.#subscribed) return;
    this.#subscribed = true;
    await this.deps.redis.subscribe(this.deps.keys.channel, (message) => {
      let notice: Notice;
      try {
        notice = JSON.parse(message) as Notice;
      } catch {
        return;
      }
      for (const wake of this.#waiters) wake();
      if (notice.from !== this.#id && !notice.quiet) onNotice();
    }).catch((error: unknown) => {
      this.#subscribed = false;
      throw error;
    });
  }

  /** The snapshot in Redis when it is younger than the TTL (bootstrap without any Infisical login), else undefined. */
  async bootstrap(): Promise<SecretSnapshot | undefined> {
    const cached = await this.#readFresh().catch(() => undefined);
    if (!cached) return undefined;
    this.#role('follower');
    return this.deps.loader.fromAnswer(cached.secrets, 'infisical', cached.fetchedAt);
  }

  /** The scheduler's load: from Redis when possible, from Infisical by the lease holder, alone when Redis is down. */
  async load(signal: AbortSignal): Promise<SecretSnapshot> {
    const upstream = this.#forceUpstream;
    this.#forceUpstream = false;
    try {
      if (!upstream) {
        const cached = await this.#readFresh();
        if (cached) return await this.#follow(cached);
        await this.#checkSharedBackoff();
        const window = Math.floor(this.deps.clock.now() / this.deps.ttlMs);
        if (!(await this.deps.redis.setIfAbsent(this.deps.keys.lease(window), this.#id, this.deps.ttlMs * 2))) {
          const published = await this.#awaitLeader();
          if (published) return await this.#follow(published);
        }
      }
      if (upstream) await this.#checkSharedBackoff();
      this.#rejoined();
    } catch (error) {
      if (error instanceof InfisicalRateLimitError) throw error;
      if (!(await this.#isRedisError(error))) throw error;
      return this.deps.loader.load(signal, { diagnose: false });
    }
    this.#role('leader');
    try {
      const snapshot = await this.deps.loader.load(signal, { diagnose: false });
      await this.publish(snapshot, upstream);
      return snapshot;
    } catch (error) {
      if (error instanceof InfisicalRateLimitError) await this.#shareBackoff(error);
      await this.#announce({ from: this.#id, fetchedAt: 0, quiet: true }); // wakes the instances waiting for this read
      throw error;
    }
  }

  /** The next load reads Infisical whatever Redis holds (a webhook announced a change). */
  readUpstreamNext(): void {
    this.#forceUpstream = true;
  }

  /** Publishes a snapshot read from Infisical (and, after a webhook, tells every instance). Redis failures are ignored. */
  async publish(snapshot: SecretSnapshot, announce: boolean): Promise<void> {
    if (snapshot.source !== 'infisical' || snapshot.confirmedAt === undefined) return;
    const { redis, keys, keyMaterial, binding, clock, ttlMs } = this.deps;
    const sealed = sealSnapshot({ fetchedAt: snapshot.confirmedAt, secrets: [...snapshot.answer] }, keyMaterial, binding, clock.now());
    try {
      await redis.set(keys.snapshot, sealed, ttlMs * 10);
    } catch (error) {
      await this.#isRedisError(error);
      return;
    }
    await this.#announce({ from: this.#id, fetchedAt: snapshot.confirmedAt, ...(announce ? {} : { quiet: true }) });
  }

  async #announce(notice: Notice): Promise<void> {
    await this.deps.redis.publish(this.deps.keys.channel, JSON.stringify(notice)).catch((error: unknown) => this.#isRedisError(error));
  }

  async #follow(cached: CachedSnapshot): Promise<SecretSnapshot> {
    this.#rejoined();
    this.#role('follower');
    return this.deps.loader.fromAnswer(cached.secrets, 'infisical', cached.fetchedAt);
  }

  async #readFresh(): Promise<CachedSnapshot | undefined> {
    const { redis, keys, keyMaterial, binding, clock, ttlMs } = this.deps;
    const text = await redis.get(keys.snapshot);
    if (text === null) return undefined;
    let cached: CachedSnapshot;
    try {
      cached = openSnapshot(text, keyMaterial, binding);
    } catch (error) {
      this.deps.logger.warnOnce(`The fleet snapshot in Redis (${keys.snapshot}) is ignored: ${(error as Error).message}.`);
      return undefined;
    }
    return clock.now() - cached.fetchedAt < ttlMs ? cached : undefined;
  }

  /**
   * Waits for the lease holder's snapshot (its publish notice), bounded; undefined when none came. The lease holder
   * may have published before this instance started waiting, so Redis is read once after the waiter is in place: a
   * notice is then either already reflected in that read or still to come.
   */
  async #awaitLeader(): Promise<CachedSnapshot | undefined> {
    const { clock, followerWaitMs } = this.deps;
    let wake = () => undefined as void;
    const woken = new Promise<void>((resolve) => {
      wake = () => {
        clock.clearTimeout(timer);
        this.#waiters.delete(wake);
        resolve();
      };
      const timer = clock.setTimeout(wake, followerWaitMs);
      this.#waiters.add(wake);
    });
    const published = await this.#readFresh().catch((error: unknown) => {
      wake();
      throw error;
    });
    if (published) {
      wake();
      return published;
    }
    await woken;
    return this.#readFresh();
  }

  async #checkSharedBackoff(): Promise<void> {
    const until = Number(await this.deps.redis.get(this.deps.keys.backoff));
    const remaining = until - this.deps.clock.now();
    if (Number.isFinite(until) && remaining > 0) throw new InfisicalRateLimitError(this.deps.target, Math.ceil(remaining / 1000));
  }

  async #shareBackoff(error: InfisicalRateLimitError): Promise<void> {
    const ms = (error.retryAfterSeconds ?? 60) * 1000;
    await this.deps.redis.set(this.deps.keys.backoff, String(this.deps.clock.now() + ms), ms).catch(() => undefined);
  }

  /** Records a Redis failure (once in the log until it recovers); false for errors that are not Redis's. */
  async #isRedisError(error: unknown): Promise<boolean> {
    if (!(error instanceof RedisUnavailableError)) return false;
    if (!this.#redisDown) {
      this.#redisDown = true;
      this.deps.logger.warn(`Redis is unavailable for fleet coordination (${error instanceof Error ? error.message : String(error)}); this instance reads Infisical itself until it is back.`);
    }
    this.#role('standalone');
    return true;
  }

  #rejoined(): void {
    if (!this.#subscribed) void this.#subscribe().catch(() => undefined);
    if (!this.#redisDown) return;
    this.#redisDown = false;
    this.deps.logger.log('Redis is reachable again: this instance rejoins the fleet.');
  }

  #role(role: FleetRole): void {
    this.deps.metrics.fleetRole = role;
  }

  async close(): Promise<void> {
    for (const wake of this.#waiters) wake();
    await this.deps.redis.close();
  }

  get role(): FleetRole | undefined {
    return this.deps.metrics.fleetRole;
  }
}
