import type { Attributes, BatchObservableCallback, Counter, Histogram, Meter, ObservableGauge } from '@opentelemetry/api';
import {
  ATTR_ENVIRONMENT,
  ATTR_DYNAMIC_SECRET,
  ATTR_ERROR_TYPE,
  ATTR_FLEET_ROLE,
  ATTR_LEASE_EVENT,
  ATTR_PROJECT,
  ATTR_REFRESH_RESULT,
  ATTR_WEBHOOK_OUTCOME,
  INSTRUMENTS,
  METER_NAME,
  type FleetRole,
  type LeaseEvent,
  type WebhookOutcome,
} from './metric-names.js';
import { loadMetricsApi, type OtelMetricsModule } from './otel-metrics-api.js';

interface Instruments {
  meter: Meter;
  refreshes: Counter;
  refreshDuration: Histogram;
  logins: Counter;
  renewals: Counter;
  webhookEvents: Counter;
  leaseEvents: Counter;
  gauges: ObservableGauge[];
  observe: BatchObservableCallback;
}

/** What the metrics of one registration are about, and what its gauges read at each collection (plain numbers). @internal */
export interface MetricsSubject {
  projectId: string;
  environment: string;
  /** When Infisical delivered the values served now (epoch ms); undefined while none were. */
  confirmedAt(): number | undefined;
  /** Consecutive failed or rejected refreshes (0 after a success). */
  consecutiveFailures(): number;
  /** The current time (epoch ms). */
  now(): number;
}

/** One finished refresh, as the metrics record it. @internal */
export interface RefreshMeasurement {
  result: 'success' | 'rejected' | 'failure';
  durationMs: number;
  /** Why it failed or was rejected: reported by its `code` as `error.type`. */
  error?: { readonly code: string };
}

/**
 * The metrics of one registration on the global OpenTelemetry meter provider (meter `nestjs-infisical`). Every
 * method is a no-op when `@opentelemetry/api` is not installed; the read path never touches metrics.
 * @internal
 */
export class InfisicalMetrics {
  readonly #instruments: Instruments | undefined;
  readonly #common: Attributes;
  #role: FleetRole | undefined;

  private constructor(meter: Meter | undefined, subject: MetricsSubject | undefined) {
    this.#common = subject ? { [ATTR_PROJECT]: subject.projectId, [ATTR_ENVIRONMENT]: subject.environment } : {};
    this.#instruments = meter && subject && this.#create(meter, subject);
  }

  /**
   * Metrics on the meter provider registered now (register the OpenTelemetry SDK before the application starts).
   * `loadApi` finds it (by default through `@opentelemetry/api`, imported only when an SDK registered something).
   */
  static async create(subject: MetricsSubject, loadApi: () => Promise<Pick<OtelMetricsModule['metrics'], 'getMeter'> | undefined> = loadMetricsApi): Promise<InfisicalMetrics> {
    const api = await loadApi();
    return new InfisicalMetrics(api?.getMeter(METER_NAME), subject);
  }

  /** Metrics that record nothing. */
  static none(): InfisicalMetrics {
    return new InfisicalMetrics(undefined, undefined);
  }

  /** Counts a finished refresh by result (and error type) and records its duration in seconds. */
  refresh(outcome: RefreshMeasurement): void {
    const i = this.#instruments;
    if (!i) return;
    const attributes = { ...this.#common, [ATTR_REFRESH_RESULT]: outcome.result };
    i.refreshes.add(1, outcome.error ? { ...attributes, [ATTR_ERROR_TYPE]: outcome.error.code } : attributes);
    i.refreshDuration.record(outcome.durationMs / 1000, attributes);
  }

  /** Counts a login of the machine identity. */
  login(): void {
    this.#instruments?.logins.add(1, this.#common);
  }

  /** Counts a renewal of the access token. */
  renewal(): void {
    this.#instruments?.renewals.add(1, this.#common);
  }

  /** Counts a webhook delivery by outcome. */
  webhook(outcome: WebhookOutcome): void {
    this.#instruments?.webhookEvents.add(1, { ...this.#common, [ATTR_WEBHOOK_OUTCOME]: outcome });
  }

  /** Counts a lease operation of dynamic secret `name`; a failure by its error's `code` (`error.type`). */
  lease(name: string, event: LeaseEvent, error?: unknown): void {
    const i = this.#instruments;
    if (!i) return;
    const code = (error as { code?: unknown } | undefined)?.code;
    const attributes = { ...this.#common, [ATTR_DYNAMIC_SECRET]: name, [ATTR_LEASE_EVENT]: event };
    i.leaseEvents.add(1, event === 'failed' ? { ...attributes, [ATTR_ERROR_TYPE]: typeof code === 'string' ? code : 'unknown' } : attributes);
  }

  /** The role reported by `infisical.fleet.role` (nothing is reported without a fleet). */
  set fleetRole(role: FleetRole | undefined) {
    this.#role = role;
  }

  get fleetRole(): FleetRole | undefined {
    return this.#role;
  }

  /** Stops the gauges (at shutdown). */
  close(): void {
    const i = this.#instruments;
    if (i) i.meter.removeBatchObservableCallback(i.observe, i.gauges);
  }

  #create(meter: Meter, subject: MetricsSubject): Instruments {
    const options = (d: { unit: string; description: string }) => ({ unit: d.unit, description: d.description });
    const age = meter.createObservableGauge(INSTRUMENTS.snapshotAge.name, options(INSTRUMENTS.snapshotAge));
    const failures = meter.createObservableGauge(INSTRUMENTS.consecutiveFailures.name, options(INSTRUMENTS.consecutiveFailures));
    const role = meter.createObservableGauge(INSTRUMENTS.fleetRole.name, options(INSTRUMENTS.fleetRole));
    const observe: BatchObservableCallback = (result) => {
      const confirmedAt = subject.confirmedAt();
      if (confirmedAt !== undefined) result.observe(age, Math.max(0, subject.now() - confirmedAt) / 1000, this.#common);
      result.observe(failures, subject.consecutiveFailures(), this.#common);
      if (this.#role) result.observe(role, 1, { ...this.#common, [ATTR_FLEET_ROLE]: this.#role });
    };
    const gauges = [age, failures, role];
    meter.addBatchObservableCallback(observe, gauges);
    return {
      meter,
      refreshes: meter.createCounter(INSTRUMENTS.refreshes.name, options(INSTRUMENTS.refreshes)),
      refreshDuration: meter.createHistogram(INSTRUMENTS.refreshDuration.name, options(INSTRUMENTS.refreshDuration)),
      logins: meter.createCounter(INSTRUMENTS.logins.name, options(INSTRUMENTS.logins)),
      renewals: meter.createCounter(INSTRUMENTS.renewals.name, options(INSTRUMENTS.renewals)),
      webhookEvents: meter.createCounter(INSTRUMENTS.webhookEvents.name, options(INSTRUMENTS.webhookEvents)),
      leaseEvents: meter.createCounter(INSTRUMENTS.leaseEvents.name, options(INSTRUMENTS.leaseEvents)),
      gauges,
      observe,
    };
  }
}
