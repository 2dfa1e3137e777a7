import { MAX_WEBHOOK_BODY_BYTES } from '../infisical.defaults.js';
import type { InfisicalClock } from '../interfaces/infisical-clock.interface.js';
import type { InfisicalMetrics } from '../metrics/infisical-metrics.js';
import type { ResolvedSource } from '../options/resolved-options.interface.js';
import type { StoreLogger } from '../store/store.logger.js';
import { LogThrottle } from '../store/log-throttle.js';
import { concernsSources, parseWebhookEvent } from './webhook-event.js';
import type { RefreshTrigger } from './refresh-trigger.js';
import { ReplayGuard } from './replay-guard.js';
import { checkWebhookSignature, type SignatureProblem } from './webhook-signature.js';

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
  /** The freshness window (±), also how long an accepted delivery is remembered past its signed timestamp. */
  maxAgeMs: number;
  sources: readonly ResolvedSource[];
  clock: InfisicalClock;
  metrics: Pick<InfisicalMetrics, 'webhook'>;
  trigger: Pick<RefreshTrigger, 'request'>;
  logger: Pick<StoreLogger, 'write'>;
  /** Most deliveries remembered at once (default `WEBHOOK_REPLAY_CAPACITY`). */
  replayCapacity?: number;
}

/** At most one WARN per refusal cause within this many milliseconds (the first refusal of a cause always warns). */
export const WEBHOOK_REFUSAL_WARN_INTERVAL_MS = 60_000;

type RefusalCause = SignatureProblem | 'replayed';

const UNAUTHORIZED: WebhookReply = { status: 401, body: 'Unauthorized' };
const UNAVAILABLE: WebhookReply = { status: 503, body: 'Service Unavailable' };
const ACCEPTED: WebhookReply = { status: 200, body: '{"received":true}' };

/** Why a delivery was refused, in words for the debug log (never the body, the signature or the secret). */
const REFUSALS: Record<RefusalCause, string> = {
  missing: 'no x-infisical-signature header',
  malformed: 'the x-infisical-signature header is not "t=<ms>;<64 hex digits>"',
  oversized: `the body is larger than ${MAX_WEBHOOK_BODY_BYTES} bytes`,
  mismatch: 'the signature does not match the body (webhook.secret / INFISICAL_WEBHOOK_SECRET must be the secret key of the project webhook)',
  'unsigned-timestamp': 'the signed body has no numeric "timestamp"',
  'timestamp-mismatch': `the header's t differs from the signed body's "timestamp"`,
  expired: `the signed timestamp is more than the freshness window away from this machine's clock (check its time)`,
  replayed: 'this delivery was already accepted (a replay)',
};

/**
 * Infisical's project webhook, framework-free: verifies the delivery (bounded body, HMAC in constant time, the
 * header's `t` equal to the signed `timestamp`, that timestamp fresh, never accepted before), ignores events about
 * other projects, environments or folders, and asks the refresh trigger for a refresh.
 */
export class WebhookHandler {
  readonly #replays: ReplayGuard;
  #fullReported = false;
  /** Per refusal cause: which refusals are warned about. */
  readonly #warnings = new LogThrottle<RefusalCause>(WEBHOOK_REFUSAL_WARN_INTERVAL_MS);

  constructor(private readonly deps: WebhookHandlerDependencies) {
    this.#replays = new ReplayGuard(deps.clock, deps.maxAgeMs, deps.replayCapacity);
  }

  handle(delivery: WebhookDelivery): WebhookReply {
    const { secret, clock, maxAgeMs, metrics, logger } = this.deps;
    const check = checkWebhookSignature(delivery.signature, delivery.body, { secret, now: clock.now(), maxAgeMs, maxBodyBytes: MAX_WEBHOOK_BODY_BYTES });
    const verdict = check.ok ? this.#replays.admit(check.signature, check.timestamp) : undefined;
    if (!check.ok || verdict === 'replay') {
      metrics.webhook('rejected');
      const cause = check.ok ? 'replayed' : check.problem;
      logger.write('debug', `Infisical webhook refused: ${REFUSALS[cause]}.`);
      this.#warnRefusal(cause);
      return UNAUTHORIZED;
    }
    if (verdict === 'full') return this.#refuseFull();
    this.#fullReported = false;
    const event = parseWebhookEvent(check.payload);
    if (!event || !concernsSources(event, this.deps.sources)) {
      metrics.webhook('ignored');
      return ACCEPTED;
    }
    metrics.webhook('refresh');
    logger.write('debug', `Infisical webhook: ${event.event} in environment "${event.environment}"; refreshing now.`);
    void this.deps.trigger.request();
    return ACCEPTED;
  }

  /**
   * WARN for the first refusal of each cause, then at most one per cause every `WEBHOOK_REFUSAL_WARN_INTERVAL_MS`,
   * counting the refusals in between (a flood of forged deliveries cannot flood the log). Only the cause is named.
   */
  #warnRefusal(cause: RefusalCause): void {
    const line = this.#warnings.pass(cause, this.deps.clock.now());
    if (!line) return;
    const since = line.held ? ` ${line.held} more refused for this cause since the last warning (${Math.round(line.sinceMs / 1000)} s ago).` : '';
    this.deps.logger.write(
      'warn',
      `Infisical webhook refused (401): ${REFUSALS[cause]}.${since} ` +
        `Further refusals for this cause are warned at most once per ${WEBHOOK_REFUSAL_WARN_INTERVAL_MS / 1000} s (each one is logged at debug).`,
    );
  }

  /** A genuine delivery that cannot be remembered: refused (503), warned once until deliveries are accepted again. */
  #refuseFull(): WebhookReply {
    this.deps.metrics.webhook('rejected');
    if (!this.#fullReported) {
      this.#fullReported = true;
      this.deps.logger.write(
        'warn',
        `Infisical webhook refused: ${this.#replays.size} deliveries accepted within the freshness window are remembered, the most ` +
          'kept to refuse replays; more are refused until the oldest expire (the values are still refreshed every cacheTtlSeconds). ' +
          'If this was not a burst of changes, the webhook secret key may be known to someone else: rotate it in the project settings.',
      );
    }
    return UNAVAILABLE;
  }
}
