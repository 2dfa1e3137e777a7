import type { MetricsAPI } from '@opentelemetry/api';

/** Where `@opentelemetry/api` 1.x keeps what an SDK registered: `metrics` is set once a meter provider is. */
const OTEL_API_GLOBAL = Symbol.for('opentelemetry.js.api.1');

let loading: Promise<MetricsAPI | undefined> | undefined;

/** Whether an OpenTelemetry SDK has registered a global meter provider in this process. */
export function meterProviderRegistered(): boolean {
  const registry = (globalThis as Record<symbol, { metrics?: unknown } | undefined>)[OTEL_API_GLOBAL];
  return registry?.metrics !== undefined;
}

/**
 * OpenTelemetry's metrics API, imported on first use, when a meter provider is registered: `@opentelemetry/api` is an
 * optional peer dependency, and without a registered SDK it would only hand out no-op instruments, so then nothing is
 * imported at all (no start-up cost) and the module records nothing.
 */
export function loadMetricsApi(): Promise<MetricsAPI | undefined> {
  if (!meterProviderRegistered()) return Promise.resolve(undefined);
  loading ??= import('@opentelemetry/api').then(
    (api) => api.metrics,
    () => undefined,
  );
  return loading;
}
