import type { MetricsAPI } from '@opentelemetry/api';

let loading: Promise<MetricsAPI | undefined> | undefined;

/**
 * OpenTelemetry's metrics API, imported on first use: `@opentelemetry/api` is an optional peer dependency, so when
 * it is not installed the module records nothing and costs nothing. Without a registered SDK the API hands out
 * no-op instruments.
 */
export function loadMetricsApi(): Promise<MetricsAPI | undefined> {
  loading ??= import('@opentelemetry/api').then(
    (api) => api.metrics,
    () => undefined,
  );
  return loading;
}
