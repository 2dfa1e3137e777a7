import { describe, expect, it } from '@jest/globals';
import { closestMatch } from '../../src/infisical/diagnostics/closest-match.js';
import { diagnoseMissingKeys, findReadableEnvironments, type SourceListing } from '../../src/infisical/diagnostics/missing-keys.diagnosis.js';
import { checkFolder, explainNotFound } from '../../src/infisical/diagnostics/not-found.diagnosis.js';
import {
  InfisicalEnvironmentNotFoundError,
  InfisicalPermissionError,
  InfisicalProjectAccessError,
  InfisicalSecretPathNotFoundError,
} from '../../src/infisical/errors/access.errors.js';
import { InfisicalConfigValidationError, type ConfigIssue } from '../../src/infisical/errors/configuration.errors.js';
import { InfisicalRequestError, InfisicalUnreachableError } from '../../src/infisical/errors/transport.errors.js';
import { FakeSecretReadApi, listOf } from '../support/fakes/secret-read-api.fake.js';

const target = { siteUrl: 'https://infisical.test', projectId: 'p-1', environment: 'prod', secretPath: '/' };
const signal = new AbortController().signal;
const missing = (key: string): ConfigIssue => ({ key, kind: 'missing', messages: ['not set'], fix: `add ${key}` });
const malformed = (key: string): ConfigIssue => ({ key, kind: 'malformed', source: 'infisical', messages: ['bad'], fix: `correct ${key}` });
const listing = (over: Partial<SourceListing> = {}): SourceListing => ({ target, ownCount: 3, hiddenKeys: [], ...over });

describe('closestMatch', () => {
  it('prefers an exact match, ignoring case, and returns the candidate as spelled', () => {
    expect(closestMatch('PROD', ['production', 'Prod'])).toBe('Prod');
  });

  it('knows the usual aliases in both directions and between two aliases', () => {
    expect(closestMatch('stg', ['dev', 'staging'])).toBe('staging');
    expect(closestMatch('production', ['dev', 'prod'])).toBe('prod');
    expect(closestMatch('prod', ['dev', 'production'])).toBe('production');
    expect(closestMatch('prd', ['dev', 'live'])).toBe('live');
    expect(closestMatch('local', ['qa', 'develop'])).toBe('develop');
  });

  it('ranks an alias above a prefix, a prefix above a subsequence, a subsequence above an edit', () => {
    expect(closestMatch('prod', ['prodx', 'production'])).toBe('production');
    expect(closestMatch('stag', ['stxag', 'staging'])).toBe('staging');
    expect(closestMatch('staging2', ['xstaging2x', 'staging'])).toBe('staging');
    expect(closestMatch('stgng', ['stgnx', 'staging'])).toBe('staging');
    expect(closestMatch('stagingeu', ['stagingxx', 'staging'])).toBe('staging');
  });

  it('accepts a few edits (a transposition counts as one), the fewest first', () => {
    expect(closestMatch('dve', ['dev'])).toBe('dev');
    expect(closestMatch('stagign', ['staging'])).toBe('staging');
    expect(closestMatch('abcdef', ['axydef', 'abxdef'])).toBe('abxdef');
    expect(closestMatch('abcdef', ['axydef'])).toBe('axydef');
    expect(closestMatch('ab', ['xb'])).toBe('xb');
    expect(closestMatch('dve', ['dev', 'dxvxe'])).toBe('dxvxe');
    expect(closestMatch('ab', ['xa'])).toBeUndefined();
    expect(closestMatch('ab', ['bx'])).toBeUndefined();
    expect(closestMatch('abcdefg', ['abxdefgyz'])).toBe('abxdefgyz');
    expect(closestMatch('abcdefghi', ['xbcdefghy'])).toBe('xbcdefghy');
  });

  it('counts every extra leading character as an edit', () => {
    expect(closestMatch('abcdex', ['zzzzabcdey'])).toBeUndefined();
    expect(closestMatch('zzzzabcdey', ['abcdex'])).toBeUndefined();
    expect(closestMatch('zabcdey', ['abcdex'])).toBe('abcdex');
  });

  it('suggests nothing when nothing is close', () => {
    expect(closestMatch('abcdef', ['abxyzf'])).toBeUndefined();
    expect(closestMatch('ab', ['xy'])).toBeUndefined();
    expect(closestMatch('qwerty', ['prod', 'staging', 'dev'])).toBeUndefined();
    expect(closestMatch('prod', [])).toBeUndefined();
  });
});

describe('diagnoseMissingKeys', () => {
  it('returns the validation error as it is when no key is missing (only malformed ones)', async () => {
    const error = new InfisicalConfigValidationError('where', [malformed('A')]);
    expect(await diagnoseMissingKeys(error, [listing({ ownCount: 0, hiddenKeys: ['A'] })], async () => ['dev'])).toBe(error);
  });

  it('names keys listed with hidden values as a values-hidden permission problem of that source', async () => {
    const other = { ...target, secretPath: '/other' };
    const error = new InfisicalConfigValidationError('where', [missing('A'), missing('B'), malformed('C')]);
    const diagnosis = await diagnoseMissingKeys(error, [listing({ hiddenKeys: ['Z'] }), listing({ target: other, hiddenKeys: ['C', 'B', 'A'] })]);
    expect(diagnosis).toBeInstanceOf(InfisicalPermissionError);
    const permission = diagnosis as InfisicalPermissionError;
    expect(permission.reason).toBe('values-hidden');
    expect(permission.target).toBe(other);
    expect(permission.missingKeys).toEqual(['B', 'A']);
    expect(permission.readableEnvironments).toEqual([]);
  });

  it('blames an unreadable environment when a source returned nothing of its own while others are readable', async () => {
    const empty = { ...target, environment: 'secret-env' };
    const probed: string[] = [];
    const probe = async (t: typeof target) => {
      probed.push(t.environment);
      return ['dev', 'staging'];
    };
    const error = new InfisicalConfigValidationError('where', [missing('A'), malformed('C')]);
    const diagnosis = (await diagnoseMissingKeys(error, [listing(), listing({ target: empty, ownCount: 0 })], probe)) as InfisicalPermissionError;
    expect(diagnosis).toBeInstanceOf(InfisicalPermissionError);
    expect(diagnosis.reason).toBe('environment-not-readable');
    expect(diagnosis.target).toBe(empty);
    expect(diagnosis.missingKeys).toEqual(['A']);
    expect(diagnosis.readableEnvironments).toEqual(['dev', 'staging']);
    expect(probed).toEqual(['secret-env']);
  });

  it('adds a note naming every empty source when nothing else is readable (or nothing was probed)', async () => {
    const second = { ...target, secretPath: '/app' };
    const error = new InfisicalConfigValidationError('where', [missing('A')]);
    const listings = [listing({ ownCount: 0 }), listing({ target: second, ownCount: 0 })];
    let probes = 0;
    for (const probe of [
      async () => {
        probes++;
        return [];
      },
      undefined,
    ]) {
      const diagnosis = (await diagnoseMissingKeys(error, listings, probe)) as InfisicalConfigValidationError;
      expect(diagnosis).toBeInstanceOf(InfisicalConfigValidationError);
      expect(diagnosis).not.toBe(error);
      expect(diagnosis.where).toBe('where');
      expect(diagnosis.issues).toBe(error.issues);
      expect(diagnosis.note).toBe(
        'Infisical returned no secrets for environment "prod" (project p-1, path "/") nor for environment "prod" (project p-1, path "/app"): ' +
          'either the folder is empty, or this identity cannot read it (Infisical hides unreadable secrets instead of refusing).',
      );
    }
    expect(probes).toBe(2);
  });

  it('returns the validation error when every source returned something: the keys simply do not exist', async () => {
    const error = new InfisicalConfigValidationError('where', [missing('A')]);
    let probes = 0;
    const probe = async () => {
      probes++;
      return ['dev'];
    };
    expect(await diagnoseMissingKeys(error, [listing({ ownCount: 1 })], probe)).toBe(error);
    expect(probes).toBe(0);
  });
});

describe('findReadableEnvironments', () => {
  it('lists names only in each other environment (at most 5) and keeps those with something readable', async () => {
    const api = new FakeSecretReadApi();
    api.project = { name: 'shop', environments: ['e1', 'prod', 'e2', 'e3', 'e4', 'e5', 'e6'] };
    api.lists = (call) => {
      const env = call.query!.environment;
      if (env === 'e1') return listOf({ A: 'value-1' });
      if (env === 'e2') return listOf({}, { hiddenKeys: ['B'] });
      if (env === 'e3') return new InfisicalProjectAccessError(target, 'no-secret-access');
      return listOf({});
    };
    expect(await findReadableEnvironments(api, 'tok', target, signal)).toEqual(['e1', 'e2']);
    const lists = api.callsOf('listSecrets');
    expect(lists.map((c) => c.query!.environment)).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']);
    expect(lists[0]!.query).toEqual({
      projectId: 'p-1',
      environment: 'e1',
      secretPath: '/',
      recursive: false,
      includeImports: false,
      expandSecretReferences: false,
      viewSecretValue: false,
    });
    expect(lists[0]!.target).toEqual({ ...target, environment: 'e1', secretPath: '/' });
    expect(api.calls.every((c) => c.token === 'tok' && c.signal === signal)).toBe(true);
    expect(api.callsOf('getProject')[0]!.target).toBe(target);
  });

  it('finds nothing when the project cannot be read', async () => {
    const api = new FakeSecretReadApi();
    api.project = new InfisicalUnreachableError(target, 'network', 'ECONNRESET');
    expect(await findReadableEnvironments(api, 'tok', { ...target, secretPath: '/deep' }, signal)).toEqual([]);
    expect(api.callsOf('listSecrets')).toEqual([]);
  });
});

describe('explainNotFound', () => {
  it('names an unknown environment with the project slugs and the closest one', async () => {
    const api = new FakeSecretReadApi();
    api.project = { name: 'shop', environments: ['dev', 'staging', 'production'] };
    const error = (await explainNotFound(api, 'tok', { ...target, environment: 'stg', secretPath: '/a' }, signal)) as InfisicalEnvironmentNotFoundError;
    expect(error).toBeInstanceOf(InfisicalEnvironmentNotFoundError);
    expect(error.availableEnvironments).toEqual(['dev', 'staging', 'production']);
    expect(error.suggestion).toBe('staging');
    expect(api.callsOf('listFolders')).toEqual([]);
    expect(api.calls[0]).toMatchObject({ token: 'tok', signal });
  });

  it('blames the environment when the project look-up is refused and the path is the root', async () => {
    for (const refusal of [new InfisicalProjectAccessError(target, 'not-a-member'), new InfisicalRequestError(target, 403, 'Forbidden')]) {
      const api = new FakeSecretReadApi();
      api.project = refusal;
      const error = (await explainNotFound(api, 'tok', target, signal)) as InfisicalEnvironmentNotFoundError;
      expect(error).toBeInstanceOf(InfisicalEnvironmentNotFoundError);
      expect(error.availableEnvironments).toBeUndefined();
      expect(error.suggestion).toBeUndefined();
    }
  });

  it('passes on a failure of the project look-up that is not a refusal', async () => {
    const api = new FakeSecretReadApi();
    const down = new InfisicalUnreachableError(target, 'timeout', 'no answer');
    api.project = down;
    await expect(explainNotFound(api, 'tok', target, signal)).rejects.toBe(down);
  });

  it('names the missing folder when the environment exists (or the project look-up was refused)', async () => {
    const deep = { ...target, secretPath: '/app/missing' };
    for (const project of [{ name: 'shop', environments: ['prod'] }, new InfisicalRequestError(target, 403, 'Forbidden')]) {
      const api = new FakeSecretReadApi();
      api.project = project;
      api.folders = (call) => (call.path === '/' ? ['app'] : ['misssing', 'other']);
      const error = (await explainNotFound(api, 'tok', deep, signal)) as InfisicalSecretPathNotFoundError;
      expect(error).toBeInstanceOf(InfisicalSecretPathNotFoundError);
      expect(error.suggestion).toBe('/app/misssing');
      expect(error.siblings).toEqual({ parent: '/app', folders: ['misssing', 'other'] });
    }
  });

  it('falls back to a plain folder error when the folder exists or cannot be checked', async () => {
    for (const folders of [['missing'], new InfisicalProjectAccessError(target, 'no-secret-access')]) {
      const api = new FakeSecretReadApi();
      api.project = { name: undefined, environments: ['prod'] };
      api.folders = folders;
      const error = (await explainNotFound(api, 'tok', { ...target, secretPath: '/missing' }, signal)) as InfisicalSecretPathNotFoundError;
      expect(error).toBeInstanceOf(InfisicalSecretPathNotFoundError);
      expect(error.target.secretPath).toBe('/missing');
      expect(error.suggestion).toBeUndefined();
      expect(error.siblings).toBeUndefined();
    }
  });
});

describe('checkFolder', () => {
  it('walks the path from the root and reports the first segment that does not exist', async () => {
    const api = new FakeSecretReadApi();
    api.folders = (call) => ({ '/': ['app'], '/app': ['api'] })[call.path!] ?? [];
    const result = (await checkFolder(api, 'tok', { ...target, secretPath: '/app/apj/x' }, signal)) as InfisicalSecretPathNotFoundError;
    expect(result.suggestion).toBe('/app/api');
    expect(result.siblings).toEqual({ parent: '/app', folders: ['api'] });
    expect(api.calls.map((c) => c.path)).toEqual(['/', '/app']);
    expect(api.calls.every((c) => c.token === 'tok' && c.signal === signal && c.target.secretPath === '/app/apj/x')).toBe(true);
  });

  it('suggests a root folder as "/name", and nothing when no folder is close', async () => {
    const api = new FakeSecretReadApi();
    api.folders = ['payments'];
    expect(((await checkFolder(api, 'tok', { ...target, secretPath: '/paymnets' }, signal)) as InfisicalSecretPathNotFoundError).suggestion).toBe('/payments');
    const none = (await checkFolder(api, 'tok', { ...target, secretPath: '/zzz' }, signal)) as InfisicalSecretPathNotFoundError;
    expect(none.suggestion).toBeUndefined();
    expect(none.siblings).toEqual({ parent: '/', folders: ['payments'] });
  });

  it('says "exists" when every segment exists (and asks nothing for the root)', async () => {
    const api = new FakeSecretReadApi();
    api.folders = (call) => (call.path === '/' ? ['a'] : ['b']);
    expect(await checkFolder(api, 'tok', { ...target, secretPath: '/a/b/' }, signal)).toBe('exists');
    expect(await checkFolder(api, 'tok', target, signal)).toBe('exists');
    expect(api.calls).toHaveLength(2);
  });

  it('says "unknown" when listing is refused, and passes on any other failure', async () => {
    const api = new FakeSecretReadApi();
    api.folders = new InfisicalRequestError(target, 403, 'Forbidden', 'folders');
    expect(await checkFolder(api, 'tok', { ...target, secretPath: '/a' }, signal)).toBe('unknown');
    const down = new InfisicalUnreachableError(target, 'server-error', 'HTTP 502');
    api.folders = down;
    await expect(checkFolder(api, 'tok', { ...target, secretPath: '/a' }, signal)).rejects.toBe(down);
  });
});
