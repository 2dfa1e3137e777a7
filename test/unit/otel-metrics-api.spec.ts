import { afterEach, describe, expect, it } from '@jest/globals';
import { createNoopMeter, metrics, type Meter } from '@opentelemetry/api';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { METER_NAME } from '../../src/infisical/metrics/metric-names.js';
import { createMetricsApiLoader, loadMetricsApi, meterProviderRegistered, otelRegistrationSeen, type OtelMetricsModule } from '../../src/infisical/metrics/otel-metrics-api.js';

const NOOP = { noop: true } as unknown as Meter;
const REAL = { real: true } as unknown as Meter;

/** A stand-in for `@opentelemetry/api`: the global provider hands out `provided` (the no-op meter by default). */
function fakeApi(): OtelMetricsModule & { provided: Meter; asked: string[] } {
  const api = {
    provided: NOOP,
    asked: [] as string[],
    createNoopMeter: () => NOOP,
    metrics: {
      getMeterProvider: () => ({
        getMeter: (name: string) => {
          api.asked.push(name);
          return api.provided;
        },
      }),
      getMeter: () => api.provided,
    },
  };
  return api as unknown as OtelMetricsModule & { provided: Meter; asked: string[] };
}

function loaderOver(api: OtelMetricsModule | Error, seen = { value: true }) {
  const imports: number[] = [];
  const loader = createMetricsApiLoader(
    () => {
      imports.push(imports.length);
      return api instanceof Error ? Promise.reject(api) : Promise.resolve(api);
    },
    () => seen.value,
  );
  return { loader, imports, seen };
}

describe('createMetricsApiLoader', () => {
  it('imports nothing while no SDK has registered anything with the API', async () => {
    const { loader, imports } = loaderOver(fakeApi(), { value: false });
    expect(loader.meterProviderRegistered()).toBe(false);
    expect(await loader.loadMetricsApi()).toBeUndefined();
    expect(imports).toEqual([]);
  });

  it('once something is registered, imports the API and hands out its metrics when the meter provider is real', async () => {
    const api = fakeApi();
    api.provided = REAL;
    const { loader, imports } = loaderOver(api);
    expect(loader.meterProviderRegistered()).toBe(true); // not known yet without the API: may be
    expect(await loader.loadMetricsApi()).toBe(api.metrics);
    expect(loader.meterProviderRegistered()).toBe(true);
    expect(api.asked.every((name) => name === METER_NAME)).toBe(true);
    expect(imports).toHaveLength(1);
  });

  it('hands out nothing while the global provider is the no-op one (e.g. only tracing was registered)', async () => {
    const api = fakeApi();
    const { loader } = loaderOver(api);
    expect(await loader.loadMetricsApi()).toBeUndefined();
    expect(loader.meterProviderRegistered()).toBe(false);
    api.provided = REAL; // a meter provider registered later is seen at the next question
    expect(loader.meterProviderRegistered()).toBe(true);
    expect(await loader.loadMetricsApi()).toBe(api.metrics);
  });

  it('imports the API once, however many registrations ask at the same time', async () => {
    const api = fakeApi();
    api.provided = REAL;
    const { loader, imports } = loaderOver(api);
    const answers = await Promise.all([loader.loadMetricsApi(), loader.loadMetricsApi(), loader.loadMetricsApi()]);
    expect(answers).toEqual([api.metrics, api.metrics, api.metrics]);
    expect(imports).toHaveLength(1);
  });

  it('records nothing when the API cannot be imported (the optional peer is not installed), and does not retry', async () => {
    const { loader, imports } = loaderOver(new Error("Cannot find module '@opentelemetry/api'"));
    expect(await loader.loadMetricsApi()).toBeUndefined();
    expect(await loader.loadMetricsApi()).toBeUndefined();
    expect(imports).toHaveLength(1);
  });
});

describe('the process-wide loader over @opentelemetry/api', () => {
  const key = Symbol.for('opentelemetry.js.api.1');
  afterEach(() => metrics.disable());

  it('sees no registration in a process where no SDK registered anything', async () => {
    expect(key in globalThis).toBe(false);
    expect(otelRegistrationSeen()).toBe(false);
    expect(meterProviderRegistered()).toBe(false);
    expect(await loadMetricsApi()).toBeUndefined();
  });

  it('finds a registered SDK meter provider through the public API, and no longer once it is disabled', async () => {
    const provider = new MeterProvider();
    metrics.setGlobalMeterProvider(provider);
    expect(otelRegistrationSeen()).toBe(true);
    expect(meterProviderRegistered()).toBe(true);
    const api = await loadMetricsApi();
    expect(api?.getMeter(METER_NAME)).not.toBe(createNoopMeter());
    metrics.disable();
    expect(otelRegistrationSeen()).toBe(true); // the API's registry stays, without a meter provider
    expect(meterProviderRegistered()).toBe(false);
    expect(await loadMetricsApi()).toBeUndefined();
    await provider.shutdown();
  });
});
