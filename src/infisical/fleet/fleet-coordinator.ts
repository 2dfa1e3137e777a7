import { randomUUID } from 'node:crypto';
import { InfisicalRateLimitError } from '../errors/transport.errors.js';
import { RETRY_AFTER_JITTER_MS } from '../infisical.defaults.js';
import { fleetStatus } from './fleet-status.js';
import type { InfisicalClock } from '../interfaces/infisical-clock.interface.js';
import type { InfisicalFleetStatus } from '../interfaces/infisical-status.interface.js';
import type { InfisicalTarget } from '../interfaces/infisical-source.interface.js';
import type { InfisicalMetrics } from '../metrics/infisical-metrics.js';
import type { FleetRole } from '../metrics/metric-names.js';
import type { SecretLoader } from '../store/secret.loader.js';
import type { SecretSnapshot } from '../store/secret-snapshot.js';
import type { CacheBinding, CachedSnapshot } from '../store/snapshot-envelope.js';
import type { StoreLogger } from '../store/store.logger.js';
import type { FleetKeyring } from './fleet-envelope.js';
import type { FleetKeys } from './fleet-keys.js';
import { parseNotice, type Notice } from './fleet-notice.js';
import { FleetSharedState } from './fleet-shared-state.js';
import { RedisUnavailableError, type FleetRedis } from './redis-connection.js';

export interface FleetCoordinatorDependencies {
  redis: FleetRedis;
  keys: FleetKeys;
  binding: CacheBinding;
  /** `fleet.key`, then `fleet.previousKey` during a rotation: the first seals, each opens. */
  keyring: FleetKeyring;
  loader: Pick<SecretLoader, 'load' | 'fromAnswer'>;
  clock: InfisicalClock;
  ttlMs: number;
  metrics: Pick<InfisicalMetrics, 'fleetRole'>;
  logger: Pick<StoreLogger, 'log' | 'warn' | 'warnOnce'>;
  target: InfisicalTarget;
  /** Longest wait for the leader's snapshot before reading Infisical itself. */
  followerWaitMs: number;
}

/**
 * One Infisical read per TTL window for every instance that shares a Redis:
 * - a snapshot in Redis younger than the TTL is read and validated like an Infisical answer (follower);
 * - otherwise one instance wins the window's lease (`SET NX PX`), lists from Infisical and publishes the answer as
 *   a snapshot sealed with the fleet key; the others wait for it;
 * - a webhook received by one instance is read from Infisical by that instance, published, and announced on a
 *   channel: every instance then reads the new snapshot;
 * - a 429 seen by the leader is stored with its `Retry-After` (at most 300 s, authenticated with the fleet key), and
 *   the fleet backs off together, each instance checking again at least once per TTL;
 * - what Redis holds is checked as {@link FleetSharedState} says (size, key, date, order), else ignored;
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
  readonly #shared: FleetSharedState;

  constructor(private readonly deps: FleetCoordinatorDependencies) {
    this.#shared = new FleetSharedState(deps);
  }

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
      const notice = parseNotice(message);
      if (!notice) return;
      for (const wake of this.#waiters) wake();
      if (notice.from !== this.#id && !notice.quiet) onNotice();
    }).catch((error: unknown) => {
      this.#subscribed = false;
      throw error;
    });
  }

  /** The snapshot in Redis when it is younger than the TTL (bootstrap without any Infisical login), else undefined. */
  async bootstrap(): Promise<SecretSnapshot | undefined> {
    const cached = await this.#shared.readFresh().catch(() => undefined);
    if (!cached) return undefined;
    this.#role('follower');
    return this.#served(await this.deps.loader.fromAnswer(cached.secrets, 'infisical', cached.fetchedAt));
  }

  /** The scheduler's load: from Redis when possible, from Infisical by the lease holder, alone when Redis is down. */
  async load(signal: AbortSignal): Promise<SecretSnapshot> {
    const upstream = this.#forceUpstream;
    this.#forceUpstream = false;
    try {
      if (!upstream) {
        const cached = await this.#shared.readFresh();
        if (cached) return await this.#follow(cached);
        await this.#checkSharedBackoff();
        const lease = this.deps.keys.lease(Math.floor(this.deps.clock.now() / this.deps.ttlMs));
        if (!(await this.deps.redis.setIfAbsent(lease, this.#id, this.deps.ttlMs * 2)) && !(await this.#holds(lease))) {
          const published = await this.#awaitLeader();
          if (published) return await this.#follow(published);
        }
      }
      if (upstream) await this.#checkSharedBackoff();
      this.#rejoined();
    } catch (error) {
      if (error instanceof InfisicalRateLimitError) throw error;
      if (!(await this.#isRedisError(error))) throw error;
      return this.#served(await this.deps.loader.load(signal, { diagnose: false }));
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
    try {
      await this.#shared.writeSnapshot({ fetchedAt: snapshot.confirmedAt, secrets: [...snapshot.answer] });
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
    return this.#served(await this.deps.loader.fromAnswer(cached.secrets, 'infisical', cached.fetchedAt));
  }

  /** Whether this instance holds `lease` (it read earlier in this window, and that read failed or was not kept). */
  async #holds(lease: string): Promise<boolean> {
    return (await this.deps.redis.getBounded(lease, this.#id.length))?.text === this.#id;
  }

  /** `snapshot`, recorded as served: a snapshot in Redis older than it is never followed. */
  #served(snapshot: SecretSnapshot): SecretSnapshot {
    if (snapshot.confirmedAt !== undefined) this.#shared.served(snapshot.confirmedAt);
    return snapshot;
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
    const published = await this.#shared.readFresh().catch((error: unknown) => {
      wake();
      throw error;
    });
    if (published) {
      wake();
      return published;
    }
    await woken;
    return this.#shared.readFresh();
  }

  /**
   * Throws the fleet's shared back-off as a 429 when one is in force. Its wait is what is left of it, but at most
   * about one TTL: the instance then checks again, so a back-off deleted from Redis holds nobody longer than that.
   */
  async #checkSharedBackoff(): Promise<void> {
    const remaining = await this.#shared.backoffRemainingMs();
    if (remaining <= 0) return;
    const wait = Math.min(remaining, this.deps.ttlMs - RETRY_AFTER_JITTER_MS);
    throw new InfisicalRateLimitError(this.deps.target, Math.max(1, Math.ceil(wait / 1000))).withNote(
      `(The fleet's shared back-off: another instance was rate-limited; ${Math.ceil(remaining / 1000)} s left, checked again before then.)`,
    );
  }

  async #shareBackoff(error: InfisicalRateLimitError): Promise<void> {
    await this.#shared.shareBackoff((error.retryAfterSeconds ?? 60) * 1000).catch(() => undefined);
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

  /** For health: whether Redis is connected now, and this instance's role in its last refresh window. */
  status(): InfisicalFleetStatus {
    return fleetStatus(this.role, this.deps.redis.ready);
  }
}

