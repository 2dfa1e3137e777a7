import { CHANGE_REFRESH_MIN_INTERVAL_MS, WEBHOOK_MAX_AGE_MS } from '../infisical.defaults.js';
import type { InfisicalClock } from '../interfaces/infisical-clock.interface.js';
import type { InfisicalMetrics } from '../metrics/infisical-metrics.js';
import type { ResolvedInfisicalOptions } from '../options/resolved-options.interface.js';
import type { SecretStore } from '../store/secret-store.js';
import type { StoreLogger } from '../store/store.logger.js';
import { RefreshTrigger } from './refresh-trigger.js';
import { WebhookHandler } from './webhook.handler.js';

/** The webhook receiver of one store: the route it answers on and the handler that answers. */
export interface WebhookReceiver {
  readonly path: string;
  readonly handler: WebhookHandler;
}

/** What the receiver is built from besides the options. */
export interface WebhookParts {
  clock: InfisicalClock;
  metrics: Pick<InfisicalMetrics, 'webhook'>;
  logger: Pick<StoreLogger, 'write'>;
  /** A refresh from Infisical (or the fleet's fan-out); resolves true when the values are fresh. */
  refresh: () => Promise<boolean>;
}

/**
 * Builds the webhook receiver of `store` when the `webhook` option is set (undefined otherwise): `refresh` runs at
 * most once per second, however many deliveries arrive, and no more once the store is closed.
 */
export function attachWebhook(store: Pick<SecretStore, 'onClose'>, options: Pick<ResolvedInfisicalOptions, 'webhook' | 'sources'>, parts: WebhookParts): WebhookReceiver | undefined {
  if (!options.webhook) return undefined;
  const trigger = new RefreshTrigger(parts.clock, CHANGE_REFRESH_MIN_INTERVAL_MS, parts.refresh);
  store.onClose(() => trigger.stop());
  const handler = new WebhookHandler({ ...parts, secret: options.webhook.secret, maxAgeMs: WEBHOOK_MAX_AGE_MS, sources: options.sources, trigger });
  return { path: options.webhook.path, handler };
}
