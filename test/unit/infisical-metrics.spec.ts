import { describe, expect, it } from '@jest/globals';
import { InfisicalMetrics, type MetricsSubject } from '../../src/infisical/metrics/infisical-metrics.js';
import { INSTRUMENTS, METER_NAME } from '../../src/infisical/metrics/metric-names.js';
import { FakeMeter } from '../support/fakes/otel-meter.fake.js';

const COMMON = { 'infisical.project.id': 'proj-1', 'infisical.environment': 'prod' };

/** A subject whose readings the test sets. */
function subject(readings: { confirmedAt?: number; failures?: number; now?: number } = {}): MetricsSubject & { readings: typeof readings } {
  return {
    readings,
    projectId: 'proj-1',
    environment: 'prod',
    confirmedAt: () => readings.confirmedAt,
    consecutiveFailures: () => readings.failures ?? 0,
    now: () => readings.now ?? 0,
  };
}

async function metricsOn(fake: FakeMeter, about = subject()): Promise<{ metrics: InfisicalMetrics; names: string[] }> {
  const names: string[] = [];
  const metrics = await InfisicalMetrics.create(about, async () => ({
    getMeter: (name: string) => {
      names.push(name);
      return fake.meter;
    },
  }));
  return { metrics, names };
}

describe('InfisicalMetrics', () => {
  it('takes the meter named nestjs-infisical and creates every instrument with its unit and description', async () => {
    const fake = new FakeMeter();
    const { names } = await metricsOn(fake);
    expect(names).toEqual([METER_NAME]);
    expect([...fake.instruments.values()].map((i) => [i.name, i.kind, i.options]).sort()).toEqual(
      Object.values(INSTRUMENTS)
        .map((d) => [d.name, d.kind, { unit: d.unit, description: d.description }])
        .sort(),
    );
  });

  it('counts lease events by dynamic secret and event, a failure by its error code', async () => {
    const fake = new FakeMeter();
    const { metrics } = await metricsOn(fake);
    metrics.lease('postgres-app', 'created');
    metrics.lease('postgres-app', 'renewed');
    metrics.lease('postgres-app', 'revoked');
    metrics.lease('postgres-app', 'failed', { code: 'INFISICAL_LEASE_REFUSED' });
    metrics.lease('redis', 'failed', new Error('no code'));
    const on = (name: string, event: string) => ({ ...COMMON, 'infisical.dynamic_secret.name': name, 'infisical.lease.event': event });
    expect(fake.points(INSTRUMENTS.leaseEvents.name)).toEqual([
      { value: 1, attributes: on('postgres-app', 'created') },
      { value: 1, attributes: on('postgres-app', 'renewed') },
      { value: 1, attributes: on('postgres-app', 'revoked') },
      { value: 1, attributes: { ...on('postgres-app', 'failed'), 'error.type': 'INFISICAL_LEASE_REFUSED' } },
      { value: 1, attributes: { ...on('redis', 'failed'), 'error.type': 'unknown' } },
    ]);
    expect(() => InfisicalMetrics.none().lease('postgres-app', 'created')).not.toThrow();
  });

  it('counts a successful refresh and records its duration in seconds, by result', async () => {
    const fake = new FakeMeter();
    const { metrics } = await metricsOn(fake);
    metrics.refresh({ result: 'success', durationMs: 250 });
    expect(fake.points(INSTRUMENTS.refreshes.name)).toEqual([{ value: 1, attributes: { ...COMMON, 'infisical.refresh.result': 'success' } }]);
    expect(fake.points(INSTRUMENTS.refreshDuration.name)).toEqual([{ value: 0.25, attributes: { ...COMMON, 'infisical.refresh.result': 'success' } }]);
  });

  it('names the error type of a failed refresh on the count, not on the duration', async () => {
    const fake = new FakeMeter();
    const { metrics } = await metricsOn(fake);
    metrics.refresh({ result: 'failure', durationMs: 1500, error: { code: 'INFISICAL_UNREACHABLE' } });
    metrics.refresh({ result: 'rejected', durationMs: 0 });
    expect(fake.points(INSTRUMENTS.refreshes.name)).toEqual([
      { value: 1, attributes: { ...COMMON, 'infisical.refresh.result': 'failure', 'error.type': 'INFISICAL_UNREACHABLE' } },
      { value: 1, attributes: { ...COMMON, 'infisical.refresh.result': 'rejected' } },
    ]);
    expect(fake.points(INSTRUMENTS.refreshDuration.name)).toEqual([
      { value: 1.5, attributes: { ...COMMON, 'infisical.refresh.result': 'failure' } },
      { value: 0, attributes: { ...COMMON, 'infisical.refresh.result': 'rejected' } },
    ]);
  });

  it('counts logins, renewals and webhook deliveries by outcome', async () => {
    const fake = new FakeMeter();
    const { metrics } = await metricsOn(fake);
    metrics.login();
    metrics.renewal();
    metrics.renewal();
    metrics.webhook('ignored');
    expect(fake.points(INSTRUMENTS.logins.name)).toEqual([{ value: 1, attributes: COMMON }]);
    expect(fake.points(INSTRUMENTS.renewals.name)).toEqual([
      { value: 1, attributes: COMMON },
      { value: 1, attributes: COMMON },
    ]);
    expect(fake.points(INSTRUMENTS.webhookEvents.name)).toEqual([{ value: 1, attributes: { ...COMMON, 'infisical.webhook.outcome': 'ignored' } }]);
  });

  it('observes the consecutive failures, and no snapshot age while no values were confirmed', async () => {
    const fake = new FakeMeter();
    const about = subject({ failures: 3, now: 10_000 });
    await metricsOn(fake, about);
    const seen = await fake.collect();
    expect(seen.get(INSTRUMENTS.consecutiveFailures.name)).toEqual([{ value: 3, attributes: COMMON }]);
    expect(seen.has(INSTRUMENTS.snapshotAge.name)).toBe(false);
    expect(seen.has(INSTRUMENTS.fleetRole.name)).toBe(false);
  });

  it('observes the snapshot age in seconds from the readings at collection time, never below 0', async () => {
    const fake = new FakeMeter();
    const about = subject({ confirmedAt: 1_000, now: 4_500 });
    await metricsOn(fake, about);
    expect((await fake.collect()).get(INSTRUMENTS.snapshotAge.name)).toEqual([{ value: 3.5, attributes: COMMON }]);
    about.readings.now = 500; // a clock that went back: age 0, not negative
    about.readings.failures = 1;
    const later = await fake.collect();
    expect(later.get(INSTRUMENTS.snapshotAge.name)).toEqual([{ value: 0, attributes: COMMON }]);
    expect(later.get(INSTRUMENTS.consecutiveFailures.name)).toEqual([{ value: 1, attributes: COMMON }]);
  });

  it('observes the fleet role once one is set, and stops when it is cleared', async () => {
    const fake = new FakeMeter();
    const { metrics } = await metricsOn(fake);
    expect(metrics.fleetRole).toBeUndefined();
    metrics.fleetRole = 'leader';
    expect(metrics.fleetRole).toBe('leader');
    expect((await fake.collect()).get(INSTRUMENTS.fleetRole.name)).toEqual([{ value: 1, attributes: { ...COMMON, 'infisical.fleet.role': 'leader' } }]);
    metrics.fleetRole = undefined;
    expect((await fake.collect()).has(INSTRUMENTS.fleetRole.name)).toBe(false);
  });

  it('close() removes the gauge callback it added, with its gauges', async () => {
    const fake = new FakeMeter();
    const { metrics } = await metricsOn(fake);
    const [added] = fake.callbacks;
    expect(added!.observables.map((o) => (o as unknown as { name: string }).name).sort()).toEqual(
      [INSTRUMENTS.snapshotAge.name, INSTRUMENTS.consecutiveFailures.name, INSTRUMENTS.fleetRole.name].sort(),
    );
    metrics.close();
    expect(fake.removed).toEqual([added]);
    expect(await fake.collect()).toEqual(new Map());
  });

  it('records nothing, and fails nowhere, without a meter provider', async () => {
    const metrics = await InfisicalMetrics.create(subject(), async () => undefined);
    const none = InfisicalMetrics.none();
    for (const m of [metrics, none]) {
      m.refresh({ result: 'failure', durationMs: 1, error: { code: 'X' } });
      m.login();
      m.renewal();
      m.webhook('refresh');
      m.fleetRole = 'follower';
      expect(m.fleetRole).toBe('follower');
      m.close();
    }
  });
});
