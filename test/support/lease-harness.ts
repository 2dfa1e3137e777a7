import type { LeaseLifecycleOptions } from '../../src/infisical/leases/lease-lifecycle.interface.js';
import { LeaseLifecycle } from '../../src/infisical/leases/lease.lifecycle.js';
import type { InfisicalLeaseUnavailableError } from '../../src/infisical/errors/dynamic-secret.errors.js';
import { flushEventLoop } from './deferred.js';
import { FakeLeaseApi, type FakeDynamicSecret } from './fakes/dynamic-secrets-api.fake.js';
import { ManualClock } from './manual-clock.js';

const S = 1000;

/**
 * A lease lifecycle of dynamic secret "postgres-app" over {@link FakeLeaseApi} on a {@link ManualClock}: drain 10 s,
 * back-off jitter at its ceiling (`random: () => 1`), every event recorded, hand-overs recorded in `rotations`.
 */
export function leaseHarness(options: Partial<LeaseLifecycleOptions> = {}, secret?: FakeDynamicSecret) {
  const clock = new ManualClock();
  const t0 = clock.now();
  const fake = new FakeLeaseApi(clock, secret);
  const events = { created: 0, renewed: 0, revoked: 0, failed: [] as unknown[], masked: [] as string[], warnings: [] as string[] };
  const lifecycle = new LeaseLifecycle(
    fake.api,
    clock,
    { name: 'postgres-app', environment: 'prod', path: '/db', drainMs: 10 * S, random: () => 1, ...options },
    {
      onCreated: () => void events.created++,
      onRenewed: () => void events.renewed++,
      onRevoked: () => void events.revoked++,
      onFailed: (error) => void events.failed.push(error),
      mask: (values) => void events.masked.push(...values),
      warn: (message) => void events.warnings.push(message),
    },
  );
  const rotations: string[] = [];
  lifecycle.onRotate((lease) => rotations.push(`${lease.leaseId} ${lease.credentials.username}`));
  /** Moves the clock forward, letting the work each timer starts finish before the next one fires. */
  const tick = (ms: number) => clock.advanceAsync(ms, flushEventLoop);
  /** Moves the clock to `seconds` after the start. */
  const until = (seconds: number) => tick(t0 + seconds * S - clock.now());
  const start = () => lifecycle.start(new AbortController().signal);
  return { clock, t0, fake, events, lifecycle, rotations, tick, until, start };
}

/** The error `run` throws because no lease can be handed out (fails the test when it returns). */
export const unavailable = (run: () => unknown): InfisicalLeaseUnavailableError => {
  try {
    run();
  } catch (error) {
    return error as InfisicalLeaseUnavailableError;
  }
  throw new Error('expected the lease to be unavailable');
};
