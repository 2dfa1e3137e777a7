import { describe, expect, it, jest } from '@jest/globals';
import { ConfigService } from '@nestjs/config';
import { ConfigValidator } from '../../src/infisical/config/config-validator.js';
import { ConfigPublisher } from '../../src/infisical/config/config.publisher.js';
import { registerSecretsAs } from '../../src/infisical/config/register-secrets-as.js';
import { SecretRef } from '../../src/infisical/credentials/secret-ref.js';
import { InfisicalConfigValidationError } from '../../src/infisical/errors/configuration.errors.js';
import type { ResolvedInfisicalOptions } from '../../src/infisical/options/resolved-options.interface.js';
import { SecretRedactor } from '../../src/infisical/redaction/secret-redactor.js';
import type { RefreshScheduler } from '../../src/infisical/store/refresh.scheduler.js';
import type { SecretSnapshot } from '../../src/infisical/store/secret-snapshot.js';
import { SecretStore } from '../../src/infisical/store/secret-store.js';
import { StoreStateOwner } from '../../src/infisical/store/store-state.js';
import { DEFAULT_KEYS_PER_STEP, EVENT_LOOP_STEPS, type WorkSteps } from '../../src/infisical/store/work-steps.js';
import { failureOf } from '../support/deferred.js';
import { snapshotOf } from '../support/fakes/secret-snapshot.fake.js';
import { RecordingLogger } from '../support/fakes/store-logger.fake.js';
import { ManualClock } from '../support/manual-clock.js';

const START = Date.UTC(2026, 0, 1);

/** Steps of `keysPerStep` keys whose pauses run `atPause` (a read between two steps) instead of waiting. */
function recordingSteps(keysPerStep: number, atPause: () => void = () => undefined): WorkSteps & { pauses: number } {
  const steps = {
    keysPerStep,
    pauses: 0,
    pause: async () => {
      steps.pauses++;
      atPause();
    },
  };
  return steps;
}

function values(count: number, tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < count; i++) out[`KEY_${i}`] = `${tag}-value-${i}`;
  return out;
}

/** A store with the real publisher, `ConfigService`, redactor and namespaces; only the scheduler and cache are absent. */
function setup(steps?: WorkSteps, rules: { validator?: ConfigValidator; operatorEnv?: () => NodeJS.ProcessEnv } = {}) {
  const host: Record<string, unknown> = {};
  const config = new ConfigService(host);
  const logger = new RecordingLogger();
  const redactor = new SecretRedactor();
  const state = new StoreStateOwner();
  const publisher = new ConfigPublisher(config, host, logger.asLogger);
  const store = new SecretStore({
    options: { enabled: true, sources: [], cacheTtlSeconds: 60, maxStaleSeconds: 0, requestTimeoutMs: 1_000, healthMaxKeys: 10 } as unknown as ResolvedInfisicalOptions,
    state,
    scheduler: undefined as RefreshScheduler | undefined,
    session: undefined,
    publisher,
    validator: rules.validator ?? ({ require: jest.fn(), check: jest.fn() } as unknown as ConfigValidator),
    ...(rules.operatorEnv ? { operatorEnv: rules.operatorEnv } : {}),
    cache: undefined,
    clock: new ManualClock(START),
    redactor,
    logger: logger.asLogger,
    where: 'Infisical environment "dev"',
    ...(steps ? { steps } : {}),
  });
  return { store, config, host, redactor, state, logger };
}

/** Installs `first` (redactor fed as the loader does) and registers a namespace and a handle on KEY_0 and KEY_<last>. */
function installed(first: Record<string, string>, steps?: WorkSteps) {
  const parts = setup(steps);
  const last = `KEY_${Object.keys(first).length - 1}`;
  parts.redactor.replace('secrets', Object.values(first));
  expect(parts.redactor.size).toBe(Object.keys(first).length);
  parts.store.install(snapshotOf(first, 'infisical', START));
  const db = parts.store.namespace(registerSecretsAs('db', (s) => ({ first: s.KEY_0 as string, last: s[last] as string })));
  const handle = new SecretRef(parts.store, last);
  /** Every view's value of every key: store, ConfigService, the namespace, the handle. */
  const views = () => ({
    store: Object.keys(first).map((k) => parts.store.get(k)),
    config: Object.keys(first).map((k) => parts.config.get(k)),
    namespace: { ...db },
    handle: handle.value,
  });
  return { ...parts, db, handle, views, last };
}

/** What every view holds when all of them serve `source`. */
function expected(source: Record<string, string>, last: string) {
  return { store: Object.values(source), config: Object.values(source), namespace: { first: source.KEY_0, last: source[last] }, handle: source[last] };
}

describe('A large refresh: prepared in steps, switched in one', () => {
  it('a read between two steps sees only the snapshot served; after the last step every view serves the new one', async () => {
    const before = values(10, 'old');
    const after = values(10, 'new');
    const seen: unknown[] = [];
    const steps = recordingSteps(3, () => seen.push(app.views()));
    const app = installed(before, steps);
    app.redactor.replace('secrets', [...Object.values(after), ...Object.values(before)]);
    const next = snapshotOf(after, 'infisical', START + 1, 2);

    const accepting = app.store.accept(next);
    expect(accepting).toBeInstanceOf(Promise);
    expect(app.views()).toEqual(expected(before, app.last));
    await accepting;

    expect(seen.length).toBe(steps.pauses);
    expect(seen.length).toBeGreaterThan(3);
    for (const view of seen) expect(view).toEqual(expected(before, app.last));
    expect(app.views()).toEqual(expected(after, app.last));
    expect(app.state.snapshot).toBe(next);
  });

  it('splits the work into steps of at most keysPerStep keys: the mask index, then the comparison', async () => {
    const before = values(10, 'old');
    const after = values(10, 'new');
    const pending: number[] = [];
    const steps = recordingSteps(3, () => pending.push(app.redactor.pending));
    const app = installed(before, steps);
    app.redactor.replace('secrets', [...Object.values(after), ...Object.values(before)]);

    await app.store.accept(snapshotOf(after, 'infisical', START + 1, 2));

    // leave the loader's step; count the new generation (20 values); index its 10 new values 3 at a time
    // (4 batches); pause; compare the 10 keys 3 at a time (4 batches)
    expect(pending).toEqual([20, 10, 7, 4, 1, 0, 0, 0, 0]);
    expect(steps.pauses).toBe(1 + 1 + 3 + 1 + 3);
  });

  it('a refresh of 10,000 changed keys with the default steps: one step counts the new generation, then no step indexes or compares more than 2,000 keys', async () => {
    const before = values(10_000, 'old');
    const after = values(10_000, 'new');
    const pending: number[] = [];
    let switchedAt: number | undefined;
    const steps = recordingSteps(EVENT_LOOP_STEPS.keysPerStep, () => pending.push(app.redactor.pending));
    const app = installed(before, steps);
    app.store.onChange(() => (switchedAt = steps.pauses));
    app.redactor.replace('secrets', [...Object.values(after), ...Object.values(before)]);

    await app.store.accept(snapshotOf(after, 'infisical', START + 1, 2));

    expect(DEFAULT_KEYS_PER_STEP).toBe(2_000);
    expect(pending.slice(0, 2)).toEqual([20_000, 10_000]);
    const indexed = pending.slice(2).map((left, i) => pending[i + 1]! - left).filter((done) => done > 0);
    expect(Math.max(...indexed)).toBeLessThanOrEqual(2_000);
    expect(indexed.reduce((a, b) => a + b, 0)).toBe(10_000);
    // 1 + 1 generation + 4 index + 1 + 4 comparison pauses, then one switch
    expect(steps.pauses).toBe(11);
    expect(switchedAt).toBe(11);
    expect(app.store.get('KEY_9999')).toBe('new-value-9999');
  });

  it('a refresh that fits one step is installed at once, with nothing to await', () => {
    const steps = recordingSteps(100);
    const app = installed(values(10, 'old'), steps);
    const next = snapshotOf(values(10, 'new'), 'infisical', START + 1, 2);
    expect(app.store.accept(next)).toBeUndefined();
    expect(steps.pauses).toBe(0);
    expect(app.views()).toEqual(expected(values(10, 'new'), app.last));
  });

  it('exactly keysPerStep keys fit one step; a snapshot that drops keys is measured by the larger of the two', async () => {
    const steps = recordingSteps(10);
    const app = installed(values(10, 'old'), steps);
    expect(app.store.accept(snapshotOf(values(10, 'old'), 'infisical', START + 1))).toBeUndefined();
    const wide = installed(values(12, 'old'), recordingSteps(10));
    const shrinking = wide.store.accept(snapshotOf(values(2, 'old'), 'infisical', START + 1));
    expect(shrinking).toBeInstanceOf(Promise);
    await shrinking;
    expect(wide.store.keys()).toEqual(['KEY_0', 'KEY_1']);
  });

  it('counts the queued mask work toward the step: a small snapshot with much to index is split', async () => {
    const steps = recordingSteps(5);
    const app = installed(values(3, 'old'), steps);
    app.redactor.replace('secrets', ['first-new-value', 'second-new-value', 'third-new-value']);
    const accepting = app.store.accept(snapshotOf(values(3, 'new'), 'infisical', START + 1, 2));
    expect(accepting).toBeInstanceOf(Promise);
    await accepting;
    expect(app.store.get('KEY_2')).toBe('new-value-2');
  });

  it('without steps given, pauses with setImmediate in steps of 2,000 keys', async () => {
    const app = installed(values(2_001, 'old'));
    const next = snapshotOf(values(2_001, 'new'), 'infisical', START + 1, 2);
    const accepting = app.store.accept(next);
    let immediate = false;
    setImmediate(() => (immediate = app.store.get('KEY_0') === 'old-value-0'));
    await accepting;
    expect(immediate).toBe(true);
    expect(app.store.get('KEY_0')).toBe('new-value-0');
  });

  it('a store closed while the refresh is prepared installs nothing', async () => {
    const steps = recordingSteps(3, () => app.state.close());
    const app = installed(values(10, 'old'), steps);
    await app.store.accept(snapshotOf(values(10, 'new'), 'infisical', START + 1, 2));
    expect(app.store.get('KEY_0')).toBe('old-value-0');
    expect(app.logger.at('log')).toEqual([]);
  });

  it('a snapshot installed meanwhile is what the changed keys are compared with', async () => {
    let other: SecretSnapshot | undefined;
    const steps = recordingSteps(3, () => {
      if (steps.pauses === 2) app.store.install((other = snapshotOf({ ...values(10, 'old'), KEY_1: 'new-value-1' }, 'infisical', START)));
    });
    const app = installed(values(10, 'old'), steps);
    const changes: string[][] = [];
    app.store.onChange((keys) => changes.push([...keys]));
    await app.store.accept(snapshotOf({ ...values(10, 'old'), KEY_1: 'new-value-1', KEY_2: 'new-value-2' }, 'infisical', START + 1, 2));
    expect(other).toBeDefined();
    expect(changes).toEqual([['KEY_2']]);
  });
});

describe('The switch itself: a changes$ subscriber never reads a half rotation', () => {
  it('every key and the namespace are new from the first event on; the listeners come after the events', () => {
    const app = installed(values(3, 'old'));
    const order: string[] = [];
    app.config.changes$.subscribe((event) => order.push(`${String(event.path)} ${JSON.stringify(app.views())}`));
    app.store.onChange(() => order.push('listener'));
    app.store.accept(snapshotOf(values(3, 'new'), 'infisical', START + 1, 2));
    const now = JSON.stringify(expected(values(3, 'new'), app.last));
    expect(order).toEqual(['KEY_0', 'KEY_1', 'KEY_2', 'db.first', 'db.last'].map((path) => `${path} ${now}`).concat('listener'));
  });
});

describe('A key required while a large refresh is prepared (its candidate was validated before)', () => {
  /** A store serving KEY_0..KEY_9 and LATE, with the real validator; a refresh under way that drops LATE. */
  function refreshDroppingLate(operatorEnv: NodeJS.ProcessEnv) {
    const validator = new ConfigValidator(undefined, [], [], 'Infisical environment "dev"');
    const steps = recordingSteps(3, () => {
      if (steps.pauses === 2) app.store.requireKeys(['LATE'], 'InfisicalModule.forFeature (@InjectSecret(\'LATE\'))');
    });
    const app = setup(steps, { validator, operatorEnv: () => operatorEnv });
    app.store.install(snapshotOf({ ...values(10, 'old'), LATE: 'late-from-infisical' }, 'infisical', START));
    const changes: string[][] = [];
    app.store.onChange((keys) => changes.push([...keys].sort()));
    app.state.refreshStarted(START + 1);
    const accepting = app.store.accept(snapshotOf(values(10, 'new'), 'infisical', START + 1, 2));
    return { ...app, accepting, changes };
  }

  it('is refused at the switch when nothing supplies the key: the last good values stay', async () => {
    const app = refreshDroppingLate({});
    const error = await failureOf<InfisicalConfigValidationError>(app.accepting!);
    expect(error).toBeInstanceOf(InfisicalConfigValidationError);
    expect(error.issues.map((issue) => [issue.key, issue.kind])).toEqual([['LATE', 'missing']]);
    expect(app.store.get('LATE')).toBe('late-from-infisical');
    expect(app.store.get('KEY_0')).toBe('old-value-0');
    expect(app.changes).toEqual([]);
  });

  it("takes the operator's value when the environment supplies it, as a validation with the requirement would", async () => {
    const app = refreshDroppingLate({ LATE: 'late-from-operator' });
    await app.accepting;
    expect(app.store.get('LATE')).toBe('late-from-operator');
    expect(app.store.keyInfo().LATE).toEqual({ source: 'env' });
    expect(app.config.get('LATE')).toBe('late-from-operator');
    expect(app.store.get('KEY_0')).toBe('new-value-0');
    expect(app.changes).toEqual([['LATE', ...Object.keys(values(10, 'x'))].sort()]);
  });

  it('leaves a changed-keys list without the key when the operator value is the one already served', async () => {
    const validator = new ConfigValidator(undefined, [], [], 'Infisical environment "dev"');
    const steps = recordingSteps(3, () => {
      if (steps.pauses === 2) app.store.requireKeys(['LATE'], 'a namespace');
    });
    const app = setup(steps, { validator, operatorEnv: () => ({ LATE: 'late-from-operator' }) });
    app.store.install(snapshotOf(values(10, 'old'), 'infisical', START));
    const changes: string[][] = [];
    app.store.onChange((keys) => changes.push([...keys].sort()));
    app.state.refreshStarted(START + 1);
    await app.store.accept(snapshotOf({ ...values(10, 'old'), KEY_3: 'new-value-3' }, 'infisical', START + 1, 2));
    expect(app.store.get('LATE')).toBe('late-from-operator');
    expect(changes).toEqual([['KEY_3']]);
  });
});

describe('Requirements and first snapshots with the real validator', () => {
  const validator = () => new ConfigValidator(undefined, [], [], 'Infisical environment "dev"');

  it('a key served by Infisical can be required: the answer behind the snapshot is what the rule sees', () => {
    const app = setup(recordingSteps(100), { validator: validator(), operatorEnv: () => ({}) });
    app.store.install(snapshotOf({ A: 'alpha-value' }, 'infisical', START));
    expect(() => app.store.requireKeys(['A'], 'a feature')).not.toThrow();
    expect(() => app.store.requireKeys(['MISSING'], 'a feature')).toThrow(InfisicalConfigValidationError);
  });

  it('a key required before any snapshot is served is checked against the environment alone', () => {
    const app = setup(recordingSteps(100), { validator: validator(), operatorEnv: () => ({ X: 'from-operator' }) });
    expect(() => app.store.requireKeys(['X'], 'a feature')).not.toThrow();
    expect(app.store.get('X')).toBeUndefined();
  });

  it('a refreshed snapshot without one served before is installed whole, no change announced', async () => {
    const app = setup(recordingSteps(1));
    const changes: string[][] = [];
    app.store.onChange((keys) => changes.push([...keys]));
    await app.store.accept(snapshotOf(values(3, 'new'), 'infisical', START));
    expect(app.store.get('KEY_2')).toBe('new-value-2');
    expect(changes).toEqual([]);
  });
});
