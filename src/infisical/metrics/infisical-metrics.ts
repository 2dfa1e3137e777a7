import type { Attributes, BatchObservableCallback, Counter, Histogram, Meter, ObservableGauge } from '@opentelemetry/api';
import type { InfisicalClock } from '../interfaces/infisical-clock.interface.js';
import type { RefreshOutcome } from '../store/refresh.scheduler.js';
import type { StoreState } from '../store/store-state.js';
import {
  ATTR_ENVIRONMENT,
  ATTR_ERROR_TYPE,
  ATTR_FLEET_ROLE,
  ATTR_PROJECT,
  ATTR_REFRESH_RESULT,
  ATTR_WEBHOOK_OUTCOME,
  INSTRUMENTS,
  METER_NAME,
  type FleetRole,
  type WebhookOutcome,
} from './metric-names.js';
import { loadMetricsApi } from './otel-metrics-api.js';

interface Instruments {
  meter: Meter;
  refreshes: Counter;
  refreshDuration: Histogram;
  logins: Counter;
  renewals: Counter;
  webhookEvents: Counter;
  gauges: ObservableGauge[];
  observe: BatchObservableCallback;
}

/** What the gauges read: the store's state and clock. */
export interface MetricsSubject {
  projectId: string;
  environment: string;
  state: StoreState;
  clock: InfisicalClock;
}

/**
 * The metrics of one registration on the global OpenTelemetry meter provider (meter `nestjs-infisical`). Every
 * method is a no-op when `@opentelemetry/api` is not installed; the read path never touches metrics.
 */
export class InfisicalMetrics {
  readonly #instruments: Instruments | undefined;
  readonly #common: Attributes;
  #role: FleetRole | undefined;

  private constructor(meter: Meter | undefined, private readonly subject: MetricsSubject) {
    this.#common = { [ATTR_PROJECT]: subject.projectId, [ATTR_ENVIRONMENT]: subject.environment };
    this.#instruments = meter && this.#create(meter);
  }

  /** Metrics on the meter provider registered now (register the OpenTelemetry SDK before the application starts). */
  static async create(subject: MetricsSubject): Promise<InfisicalMetrics> {
    const api = await loadMetricsApi();
    return new InfisicalMetrics(api?.getMeter(METER_NAME), subject);
  }

  /** Metrics that record nothing. */
  static none(subject: MetricsSubject): InfisicalMetrics {
    return new InfisicalMetrics(undefined, subject);
  }

  refresh(outcome: RefreshOutcome): void {
    const i = this.#instruments;
    if (!i) return;
    const attributes = { ...this.#common, [ATTR_REFRESH_RESULT]: outcome.result };
    i.refreshes.add(1, outcome.error ? { ...attributes, [ATTR_ERROR_TYPE]: outcome.error.code } : attributes);
    i.refreshDuration.record(outcome.durationMs / 1000, attributes);
  }

  login(): void {
    this.#instruments?.logins.add(1, this.#common);
  }

  renewal(): void {
    this.#instruments?.renewals.add(1, this.#common);
  }

  webhook(outcome: WebhookOutcome): void {
    this.#instruments?.webhookEvents.add(1, { ...this.#common, [ATTR_WEBHOOK_OUTCOME]: outcome });
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

  #create(meter: Meter): Instruments {
    const options = (d: { unit: string; description: string }) => ({ unit: d.unit, description: d.description });
    const age = meter.createObservableGauge(INSTRUMENTS.snapshotAge.name, options(INSTRUMENTS.snapshotAge));
    const failures = meter.createObservableGauge(INSTRUMENTS.consecutiveFailures.name, options(INSTRUMENTS.consecutiveFailures));
    const role = meter.createObservableGauge(INSTRUMENTS.fleetRole.name, options(INSTRUMENTS.fleetRole));
    const observe: BatchObservableCallback = (result) => {
      const { state, clock } = this.subject;
      const confirmedAt = state.snapshot?.confirmedAt;
      if (confirmedAt !== undefined) result.observe(age, Math.max(0, clock.now() - confirmedAt) / 1000, this.#common);
      result.observe(failures, state.failures, this.#common);
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
      gauges,
      observe,
    };
  }
}
