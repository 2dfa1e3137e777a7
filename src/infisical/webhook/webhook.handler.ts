import type { InfisicalClock } from '../interfaces/infisical-clock.interface.js';
import type { InfisicalMetrics } from '../metrics/infisical-metrics.js';
import type { ResolvedSource } from '../options/resolved-options.interface.js';
import type { StoreLogger } from '../store/store.logger.js';
import { concernsSources, parseWebhookEvent, type WebhookEvent } from './webhook-event.js';
import type { RefreshTrigger } from './refresh-trigger.js';
import { ReplayGuard } from './replay-guard.js';
import { checkWebhookSignature } from './webhook-signature.js';

/** A delivery as any HTTP framework hands it over: the signature header and the body as it was signed. */
export interface WebhookDelivery {
  signature: string | undefined;
  body: string;
}

/** What to answer. Refusals carry no detail (the reason goes to the debug log and metrics only). */
export interface WebhookReply {
  status: number;
  body: string;
}

export interface WebhookHandlerDependencies {
  secret: string;
  maxAgeMs: number;
  sources: readonly ResolvedSource[];
  clock: InfisicalClock;
  metrics: Pick<InfisicalMetrics, 'webhook'>;
  trigger: Pick<RefreshTrigger, 'request'>;
  logger: Pick<StoreLogger, 'write'>;
}

const UNAUTHORIZED: WebhookReply = { status: 401, body: 'Unauthorized' };
const ACCEPTED: WebhookReply = { status: 200, body: '{"received":true}' };

/**
 * Infisical's project webhook, framework-free: verifies the signature (constant time, fresh timestamp, no replay),
 * ignores events about other projects, environments or folders, and asks the refresh trigger for a refresh.
 */
export class WebhookHandler {
  readonly #replays: ReplayGuard;

  constructor(private readonly deps: WebhookHandlerDependencies) {
    this.#replays = new ReplayGuard(deps.clock, deps.maxAgeMs);
  }

  handle(delivery: WebhookDelivery): WebhookReply {
    const { secret, clock, maxAgeMs, metrics, logger } = this.deps;
    const check = checkWebhookSignature(delivery.signature, delivery.body, secret, clock.now(), maxAgeMs);
    if (!check.ok || !this.#replays.firstSeen(check.signature)) {
      metrics.webhook('rejected');
      logger.write('debug', `Infisical webhook refused (${check.ok ? 'replayed' : check.problem} signature).`);
      return UNAUTHORIZED;
    }
    let event: WebhookEvent | undefined;
    try {
      event = parseWebhookEvent(JSON.parse(delivery.body));
    } catch {
      // Not JSON: acknowledged and ignored below, like an event about something else.
    }
    if (!event || !concernsSources(event, this.deps.sources)) {
      metrics.webhook('ignored');
      return ACCEPTED;
    }
    metrics.webhook('refresh');
    logger.write('debug', `Infisical webhook: ${event.event} in environment "${event.environment}"; refreshing now.`);
    void this.deps.trigger.request();
    return ACCEPTED;
  }
}
