// main.ts: register the OpenTelemetry SDK before the application bootstraps (the module takes its meter then).
import { metrics } from '@opentelemetry/api';
import { MeterProvider, type MetricReader } from '@opentelemetry/sdk-metrics';

export function startMetrics(readers: MetricReader[]): MeterProvider {
  const provider = new MeterProvider({ readers }); // e.g. a PeriodicExportingMetricReader with an OTLP exporter
  metrics.setGlobalMeterProvider(provider);
  return provider;
}
