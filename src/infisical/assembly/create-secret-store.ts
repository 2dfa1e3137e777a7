import { attachProcessEnvMirror, ProcessEnvMirror } from '../config/process-env.mirror.js';
import type { ConfigService } from '@nestjs/config';
import { connectToInfisical } from '../auth/infisical-connection.js';
import { ConfigPublisher } from '../config/config.publisher.js';
import { ConfigValidator } from '../config/config-validator.js';
import type { CredentialDefinition } from '../credentials/credential-rules.js';
import { describeTargets } from '../errors/describe-target.js';
import { InfisicalError } from '../errors/infisical.error.js';
import { DEFAULT_EXPAND_SECRET_REFERENCES, DEFAULT_INCLUDE_IMPORTS, DEFAULT_RECURSIVE } from '../infisical.defaults.js';
import { InfisicalMetrics } from '../metrics/infisical-metrics.js';
import type { InfisicalClock } from '../interfaces/infisical-clock.interface.js';
import type { InfisicalModuleOptions } from '../interfaces/infisical-module-options.interface.js';
import { attachWebhook, type WebhookReceiver } from '../webhook/attach-webhook.js';
import type { DynamicSecretLeases } from '../leases/dynamic-secret-leases.js';
import { createDynamicSecretLeases, startDynamicSecretLeases } from './attach-dynamic-secrets.js';
import { createFleet, joinFleet } from '../fleet/attach-fleet.js';
import { resolveInfisicalOptions } from '../options/options.resolver.js';
import type { ResolvedInfisicalOptions } from '../options/resolved-options.interface.js';
import { SecretRedactor } from '../redaction/secret-redactor.js';
import { LastKnownGoodCache } from '../store/last-known-good.cache.js';
import type { CacheBinding } from '../store/snapshot-envelope.js';
import { RefreshScheduler } from '../store/refresh.scheduler.js';
import { SecretLoader } from '../store/secret.loader.js';
import { SecretSnapshot } from '../store/secret-snapshot.js';
import { SecretStore } from '../store/secret-store.js';
import { loadAtStartup } from '../store/startup.js';
import { StoreLogger } from '../store/store.logger.js';
import { initialStoreState } from '../store/store-state.js';

/** What the module hands to the store besides the options. */
export interface SecretStoreEnvironment {
  clock: InfisicalClock;
  credentials: readonly CredentialDefinition[];
  configService: ConfigService | undefined;
  /** The object behind `ConfigService`, when `@nestjs/config` provides it. */
  configHost: Record<string, unknown> | undefined;
  env?: NodeJS.ProcessEnv;
  random?: () => number;
}

/** A store and the webhook receiver built with it (undefined without the `webhook` option), for the module to provide. */
export interface AssembledSecretStore {
  store: SecretStore;
  webhook: WebhookReceiver | undefined;
  /** The leases of the `dynamicSecrets` option, taken at start-up (undefined without that option). */
  leases: DynamicSecretLeases | undefined;
}

/** Builds and bootstraps the store of one registration (see {@link assembleSecretStore}). */
export async function createSecretStore(rawOptions: InfisicalModuleOptions, context: SecretStoreEnvironment): Promise<SecretStore> {
  return (await assembleSecretStore(rawOptions, context)).store;
}

/**
 * Builds and bootstraps the store of one registration: options → API client → session → loader → first snapshot
 * (one login, one list per source, within the start-up deadline) → `ConfigService`. Resolves only once the values
 * are in `ConfigService`, so anything that depends on the store sees them.
 */
export async function assembleSecretStore(rawOptions: InfisicalModuleOptions, context: SecretStoreEnvironment): Promise<AssembledSecretStore> {
  const options = resolveInfisicalOptions(rawOptions);
  const { clock } = context;
  const env = context.env ?? process.env;
  const random = context.random ?? Math.random;
  const redactor = new SecretRedactor();
  const logger = new StoreLogger(redactor);
  const where = options.enabled ? describeTargets(options.sources) : 'the process environment';
  // Built before anything is written: it captures the operator's values of the mirrored keys.
  const mirror = new ProcessEnvMirror(options.mirrorToProcessEnv);
  const operatorEnv = () => mirror.operatorView(env);
  const validator = new ConfigValidator(options.schema, options.requiredKeys, context.credentials, options.enabled ? where : undefined, options.mirrorToProcessEnv);
  const state = initialStoreState();
  const publisher = new ConfigPublisher(context.configService, context.configHost, logger);
  const common = { options, state, publisher, validator, clock, redactor, logger, where, operatorEnv };
  if (!options.enabled || !options.auth) {
    const started = clock.now();
    const store = new SecretStore({ ...common, scheduler: undefined, session: undefined, cache: undefined });
    const config = await validator.validate({ secrets: undefined, secretsSource: 'infisical', env: operatorEnv() });
    store.install(new SecretSnapshot(config, 'env', undefined, []));
    attachProcessEnvMirror(store, options.mirrorToProcessEnv, undefined, mirror);
    logger.log(`Infisical is disabled: configuration ${summary(store, clock.now() - started)}`);
    return { store, webhook: undefined, leases: undefined };
  }

  const target = options.sources[0]!;
  const metrics = await InfisicalMetrics.create({
    projectId: target.projectId,
    environment: target.environment,
    confirmedAt: () => state.view.snapshot?.confirmedAt,
    consecutiveFailures: () => state.view.failures,
    now: () => clock.now(),
  });
  const { api, session, dynamicSecrets } = connectToInfisical({ ...options, auth: options.auth }, clock, redactor, {
    onLogin: () => metrics.login(),
    onRenew: () => metrics.renewal(),
  });
  const loader = new SecretLoader({
    api,
    session,
    sources: options.sources,
    expandSecretReferences: options.expandSecretReferences,
    validator,
    redactor,
    clock,
    env: operatorEnv,
    current: () => state.snapshot,
    warn: (message) => logger.warnOnce(message),
  });
  const cache = lastKnownGoodCache(options);
  redactor.add('credentials', options.webhook?.secret, options.fleet && new URL(options.fleet.redisUrl).password, options.fleet?.key, options.fleet?.previousKey);
  const fleet = await createFleet(options, { loader, binding: bindingOf(options), clock, metrics, logger });
  let store: SecretStore | undefined;
  const scheduler = new RefreshScheduler({
    state,
    load: (signal) => (fleet ? fleet.load(signal) : loader.load(signal, { diagnose: false })),
    accept: (snapshot) => store?.accept(snapshot),
    clock,
    random,
    ttlSeconds: options.cacheTtlSeconds,
    logger,
    target,
    onRefresh: (outcome) => metrics.refresh(outcome),
  });
  store = new SecretStore({ ...common, scheduler, session, cache, fleetStatus: fleet && (() => fleet.status()) });
  store.onClose(() => metrics.close());
  const current = store;
  const upstreamRefresh = () => {
    fleet?.readUpstreamNext();
    return current.refreshAfterChange();
  };
  const webhook = attachWebhook(store, options, { clock, metrics, logger, refresh: upstreamRefresh });
  const leases = createDynamicSecretLeases({ options, api: dynamicSecrets, session, clock, metrics, redactor, logger, random });
  try {
    const started = clock.now();
    if (fleet) await joinFleet(fleet, store, clock);
    const fromFleet = await fleet?.bootstrap();
    const { snapshot, fallbackCause } = fromFleet
      ? { snapshot: fromFleet, fallbackCause: undefined }
      : await loadAtStartup({ loader, cache, clock, random, startupTimeoutMs: options.startupTimeoutMs, lifetime: scheduler.signal, target, sources: options.sources });
    store.install(snapshot);
    attachProcessEnvMirror(store, options.mirrorToProcessEnv, undefined, mirror);
    if (leases) await startDynamicSecretLeases(leases, { clock, options }, started);
    if (fleet && !fromFleet && !fallbackCause) void fleet.publish(snapshot, false);
    if (fallbackCause && cache) {
      scheduler.recordFailure(fallbackCause);
      logger.warn(
        `Infisical could not answer at startup (${fallbackCause.message}). Serving the last-known-good snapshot from ` +
          `${cache.path} (${store.status().snapshotAgeSeconds} s old); health reports degraded until a refresh succeeds.`,
      );
      logger.log(`Configuration from the last-known-good snapshot: ${summary(store, undefined)}`);
    } else {
      logger.log(`Loaded configuration from ${where}: ${summary(store, clock.now() - started)}`);
      scheduler.scheduleRegular();
    }
    return { store, webhook, leases };
  } catch (error) {
    store.onModuleDestroy();
    if (error instanceof InfisicalError) error.message = redactor.redact(error.message);
    throw error;
  }
}

/**
 * What a stored snapshot (file or Redis) is bound to: the site, the ordered sources, and the read settings that
 * change what a list returns (`recursive`, `includeImports`, `expandSecretReferences`) where they are not the
 * defaults — a snapshot read another way is refused, and one written with the defaults before these were bound
 * still opens.
 */
function bindingOf(options: ResolvedInfisicalOptions): CacheBinding {
  return {
    siteUrl: options.siteUrl,
    sources: options.sources.map(({ projectId, environment, secretPath, recursive, includeImports }) => ({
      projectId,
      environment,
      secretPath,
      ...(recursive === DEFAULT_RECURSIVE ? {} : { recursive }),
      ...(includeImports === DEFAULT_INCLUDE_IMPORTS ? {} : { includeImports }),
    })),
    ...(options.expandSecretReferences === DEFAULT_EXPAND_SECRET_REFERENCES ? {} : { expandSecretReferences: options.expandSecretReferences }),
  };
}

function lastKnownGoodCache(options: ResolvedInfisicalOptions): LastKnownGoodCache | undefined {
  if (!options.persistentCache) return undefined;
  return new LastKnownGoodCache(options.persistentCache.path, options.persistentCache.key, bindingOf(options));
}

/** `8 keys in 23 ms — infisical: A (v1), …; env: PORT; default: LOG_FORMAT`. */
function summary(store: SecretStore, tookMs: number | undefined): string {
  return `${store.keys().length} keys${tookMs === undefined ? '' : ` in ${tookMs} ms`} — ${StoreLogger.describeSources(store.keyInfo())}`;
}
