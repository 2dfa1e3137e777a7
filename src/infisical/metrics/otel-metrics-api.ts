import type { Meter, MetricsAPI } from '@opentelemetry/api';
import { METER_NAME } from './metric-names.js';

/** The part of `@opentelemetry/api` the module uses: the global meter provider and the API's own no-op meter. @internal */
export interface OtelMetricsModule {
  metrics: Pick<MetricsAPI, 'getMeterProvider' | 'getMeter'>;
  createNoopMeter(): Meter;
}

/**
 * Key of the object in which `@opentelemetry/api` 1.x keeps what an SDK registered (meter or tracer provider, context
 * manager, propagator, diagnostic logger). Only its presence is checked, never its contents: it is there once some SDK
 * registered something, so the API is loaded in the process already; whether a meter provider is among what was
 * registered is asked through the API itself.
 */
const OTEL_API_GLOBAL = Symbol.for('opentelemetry.js.api.1');

/** Whether an OpenTelemetry SDK has registered anything with `@opentelemetry/api` 1.x in this process. Cheap. @internal */
export function otelRegistrationSeen(): boolean {
  return OTEL_API_GLOBAL in globalThis;
}

/** Whether the global meter provider is a real one: the API's no-op provider hands out its no-op meter. */
function hasMeterProvider(api: OtelMetricsModule): boolean {
  return api.metrics.getMeterProvider().getMeter(METER_NAME) !== api.createNoopMeter();
}

/** Finds the global meter provider through `@opentelemetry/api`, imported on first need (see {@link loadMetricsApi}). @internal */
export interface MetricsApiLoader {
  /**
   * Whether a meter provider is registered, as far as is known without importing the API: false while no SDK has
   * registered anything; once the API is imported, its own answer.
   */
  meterProviderRegistered(): boolean;
  /** The metrics API when a meter provider is registered; undefined otherwise, or when the API cannot be imported. */
  loadMetricsApi(): Promise<OtelMetricsModule['metrics'] | undefined>;
}

/** A loader over `importApi` (the dynamic import) and `registrationSeen` (the cheap check before it). @internal */
export function createMetricsApiLoader(importApi: () => Promise<OtelMetricsModule>, registrationSeen: () => boolean = otelRegistrationSeen): MetricsApiLoader {
  let importing: Promise<OtelMetricsModule | undefined> | undefined;
  let imported: OtelMetricsModule | undefined;
  return {
    meterProviderRegistered: () => registrationSeen() && (imported === undefined || hasMeterProvider(imported)),
    async loadMetricsApi() {
      if (!registrationSeen()) return undefined;
      importing ??= importApi().then(
        (api) => (imported = api),
        () => undefined,
      );
      const api = await importing;
      return api && hasMeterProvider(api) ? api.metrics : undefined;
    },
  };
}

const loader = createMetricsApiLoader(() => import('@opentelemetry/api'));

/** Whether an OpenTelemetry SDK has registered a global meter provider in this process (see {@link MetricsApiLoader}). @internal */
export function meterProviderRegistered(): boolean {
  return loader.meterProviderRegistered();
}

/**
 * OpenTelemetry's metrics API when an SDK has registered a meter provider, found with the API's public
 * `metrics.getMeterProvider()`. `@opentelemetry/api` is an optional peer dependency, imported on first use and only
 * once an SDK has registered something with it (so it is loaded already): a process without an SDK imports nothing
 * and pays nothing at start-up, and the module records nothing.
 * @internal
 */
export function loadMetricsApi(): Promise<OtelMetricsModule['metrics'] | undefined> {
  return loader.loadMetricsApi();
}
