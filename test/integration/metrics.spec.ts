import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { loadMetricsApi, meterProviderRegistered } from '../../src/infisical/metrics/otel-metrics-api.js';
import { APP_PROJECT_ID, APP_SHORT_TTL, createAppSeed } from '../support/fixtures/app-seed.js';
import { ALL_CREDENTIALS, optionsFor, startInfisicalApp, type TestApp } from '../support/infisical-app.js';
import { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { ManualClock } from '../support/manual-clock.js';
import { MetricCollector } from '../support/metric-collector.js';

const TTL = 10;
const common = { 'infisical.project.id': APP_PROJECT_ID, 'infisical.environment': 'dev' };

describe('OpenTelemetry metrics (meter nestjs-infisical)', () => {
  let clock: ManualClock;
  let server: LocalInfisicalServer;
  let app: TestApp | undefined;
  let collector: MetricCollector | undefined;

  beforeEach(async () => {
    clock = new ManualClock();
    server = await LocalInfisicalServer.start({ seed: createAppSeed(), now: clock.now });
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await collector?.stop();
    collector = undefined;
    await server.close();
  });

  const start = async () => {
    app = await startInfisicalApp({ options: optionsFor(server, APP_SHORT_TTL, 'dev', { cacheTtlSeconds: TTL }), credentials: ALL_CREDENTIALS, clock });
    return app;
  };
  const advance = (ms: number) => clock.advanceAsync(ms, () => app!.store.whenSettled());

  it('records refreshes by result, their duration, snapshot age, consecutive failures, logins and renewals', async () => {
    collector = new MetricCollector();
    await start();
    await advance(clock.pending[0]!); // one good refresh
    server.injectFault({ kind: 'status', status: 503, path: '/api/v3/secrets/raw', times: 1 });
    await advance(clock.pending[0]!); // one failed refresh
    clock.jump(2000);

    expect(await collector.points('infisical.refresh.count')).toEqual(
      expect.arrayContaining([
        { attributes: { ...common, 'infisical.refresh.result': 'success' }, value: 1 },
        { attributes: { ...common, 'infisical.refresh.result': 'failure', 'error.type': expect.stringMatching(/^INFISICAL_/) }, value: 1 },
      ]),
    );
    const durations = await collector.points('infisical.refresh.duration');
    expect(durations.map((p) => [p.attributes['infisical.refresh.result'], (p.value as { count: number }).count]).sort()).toEqual([
      ['failure', 1],
      ['success', 1],
    ]);
    const [age] = await collector.points('infisical.snapshot.age');
    expect(age).toEqual({ attributes: common, value: expect.any(Number) });
    expect(age!.value as number).toBeGreaterThanOrEqual(2);
    expect(await collector.points('infisical.refresh.consecutive_failures')).toEqual([{ attributes: common, value: 1 }]);
    expect(await collector.points('infisical.auth.logins')).toEqual([{ attributes: common, value: 1 }]);

    await advance(120_000); // the 60 s token is renewed
    const [renewals] = await collector.points('infisical.auth.renewals');
    expect(renewals!.value as number).toBeGreaterThanOrEqual(1);
    expect(await collector.points('infisical.refresh.consecutive_failures')).toEqual([{ attributes: common, value: 0 }]);
    const { descriptor } = (await collector.collect()).get('infisical.refresh.duration')!;
    expect(descriptor.unit).toBe('s');
  });

  it('stops observing gauges once the application is closed', async () => {
    collector = new MetricCollector();
    await start();
    clock.jump(3000);
    expect(await collector.points('infisical.snapshot.age')).toEqual([{ attributes: common, value: 3 }]);
    await app!.close();
    app = undefined;
    clock.jump(5000);
    expect(await collector.points('infisical.snapshot.age')).toEqual([{ attributes: common, value: 3 }]); // the last observation, not 8
  });

  it('records nothing when no SDK is registered (the API hands out no-op instruments)', async () => {
    const before = new MetricCollector();
    await before.stop(); // registered once, then unregistered: the global provider is the no-op one again
    await start();
    await advance(TTL * 1100 + 1);
    collector = new MetricCollector(); // registered only after the store took its meter
    expect(await collector.collect()).toEqual(new Map());
    expect(app!.store.status().state).toBe('up');
  });

  it('imports @opentelemetry/api only once a meter provider is registered (no start-up cost without an SDK)', async () => {
    expect(meterProviderRegistered()).toBe(false);
    expect(await loadMetricsApi()).toBeUndefined();
    collector = new MetricCollector();
    expect(meterProviderRegistered()).toBe(true);
    expect(typeof (await loadMetricsApi())?.getMeter).toBe('function');
  });
});
