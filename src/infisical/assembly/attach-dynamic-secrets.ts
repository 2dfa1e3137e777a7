import type { DynamicSecretsApi } from '../api/dynamic-secrets.api.js';
import type { AccessTokenSession } from '../auth/access-token.session.js';
import type { InfisicalClock } from '../interfaces/infisical-clock.interface.js';
import { DynamicSecretLeases } from '../leases/dynamic-secret-leases.js';
import type { InfisicalMetrics } from '../metrics/infisical-metrics.js';
import type { ResolvedInfisicalOptions } from '../options/resolved-options.interface.js';
import type { SecretRedactor } from '../redaction/secret-redactor.js';
import type { StoreLogger } from '../store/store.logger.js';

/** What the leases of one registration are built with (the store's connection, clock, metrics and masking). */
export interface DynamicSecretsContext {
  options: Pick<ResolvedInfisicalOptions, 'dynamicSecrets' | 'siteUrl' | 'sources' | 'startupTimeoutMs'>;
  api: Pick<DynamicSecretsApi, 'projectSlug' | 'createLease' | 'renewLease' | 'revokeLease'>;
  session: Pick<AccessTokenSession, 'withToken'>;
  clock: InfisicalClock;
  metrics: Pick<InfisicalMetrics, 'lease'>;
  redactor: Pick<SecretRedactor, 'add'>;
  logger: Pick<StoreLogger, 'warn'>;
  random?: () => number;
}

/**
 * The leases of the `dynamicSecrets` option (undefined when there are none): each lease's events are counted
 * (`infisical.dynamic_secret.leases`), its credentials masked in every log line and error, its problems logged.
 */
export function createDynamicSecretLeases(context: DynamicSecretsContext): DynamicSecretLeases | undefined {
  const { options, metrics, redactor, logger } = context;
  if (options.dynamicSecrets.length === 0) return undefined;
  return new DynamicSecretLeases({
    secrets: options.dynamicSecrets,
    siteUrl: options.siteUrl,
    projectId: options.sources[0]!.projectId,
    api: context.api,
    session: context.session,
    clock: context.clock,
    random: context.random,
    events: (name) => ({
      onCreated: () => metrics.lease(name, 'created'),
      onRenewed: () => metrics.lease(name, 'renewed'),
      onRevoked: () => metrics.lease(name, 'revoked'),
      onFailed: (error) => metrics.lease(name, 'failed', error),
      mask: (values) => redactor.add('credentials', ...values),
      warn: (message) => logger.warn(`Dynamic secret "${name}": ${message}`),
    }),
  });
}

/**
 * Takes every first lease within what is left of the start-up deadline (`startupTimeoutMs` from `startedAt`): one
 * create per dynamic secret, after one project-slug lookup; transient failures are retried until the deadline. A
 * failure (unknown name, no permission, the last transient one at the deadline) fails start-up, the leases already
 * taken revoked.
 */
export async function startDynamicSecretLeases(leases: DynamicSecretLeases, context: Pick<DynamicSecretsContext, 'clock' | 'options'>, startedAt: number): Promise<void> {
  const { clock, options } = context;
  const controller = new AbortController();
  const left = Math.max(0, options.startupTimeoutMs - (clock.now() - startedAt));
  const timer = clock.setTimeout(() => controller.abort(), left);
  try {
    await leases.start(controller.signal);
  } finally {
    clock.clearTimeout(timer);
  }
}
