import { CHANGE_REFRESH_MIN_INTERVAL_MS } from '../infisical.defaults.js';
import type { InfisicalClock } from '../interfaces/infisical-clock.interface.js';
import type { ResolvedInfisicalOptions } from '../options/resolved-options.interface.js';
import type { SecretStore } from '../store/secret-store.js';
import type { StoreLogger } from '../store/store.logger.js';
import { RefreshTrigger } from '../webhook/refresh-trigger.js';
import { FleetCoordinator, type FleetCoordinatorDependencies } from './fleet-coordinator.js';
import { fleetKeys } from './fleet-keys.js';
import { connectRedis } from './redis-connection.js';
import { RedisFailureLog } from './redis-failure-log.js';

export interface FleetParts extends Pick<FleetCoordinatorDependencies, 'loader' | 'binding' | 'clock' | 'metrics'> {
  logger: Pick<StoreLogger, 'write' | 'log' | 'warn' | 'warnOnce'>;
}

/**
 * Connects the fleet when the `fleet` option is set (Redis down at start-up: the instance starts on its own polling).
 * Reconnect failures are logged as {@link RedisFailureLog} says (the first, then at most one line a minute).
 * `connect` opens the Redis connection (node-redis unless replaced).
 */
export async function createFleet(options: ResolvedInfisicalOptions, parts: FleetParts, connect = connectRedis): Promise<FleetCoordinator | undefined> {
  const fleet = options.fleet;
  if (!fleet) return undefined;
  const { logger } = parts;
  const failures = new RedisFailureLog(logger, parts.clock, fleet.redisUrl);
  const redis = await connect(fleet.redisUrl, { error: (error) => failures.failed(error), ready: () => failures.ready() });
  return new FleetCoordinator({
    ...parts,
    redis,
    keys: fleetKeys(fleet.keyPrefix, parts.binding),
    keyring: fleet.previousKey === undefined ? [fleet.key] : [fleet.key, fleet.previousKey],
    ttlMs: options.cacheTtlSeconds * 1000,
    target: options.sources[0]!,
    followerWaitMs: options.requestTimeoutMs,
  });
}

/**
 * Refreshes `store` on other instances' change notices (at most once per second, through the store's refresh policy:
 * a notice during a back-off or a 429 wait is served when it ends) and closes Redis with the store.
 */
export async function joinFleet(fleet: FleetCoordinator, store: Pick<SecretStore, 'refreshAfterChange' | 'onClose'>, clock: InfisicalClock): Promise<void> {
  const trigger = new RefreshTrigger(clock, CHANGE_REFRESH_MIN_INTERVAL_MS, () => store.refreshAfterChange());
  store.onClose(async () => {
    trigger.stop();
    await fleet.close();
  });
  await fleet.listen(() => void trigger.request()).catch(() => undefined);
}
