import { metrics } from '@opentelemetry/api';
import { MetricReader, type DataPoint, type MetricData } from '@opentelemetry/sdk-metrics';
import { startMetrics } from './readme/metrics-setup.js';

/** A metric reader that keeps nothing between collections: `collect()` reads every instrument now. */
class InMemoryMetricReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** One data point of a collection, with its attributes. */
export interface Point {
  attributes: Record<string, unknown>;
  value: unknown;
}

/**
 * The real OpenTelemetry SDK registered as the global meter provider, read in memory. `stop()` unregisters it
 * (afterwards the API hands out no-op instruments again).
 */
export class MetricCollector {
  readonly #reader = new InMemoryMetricReader();
  readonly #provider = startMetrics([this.#reader]); // the set-up of docs/fleet.md

  /** Every metric of `scope` collected now, by name. */
  async collect(scope = 'nestjs-infisical'): Promise<Map<string, MetricData>> {
    const { resourceMetrics } = await this.#reader.collect();
    const found = new Map<string, MetricData>();
    for (const s of resourceMetrics.scopeMetrics) if (s.scope.name === scope) for (const m of s.metrics) found.set(m.descriptor.name, m);
    return found;
  }

  /** Data points of `name` (empty when the instrument recorded nothing). */
  async points(name: string): Promise<Point[]> {
    const metric = (await this.collect()).get(name);
    return (metric?.dataPoints ?? []).map((p: DataPoint<unknown>) => ({ attributes: { ...p.attributes }, value: p.value }));
  }

  async stop(): Promise<void> {
    metrics.disable();
    await this.#provider.shutdown();
  }
}
