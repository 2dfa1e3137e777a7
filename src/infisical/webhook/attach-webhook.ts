import { CHANGE_REFRESH_MIN_INTERVAL_MS, WEBHOOK_MAX_AGE_MS } from '../infisical.defaults.js';
import type { InfisicalClock } from '../interfaces/infisical-clock.interface.js';
import type { InfisicalMetrics } from '../metrics/infisical-metrics.js';
import type { ResolvedInfisicalOptions } from '../options/resolved-options.js';
import type { SecretStore } from '../store/secret-store.js';
import type { StoreLogger } from '../store/store.logger.js';
import { RefreshTrigger } from './refresh-trigger.js';
import { WebhookHandler } from './webhook.handler.js';
import { registerWebhook } from './webhook.registry.js';

/**
 * Gives `store` its webhook receiver when the `webhook` option is set: `refresh` (a refresh from Infisical, or the
 * fleet's fan-out) runs at most once per second, however many deliveries arrive.
 */
export function attachWebhook(
  store: SecretStore,
  options: ResolvedInfisicalOptions,
  parts: { clock: InfisicalClock; metrics: InfisicalMetrics; logger: StoreLogger; refresh: () => Promise<boolean> },
): void {
  if (!options.webhook) return;
  const trigger = new RefreshTrigger(parts.clock, CHANGE_REFRESH_MIN_INTERVAL_MS, parts.refresh);
  store.onClose(() => trigger.stop());
  const handler = new WebhookHandler({ ...parts, secret: options.webhook.secret, maxAgeMs: WEBHOOK_MAX_AGE_MS, sources: options.sources, trigger });
  registerWebhook(store, options.webhook.path, handler);
}
