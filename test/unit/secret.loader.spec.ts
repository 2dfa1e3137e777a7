import { describe, expect, it } from '@jest/globals';
import type { ParsedList } from '../../src/infisical/api/list-response.parser.js';
import { ConfigValidator } from '../../src/infisical/config/config-validator.js';
import {
  InfisicalEnvironmentNotFoundError,
  InfisicalPermissionError,
  InfisicalSecretPathNotFoundError,
} from '../../src/infisical/errors/access.errors.js';
import { InfisicalConfigValidationError } from '../../src/infisical/errors/configuration.errors.js';
import { InfisicalUnreachableError } from '../../src/infisical/errors/transport.errors.js';
import type { ResolvedSource } from '../../src/infisical/options/resolved-options.interface.js';
import { SecretRedactor } from '../../src/infisical/redaction/secret-redactor.js';
import { mergeSources, SecretLoader, type SecretLoaderDependencies } from '../../src/infisical/store/secret.loader.js';
import { SecretSnapshot } from '../../src/infisical/store/secret-snapshot.js';
import { FakeSecretReadApi, FakeTokenSession, listOf, type ReadApiCall } from '../support/fakes/secret-read-api.fake.js';
import { ManualClock } from '../support/manual-clock.js';

const base: ResolvedSource = { siteUrl: 'https://infisical.test', projectId: 'p-1', environment: 'prod', secretPath: '/', recursive: false, includeImports: true };
const app: ResolvedSource = { ...base, projectId: 'p-2', secretPath: '/app', recursive: true, includeImports: false };

interface Harness {
  loader: SecretLoader;
  api: FakeSecretReadApi;
  session: FakeTokenSession;
  redactor: SecretRedactor;
  clock: ManualClock;
  warnings: string[];
  signal: AbortSignal;
  controller: AbortController;
}

function harness(over: Partial<SecretLoaderDependencies> & { required?: string[] } = {}): Harness {
  const api = new FakeSecretReadApi();
  const session = new FakeTokenSession();
  const redactor = new SecretRedactor();
  const clock = new ManualClock(1_000_000);
  const warnings: string[] = [];
  const controller = new AbortController();
  const loader = new SecretLoader({
    api,
    session,
    sources: [base],
    expandSecretReferences: true,
    validator: new ConfigValidator(undefined, over.required ?? [], [], 'Infisical environment "prod"'),
    redactor,
    clock,
    env: {},
    current: () => undefined,
    warn: (message) => warnings.push(message),
    ...over,
  });
  return { loader, api, session, redactor, clock, warnings, signal: controller.signal, controller };
}

/** Answers each source's list by its secret path. */
const bySource = (lists: Record<string, ParsedList | Error>) => (call: ReadApiCall) => lists[call.target.secretPath] ?? new Error(`no list for ${call.target.secretPath}`);

async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: Error) => error,
  );
}

describe('SecretLoader.load', () => {
  it('lists each source once, with its read settings, the shared token and the caller signal', async () => {
    const h = harness({ sources: [base, app], expandSecretReferences: false });
    h.api.lists = bySource({ '/': listOf({ A: 'alpha-value' }), '/app': listOf({ B: 'bravo-value' }) });
    await h.loader.load(h.signal, { diagnose: false });
    const calls = h.api.callsOf('listSecrets');
    expect(calls).toHaveLength(2);
    expect(calls.map((c) => c.target)).toEqual([base, app]);
    expect(calls[1]!.query).toEqual({ ...app, expandSecretReferences: false });
    expect(calls.every((c) => c.token === 'access-token-1' && c.signal === h.signal)).toBe(true);
    expect(h.session.uses).toBe(2);
  });

  it('merges the sources in order: a later source wins a clash and keeps its own coordinates', async () => {
    const h = harness({ sources: [base, app] });
    h.api.lists = bySource({
      '/': listOf([
        { key: 'SHARED', value: 'from-base', version: 1, environment: 'prod', secretPath: '/', imported: false },
        { key: 'ONLY_BASE', value: 'base-only', version: 2, environment: 'prod', secretPath: '/', imported: false },
      ]),
      '/app': listOf([{ key: 'SHARED', value: 'from-app!', version: 7, environment: 'dev', secretPath: '/app/sub', imported: true }]),
    });
    const snapshot = await h.loader.load(h.signal, { diagnose: false });
    expect(snapshot).toBeInstanceOf(SecretSnapshot);
    expect(snapshot.source).toBe('infisical');
    expect(snapshot.confirmedAt).toBe(1_000_000);
    expect(snapshot.get('SHARED')).toBe('from-app!');
    expect(snapshot.answer).toEqual([
      { key: 'ONLY_BASE', value: 'base-only', version: 2, projectId: 'p-1', environment: 'prod', secretPath: '/' },
      { key: 'SHARED', value: 'from-app!', version: 7, projectId: 'p-2', environment: 'dev', secretPath: '/app/sub' },
    ]);
    expect(snapshot.keys.SHARED).toEqual({ source: 'infisical', version: 7, projectId: 'p-2', environment: 'dev', secretPath: '/app/sub' });
    expect(h.warnings).toEqual([]);
  });

  it('takes a declared key missing from Infisical from the environment', async () => {
    const h = harness({ required: ['A', 'FROM_ENV'], env: { FROM_ENV: 'env-value', UNDECLARED: 'x' } });
    h.api.lists = listOf({ A: 'alpha-value' });
    const snapshot = await h.loader.load(h.signal, { diagnose: false });
    expect(snapshot.get('FROM_ENV')).toBe('env-value');
    expect(snapshot.keys.FROM_ENV).toEqual({ source: 'env' });
    expect(snapshot.has('UNDECLARED')).toBe(false);
  });

  it('masks the candidate values and those of the snapshot being served while checking', async () => {
    const served = new SecretSnapshot({ values: {}, keys: {} }, 'infisical', 1, [{ key: 'OLD', value: 'old-served-value', version: 1 }]);
    const h = harness({ current: () => served, required: ['MISSING'] });
    h.api.lists = listOf({ A: 'candidate-value' });
    await failure(h.loader.load(h.signal, { diagnose: false }));
    expect(h.redactor.redact('candidate-value old-served-value')).toBe('[REDACTED] [REDACTED]');
  });

  it('registers the values as a new generation of secret values, forgotten after a few newer ones', async () => {
    const h = harness();
    h.redactor.add('credentials', 'client-secret-1');
    h.api.lists = listOf({ A: 'first-answer-value' });
    await h.loader.load(h.signal, { diagnose: false });
    expect(h.redactor.size).toBe(2);
    for (let i = 0; i < 3; i++) h.redactor.replace('secrets', [`newer-value-${i}`]);
    expect(h.redactor.redact('first-answer-value')).toBe('[REDACTED]');
    h.redactor.replace('secrets', ['newest-value']);
    expect(h.redactor.redact('first-answer-value client-secret-1')).toBe('first-answer-value [REDACTED]');
  });

  it('reports duplicate and dropped keys by name, per source', async () => {
    const h = harness({ sources: [base, app] });
    h.api.lists = bySource({
      '/': listOf({ A: 'alpha-value' }, { duplicateKeys: ['A\nforged'] }),
      '/app': listOf({}, { droppedKeys: ['__proto__'] }),
    });
    await h.loader.load(h.signal, { diagnose: false });
    expect(h.warnings).toEqual([
      'Infisical listed "A\\nforged" more than once in environment "prod" (project p-1, path "/"); the first entry is used.',
      'Secret "__proto__" in environment "prod" (project p-2, path "/app") is ignored: that name would reach object prototypes; rename it in Infisical.',
    ]);
  });

  it('passes a failed list on as it is', async () => {
    const h = harness();
    const down = new InfisicalUnreachableError(base, 'network', 'ECONNREFUSED');
    h.api.lists = down;
    expect(await failure(h.loader.load(h.signal, { diagnose: true }))).toBe(down);
    expect(h.api.callsOf('getProject')).toEqual([]);
  });

  describe('a missing folder', () => {
    it('is explained with extra look-ups when diagnosing', async () => {
      const h = harness();
      h.api.lists = new InfisicalSecretPathNotFoundError(base);
      h.api.project = { name: 'shop', environments: ['production'] };
      const error = (await failure(h.loader.load(h.signal, { diagnose: true }))) as InfisicalEnvironmentNotFoundError;
      expect(error).toBeInstanceOf(InfisicalEnvironmentNotFoundError);
      expect(error.suggestion).toBe('production');
      expect(h.api.callsOf('getProject')[0]).toMatchObject({ token: 'access-token-1', signal: h.signal, target: base });
    });

    it('is passed on as it is without diagnosis, or once the caller gave up', async () => {
      const h = harness();
      const notFound = new InfisicalSecretPathNotFoundError(base);
      h.api.lists = notFound;
      expect(await failure(h.loader.load(h.signal, { diagnose: false }))).toBe(notFound);
      h.api.lists = () => {
        h.controller.abort();
        return notFound;
      };
      expect(await failure(h.loader.load(h.signal, { diagnose: true }))).toBe(notFound);
      expect(h.api.callsOf('getProject')).toEqual([]);
    });
  });

  describe('a failed validation', () => {
    it('is the validation error when the keys simply do not exist', async () => {
      const h = harness({ required: ['MISSING'] });
      h.api.lists = listOf({ A: 'alpha-value' });
      const error = (await failure(h.loader.load(h.signal, { diagnose: true }))) as InfisicalConfigValidationError;
      expect(error).toBeInstanceOf(InfisicalConfigValidationError);
      expect(error.keys).toEqual(['MISSING']);
      expect(error.note).toBeUndefined();
      expect(h.api.callsOf('getProject')).toEqual([]);
    });

    it('names keys Infisical listed with hidden values', async () => {
      const h = harness({ required: ['HIDDEN'] });
      h.api.lists = listOf({ A: 'alpha-value' }, { hiddenKeys: ['HIDDEN'] });
      const error = (await failure(h.loader.load(h.signal, { diagnose: false }))) as InfisicalPermissionError;
      expect(error).toBeInstanceOf(InfisicalPermissionError);
      expect(error.reason).toBe('values-hidden');
      expect(error.missingKeys).toEqual(['HIDDEN']);
    });

    it('counts only a source\'s own secrets: imported ones do not show that its environment is readable', async () => {
      const h = harness({ required: ['MISSING'] });
      h.api.lists = listOf([{ key: 'IMPORTED', value: 'imported-value', version: 1, environment: 'shared', secretPath: '/', imported: true }]);
      const error = (await failure(h.loader.load(h.signal, { diagnose: false }))) as InfisicalConfigValidationError;
      expect(error.note).toContain('Infisical returned no secrets for environment "prod" (project p-1, path "/")');
      expect(h.api.callsOf('getProject')).toEqual([]);
    });

    it('probes the other environments when diagnosing an empty source', async () => {
      const h = harness({ required: ['MISSING'] });
      h.api.lists = (call) => (call.target.environment === 'prod' ? listOf({}) : listOf({ OTHER: 'other-value' }));
      h.api.project = { name: 'shop', environments: ['prod', 'dev'] };
      const error = (await failure(h.loader.load(h.signal, { diagnose: true }))) as InfisicalPermissionError;
      expect(error).toBeInstanceOf(InfisicalPermissionError);
      expect(error.readableEnvironments).toEqual(['dev']);
      expect(error.missingKeys).toEqual(['MISSING']);
      expect(h.api.calls.every((c) => c.signal === h.signal && c.token === 'access-token-1')).toBe(true);
    });

    it('passes on a failure of the validator that is not a validation error', async () => {
      const broken = new TypeError('schema exploded');
      const h = harness({ validator: { validate: () => Promise.reject(broken) } });
      h.api.lists = listOf({});
      expect(await failure(h.loader.load(h.signal, { diagnose: true }))).toBe(broken);
    });
  });
});

describe('SecretLoader: a large answer in steps', () => {
  /** A harness whose steps hold `keysPerStep` keys and whose validator and redactor record the order of the work. */
  function stepped(keysPerStep: number, sources: ResolvedSource[] = [base]) {
    const events: string[] = [];
    const validator = new ConfigValidator(undefined, [], [], 'Infisical environment "prod"');
    const validate = validator.validate.bind(validator);
    const h = harness({
      sources,
      steps: { keysPerStep, pause: async () => void events.push('pause') },
      validator: {
        validate: async (input, pause) => {
          events.push(pause ? 'validate (in stages)' : 'validate (at once)');
          const config = await validate(input, pause);
          events.push('validated');
          return config;
        },
      },
    });
    const replace = h.redactor.replace.bind(h.redactor);
    h.redactor.replace = (group, values) => {
      events.push('mask');
      replace(group, values);
    };
    return { ...h, events };
  }

  it('an answer of more keys than one step: the loop turns after the lists, between reading and validating, in the validation and before the snapshot', async () => {
    const h = stepped(2);
    h.api.lists = listOf({ A: 'alpha-value', B: 'bravo-value', C: 'charlie-value' });
    const snapshot = await h.loader.load(h.signal, { diagnose: false });
    expect(h.events).toEqual(['pause', 'pause', 'mask', 'pause', 'validate (in stages)', 'pause', 'pause', 'pause', 'validated', 'pause']);
    expect(snapshot.values).toEqual({ A: 'alpha-value', B: 'bravo-value', C: 'charlie-value' });
  });

  it('counts the keys of every source: lists that fit one step each but not together are merged after a pause', async () => {
    const h = stepped(2, [base, app]);
    h.api.lists = bySource({ '/': listOf({ A: 'alpha-value' }), '/app': listOf({ B: 'bravo-value', C: 'charlie-value' }) });
    await h.loader.load(h.signal, { diagnose: false });
    expect(h.events.slice(0, 3)).toEqual(['pause', 'pause', 'mask']);
  });

  it('an answer that fits one step is validated at once, without a pause', async () => {
    const h = stepped(3);
    h.api.lists = listOf({ A: 'alpha-value', B: 'bravo-value', C: 'charlie-value' });
    await h.loader.load(h.signal, { diagnose: false });
    expect(h.events).toEqual(['mask', 'validate (at once)', 'validated']);
  });

  it('a kept answer (last-known-good file, fleet snapshot) of many keys is validated in steps too', async () => {
    const h = stepped(1);
    const snapshot = await h.loader.fromAnswer([{ key: 'A', value: 'alpha-value', version: 1 }, { key: 'B', value: 'bravo-value', version: 2 }], 'cache', 5);
    expect(h.events[0]).toBe('pause');
    expect(h.events).toContain('validate (in stages)');
    expect(snapshot.keys.B).toEqual({ source: 'cache', version: 2 });
  });

  it("masks the answer's values (and those of the snapshot served) before validating it", async () => {
    const h = stepped(1);
    h.api.lists = listOf({ A: 'alpha-secret-value', B: 'bravo-secret-value' });
    await h.loader.load(h.signal, { diagnose: false });
    expect(h.redactor.redact('got alpha-secret-value and bravo-secret-value')).toBe('got [REDACTED] and [REDACTED]');
  });

  it('keeps the values of the snapshot served masked while a candidate is checked', async () => {
    const served = new SecretSnapshot({ values: { A: 'served-secret-value' }, keys: { A: { source: 'infisical', version: 1 } } }, 'infisical', 1, [{ key: 'A', value: 'served-secret-value', version: 1 }]);
    const h = harness({ current: () => served });
    h.api.lists = listOf({ A: 'candidate-secret-value' });
    await h.loader.load(h.signal, { diagnose: false });
    expect(h.redactor.redact('served-secret-value / candidate-secret-value')).toBe('[REDACTED] / [REDACTED]');
  });

  it('without steps given, pauses with setImmediate above 2,000 keys', async () => {
    const h = harness();
    h.api.lists = listOf(Object.fromEntries(Array.from({ length: 2_001 }, (_, i) => [`K${i}`, `value-${i}`])));
    let turned = false;
    const loading = h.loader.load(h.signal, { diagnose: false });
    setImmediate(() => (turned = true));
    const snapshot = await loading;
    expect(turned).toBe(true);
    expect(snapshot.size).toBe(2_001);
  });
});

describe('SecretLoader.fromAnswer', () => {
  it('validates a kept answer like a fresh one, with its source and time, without asking Infisical', async () => {
    const h = harness({ required: ['A'] });
    const answer = [{ key: 'A', value: 'cached-value', version: 3, projectId: 'p-1', environment: 'prod', secretPath: '/' }];
    const snapshot = await h.loader.fromAnswer(answer, 'cache', 42);
    expect(snapshot.source).toBe('cache');
    expect(snapshot.confirmedAt).toBe(42);
    expect(snapshot.answer).toBe(answer);
    expect(snapshot.keys.A).toEqual({ source: 'cache', version: 3, projectId: 'p-1', environment: 'prod', secretPath: '/' });
    expect(h.api.calls).toEqual([]);
    expect(h.redactor.redact('cached-value')).toBe('[REDACTED]');
    await expect(h.loader.fromAnswer([], 'cache', 1)).rejects.toBeInstanceOf(InfisicalConfigValidationError);
  });
});

describe('mergeSources', () => {
  it('cuts a long duplicate key in its warning', () => {
    const warnings: string[] = [];
    mergeSources([listOf({}, { duplicateKeys: ['K'.repeat(150)] })], [base], (m) => warnings.push(m));
    expect(warnings[0]).toContain(`"${'K'.repeat(100)}… (50 more characters)"`);
  });

  it('puts a key won by a later source after the keys only the earlier one has', () => {
    const merged = mergeSources([listOf({ A: 'a-1', B: 'b-1' }), listOf({ A: 'a-2' })], [base, app], () => undefined);
    expect(merged.map((s) => `${s.key}=${s.value}`)).toEqual(['B=b-1', 'A=a-2']);
  });
});
