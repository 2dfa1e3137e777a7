import { describe, expect, it } from '@jest/globals';
import { inspect } from 'node:util';
import { ConfigValidator } from '../../src/infisical/config/config-validator.js';
import { SecretRef } from '../../src/infisical/credentials/secret-ref.js';
import { InfisicalConfigValidationError } from '../../src/infisical/errors/configuration.errors.js';
import { InfisicalOptionsError } from '../../src/infisical/errors/options.error.js';
import type { InfisicalModuleOptions } from '../../src/infisical/interfaces/infisical-module-options.interface.js';
import { infisicalOptionsFromEnv } from '../../src/infisical/options/options-from-env.js';
import { resolveInfisicalOptions } from '../../src/infisical/options/options.resolver.js';
import type { ResolvedInfisicalOptions } from '../../src/infisical/options/resolved-options.interface.js';
import { SecretRedactor } from '../../src/infisical/redaction/secret-redactor.js';
import { PreviousValues } from '../../src/infisical/store/previous-values.js';
import { SecretStore } from '../../src/infisical/store/secret-store.js';
import { StoreStateOwner } from '../../src/infisical/store/store-state.js';
import { RecordingPublisher } from '../support/fakes/config-publisher.fake.js';
import { FakeSecretReader } from '../support/fakes/secret-reader.fake.js';
import { snapshotOf } from '../support/fakes/secret-snapshot.fake.js';
import { RecordingLogger } from '../support/fakes/store-logger.fake.js';
import { ManualClock } from '../support/manual-clock.js';

const START = Date.UTC(2026, 0, 1);
const OLD = 'whsec-old-signing-key-0001';
const NEW = 'whsec-new-signing-key-0002';
const NEWER = 'whsec-newer-signing-key-0003';

/** A store without scheduler or cache, on a manual clock, with `graceSeconds` of previous values. */
function setup(graceSeconds = 300) {
  const clock = new ManualClock(START);
  const state = new StoreStateOwner();
  const redactor = new SecretRedactor();
  const options = { enabled: true, sources: [], cacheTtlSeconds: 60, maxStaleSeconds: 0, requestTimeoutMs: 1_000, healthMaxKeys: 10, previousValueGraceSeconds: graceSeconds };
  const store = new SecretStore({
    options: options as unknown as ResolvedInfisicalOptions,
    state,
    scheduler: undefined,
    session: undefined,
    publisher: new RecordingPublisher().asPublisher,
    validator: new ConfigValidator(undefined, [], [], 'Infisical environment "dev"'),
    cache: undefined,
    clock,
    redactor,
    logger: new RecordingLogger().asLogger,
    where: 'Infisical environment "dev"',
  });
  store.install(snapshotOf({ SIGNING_KEY: OLD, OTHER: 'unchanged-value-1234' }, 'infisical', START));
  const ref = new SecretRef(store, 'SIGNING_KEY');
  /** A good refresh bringing `values`. */
  const rotate = (values: Record<string, string>) => store.accept(snapshotOf(values, 'infisical', clock.now()));
  return { clock, state, redactor, store, ref, rotate };
}

describe('previous values of rotated secrets', () => {
  it('serves the replaced value during the grace window and forgets it when the window ends', () => {
    const { clock, ref, store, rotate } = setup(300);
    expect(ref.previous).toBeUndefined();
    clock.jump(10_000);
    rotate({ SIGNING_KEY: NEW, OTHER: 'unchanged-value-1234' });
    expect(ref.value).toBe(NEW);
    expect(ref.previous).toBe(OLD);
    expect(store.previous('OTHER')).toBeUndefined();
    clock.jump(299_999);
    expect(ref.previous).toBe(OLD);
    clock.jump(1);
    expect(ref.previous).toBeUndefined();
    expect(store.previous('SIGNING_KEY')).toBeUndefined();
  });

  it('keeps the value of a removed key for the window', () => {
    const { clock, store, ref, rotate } = setup(60);
    rotate({ OTHER: 'unchanged-value-1234' });
    expect(store.get('SIGNING_KEY')).toBeUndefined();
    expect(ref.previous).toBe(OLD);
    clock.jump(60_000);
    expect(ref.previous).toBeUndefined();
  });

  it('keeps only the most recent previous value, its window starting at the later rotation', () => {
    const { clock, ref, rotate } = setup(300);
    rotate({ SIGNING_KEY: NEW });
    clock.jump(200_000);
    rotate({ SIGNING_KEY: NEWER });
    expect(ref.value).toBe(NEWER);
    expect(ref.previous).toBe(NEW);
    clock.jump(299_999);
    expect(ref.previous).toBe(NEW);
    clock.jump(1);
    expect(ref.previous).toBeUndefined();
  });

  it('a refresh that leaves a key unchanged keeps its previous value and window', () => {
    const { clock, ref, rotate } = setup(300);
    rotate({ SIGNING_KEY: NEW });
    clock.jump(100_000);
    rotate({ SIGNING_KEY: NEW, ADDED: 'a-new-key-value-9876' });
    expect(ref.previous).toBe(OLD);
    clock.jump(200_000);
    expect(ref.previous).toBeUndefined();
  });

  it('with a grace of 0 keeps no previous value and masks nothing more', () => {
    const { ref, rotate, redactor } = setup(0);
    const before = redactor.pending;
    rotate({ SIGNING_KEY: NEW });
    expect(ref.previous).toBeUndefined();
    expect(redactor.pending).toBe(before);
  });

  it('a refused refresh (a key required meanwhile is missing) changes neither the values nor previous', () => {
    const { state, store, ref, rotate, clock } = setup(300);
    state.refreshStarted(clock.now());
    store.requireKeys(['OTHER'], 'a feature module');
    expect(() => rotate({ SIGNING_KEY: NEW })).toThrow(InfisicalConfigValidationError);
    expect(ref.value).toBe(OLD);
    expect(ref.previous).toBeUndefined();
  });

  it('a failed refresh installs nothing: the previous value stays, masked, however many failures come', () => {
    const { ref, rotate, redactor } = setup(300);
    rotate({ SIGNING_KEY: NEW });
    // each refresh attempt starts a new generation of secrets, failed ones included
    for (let i = 0; i < 6; i++) redactor.replace('secrets', [NEW]);
    expect(ref.previous).toBe(OLD);
    expect(redactor.redact(`signature made with ${OLD}`)).toBe('signature made with [REDACTED]');
  });

  it('stops masking a previous value some refreshes after its window ended', () => {
    const { clock, rotate, redactor } = setup(60);
    rotate({ SIGNING_KEY: NEW });
    clock.jump(60_000);
    for (let i = 0; i < 6; i++) {
      redactor.replace('secrets', [NEW]);
      rotate({ SIGNING_KEY: NEW, [`K${i}`]: `value-${i}-abcdefgh` });
    }
    expect(redactor.redact(`old ${OLD}`)).toBe(`old ${OLD}`);
  });

  it('never shows a previous value in the handle or store printouts', () => {
    const { ref, store, rotate } = setup(300);
    rotate({ SIGNING_KEY: NEW });
    expect(ref.previous).toBe(OLD);
    const printed = [String(ref), JSON.stringify(ref), inspect(ref), String(store), JSON.stringify(store), inspect(store), JSON.stringify(store.status())];
    for (const text of printed) expect(text).not.toContain(OLD);
  });
});

describe('PreviousValues', () => {
  it('records nothing without a snapshot being replaced or for a key that had no value', () => {
    const clock = new ManualClock(START);
    const previous = new PreviousValues(clock, 10);
    previous.record(['A'], undefined);
    previous.record(['B'], snapshotOf({ A: 'x' }));
    expect(previous.get('A')).toBeUndefined();
    expect(previous.get('B')).toBeUndefined();
    expect(previous.live()).toEqual([]);
  });

  it('a key re-added after its removal keeps the value it had before the removal', () => {
    const clock = new ManualClock(START);
    const previous = new PreviousValues(clock, 10);
    previous.record(['A'], snapshotOf({ A: 'first-value' }));
    clock.jump(1_000);
    previous.record(['A'], snapshotOf({}));
    expect(previous.get('A')).toBe('first-value');
  });

  it('lists the live values as text and forgets the expired ones', () => {
    const clock = new ManualClock(START);
    const previous = new PreviousValues(clock, 10);
    const typed = snapshotOf({ A: 'alpha-value' });
    previous.record(['A'], typed);
    clock.jump(5_000);
    previous.record(['B'], { get: () => 8080 } as never);
    expect(previous.live()).toEqual(['alpha-value', '8080']);
    clock.jump(5_000);
    expect(previous.live()).toEqual(['8080']);
    expect(previous.get('B')).toBe(8080);
  });

  it('is off for a grace of 0 or less', () => {
    const clock = new ManualClock(START);
    for (const grace of [0, -5]) {
      const previous = new PreviousValues(clock, grace);
      expect(previous.enabled).toBe(false);
      previous.record(['A'], snapshotOf({ A: 'x' }));
      expect(previous.get('A')).toBeUndefined();
    }
    expect(new PreviousValues(clock, 1).enabled).toBe(true);
  });
});

describe('SecretRef.previous over a reader', () => {
  it('answers the reader\'s previous value as text, undefined without one or from a reader that keeps none', () => {
    const reader = new FakeSecretReader({ PORT: 8081, KEY: NEW });
    reader.previousValues.set('PORT', 8080);
    reader.previousValues.set('KEY', OLD);
    expect(new SecretRef(reader, 'PORT').previous).toBe('8080');
    expect(new SecretRef(reader, 'KEY').previous).toBe(OLD);
    expect(new SecretRef(reader, 'NONE').previous).toBeUndefined();
    const { previous: _none, ...withoutPrevious } = { get: reader.get.bind(reader), getOrThrow: reader.getOrThrow.bind(reader), getAsync: reader.getAsync.bind(reader), onChange: reader.onChange.bind(reader), previous: undefined };
    expect(new SecretRef(withoutPrevious, 'KEY').previous).toBeUndefined();
  });
});

describe('previousValueGraceSeconds', () => {
  const valid: InfisicalModuleOptions = {
    projectId: '6f0c1a52-1111-4222-8333-444455556666',
    environment: 'dev',
    auth: { universalAuth: { clientId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', clientSecret: 'very-secret-client-secret' } },
  };
  const ENV = {
    INFISICAL_PROJECT_ID: '6f0c1a52-1111-4222-8333-444455556666',
    INFISICAL_ENVIRONMENT: 'dev',
    INFISICAL_CLIENT_ID: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    INFISICAL_CLIENT_SECRET: 'very-secret-client-secret',
  };
  const errorOf = (run: () => unknown): InfisicalOptionsError => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(InfisicalOptionsError);
      return error as InfisicalOptionsError;
    }
    throw new Error('expected the options to be rejected');
  };

  it('defaults to 300 s, accepts 0 and 86400, read from INFISICAL_PREVIOUS_VALUE_GRACE_SECONDS', () => {
    expect(resolveInfisicalOptions(valid).previousValueGraceSeconds).toBe(300);
    expect(resolveInfisicalOptions({ ...valid, previousValueGraceSeconds: 0 }).previousValueGraceSeconds).toBe(0);
    expect(resolveInfisicalOptions({ ...valid, previousValueGraceSeconds: 86_400 }).previousValueGraceSeconds).toBe(86_400);
    const fromEnv = infisicalOptionsFromEnv({ ...ENV, INFISICAL_PREVIOUS_VALUE_GRACE_SECONDS: '45' });
    expect(fromEnv.previousValueGraceSeconds).toBe(45);
    expect(resolveInfisicalOptions(fromEnv).previousValueGraceSeconds).toBe(45);
  });

  it.each([86_401, -1, 1.5, '300'])('rejects %p naming the option and its range, with every other problem', (bad) => {
    const error = errorOf(() => resolveInfisicalOptions({ ...valid, previousValueGraceSeconds: bad as number, cacheTtlSeconds: -1 }));
    expect(error.problems.map((p) => p.option)).toEqual(['cacheTtlSeconds', 'previousValueGraceSeconds']);
    expect(error.problems[1]!.problem).toBe(`must be an integer number of seconds from 0 to 86400 (got ${typeof bad === 'string' ? `"${bad}"` : bad})`);
  });

  it('a variable that is no whole number is refused naming the variable and the option', () => {
    const error = errorOf(() => infisicalOptionsFromEnv({ ...ENV, INFISICAL_PREVIOUS_VALUE_GRACE_SECONDS: 'five minutes' }));
    expect(error.message).toContain('INFISICAL_PREVIOUS_VALUE_GRACE_SECONDS (option previousValueGraceSeconds): must be a whole number');
    const outOfRange = errorOf(() => resolveInfisicalOptions(infisicalOptionsFromEnv({ ...ENV, INFISICAL_PREVIOUS_VALUE_GRACE_SECONDS: '90000' })));
    expect(outOfRange.message).toContain('previousValueGraceSeconds');
    expect(outOfRange.message).toContain('INFISICAL_PREVIOUS_VALUE_GRACE_SECONDS');
  });
});
