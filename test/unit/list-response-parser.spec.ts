import { describe, expect, it } from '@jest/globals';
import { parseListResponse } from '../../src/infisical/api/list-response.parser.js';
import { MalformedAnswerError } from '../../src/infisical/api/malformed-answer.error.js';

const FOLDER = { environment: 'dev', secretPath: '/app' };
const own = (key: string, value: string, extra: Record<string, unknown> = {}) => ({ secretKey: key, secretValue: value, version: 1, secretPath: '/app', environment: 'dev', ...extra });
const sub = (key: string, value: string, path: string) => own(key, value, { secretPath: path });
const block = (path: string, secrets: object[]) => ({ environment: 'shared', secretPath: path, secrets });
const values = (body: unknown) => Object.fromEntries(parseListResponse(body, FOLDER).secrets.map((s) => [s.key, s.value]));

describe('parseListResponse: precedence', () => {
  it('the folder\'s own secret wins over an import, whichever comes first', () => {
    expect(values({ secrets: [own('K', 'own')], imports: [block('/common', [own('K', 'imported')])] })).toEqual({ K: 'own' });
  });

  it('among imports, the last import wins', () => {
    const body = { secrets: [], imports: [block('/first', [own('K', 'first')]), block('/second', [own('K', 'second')])] };
    expect(values(body)).toEqual({ K: 'second' });
    const reversed = { secrets: [], imports: [block('/second', [own('K', 'second')]), block('/first', [own('K', 'first')])] };
    expect(values(reversed)).toEqual({ K: 'first' });
  });

  it('the folder\'s own secret wins over a sub-folder\'s (recursive), even when the sub-folder comes first', () => {
    expect(values({ secrets: [sub('K', 'deeper', '/app/db'), own('K', 'own')] })).toEqual({ K: 'own' });
  });

  it('among sub-folders, the first entry in the answer wins', () => {
    expect(values({ secrets: [sub('K', 'a', '/app/a'), sub('K', 'b', '/app/b')] })).toEqual({ K: 'a' });
    expect(values({ secrets: [sub('K', 'b', '/app/b'), sub('K', 'a', '/app/a')] })).toEqual({ K: 'b' });
  });

  it('a sub-folder secret wins over an imported one', () => {
    expect(values({ secrets: [sub('K', 'deeper', '/app/db')], imports: [block('/common', [own('K', 'imported')])] })).toEqual({ K: 'deeper' });
  });

  it('records where each value lives and whether it was imported', () => {
    const parsed = parseListResponse({ secrets: [sub('A', '1', '/app/db')], imports: [block('/common', [own('B', '2')])] }, FOLDER);
    expect(parsed.secrets).toEqual([
      { key: 'A', value: '1', version: 1, secretPath: '/app/db', environment: 'dev', imported: false },
      { key: 'B', value: '2', version: 1, secretPath: '/common', environment: 'dev', imported: true },
    ]);
  });
});

describe('parseListResponse: what is left out', () => {
  it('a hidden value is left out, reported by name, and a lower-precedence value does not show through', () => {
    const parsed = parseListResponse(
      { secrets: [own('K', '', { secretValueHidden: true }), own('L', 'visible')], imports: [block('/common', [own('K', 'imported')])] },
      FOLDER,
    );
    expect(parsed.secrets.map((s) => s.key)).toEqual(['L']);
    expect(parsed.hiddenKeys).toEqual(['K']);
  });

  it('__proto__, constructor and prototype are dropped and reported', () => {
    const parsed = parseListResponse({ secrets: [own('__proto__', 'x'), own('constructor', 'y'), own('prototype', 'z'), own('OK', 'v')] }, FOLDER);
    expect(parsed.secrets.map((s) => s.key)).toEqual(['OK']);
    expect(parsed.droppedKeys).toEqual(['__proto__', 'constructor', 'prototype']);
  });

  it('a key listed twice in one folder keeps its first entry and is reported once', () => {
    const parsed = parseListResponse({ secrets: [own('K', 'first'), own('K', 'second'), own('K', 'third')] }, FOLDER);
    expect(parsed.secrets.map((s) => s.value)).toEqual(['first']);
    expect(parsed.duplicateKeys).toEqual(['K']);
  });
});

describe('parseListResponse: malformed answers are rejected as a whole', () => {
  it.each([
    ['no secrets array', { imports: [] }],
    ['null', null],
    ['an item without secretKey', { secrets: [{ secretValue: 'v' }] }],
    ['a non-string value', { secrets: [{ secretKey: 'K', secretValue: 42 }] }],
    ['a non-numeric version', { secrets: [own('K', 'v', { version: 'two' })] }],
    ['imports that are not an array', { secrets: [], imports: {} }],
    ['an import without secrets', { secrets: [], imports: [{ secretPath: '/x' }] }],
  ])('%s', (_name, body) => {
    expect(() => parseListResponse(body, FOLDER)).toThrow(MalformedAnswerError);
  });
});

describe('parseListResponse: fields and fallbacks', () => {
  const first = (body: unknown) => parseListResponse(body, FOLDER).secrets[0];

  it('an own item without a path or environment lives in the folder; a missing version is 0', () => {
    expect(first({ secrets: [{ secretKey: 'K', secretValue: 'v' }] })).toEqual({ key: 'K', value: 'v', version: 0, secretPath: '/app', environment: 'dev', imported: false });
    expect(first({ secrets: [own('K', 'v', { environment: '', secretPath: 7 })] })).toEqual({ key: 'K', value: 'v', version: 1, secretPath: '/app', environment: 'dev', imported: false });
    expect(first({ secrets: [own('K', 'v', { environment: 'staging', version: 0 })] })).toMatchObject({ environment: 'staging', version: 0 });
  });

  it('an imported item lives in its import\'s folder and environment, / and the folder\'s environment when not given', () => {
    expect(first({ secrets: [], imports: [block('/common', [{ secretKey: 'K', secretValue: 'v', secretPath: '/elsewhere' }])] })).toEqual({
      key: 'K', value: 'v', version: 0, secretPath: '/common', environment: 'shared', imported: true,
    });
    expect(first({ secrets: [], imports: [{ secrets: [{ secretKey: 'K', secretValue: 'v' }] }] })).toEqual({
      key: 'K', value: 'v', version: 0, secretPath: '/', environment: 'dev', imported: true,
    });
    expect(first({ secrets: [], imports: [{ environment: 5, secretPath: null, secrets: [own('K', 'v', { environment: 'prod' })] }] })).toMatchObject({
      secretPath: '/', environment: 'prod',
    });
  });

  it('imports may be absent or null', () => {
    expect(values({ secrets: [own('K', 'v')], imports: null })).toEqual({ K: 'v' });
    expect(values({ secrets: [own('K', 'v')] })).toEqual({ K: 'v' });
    expect(values({ secrets: [] })).toEqual({});
  });

  it('only secretValueHidden: true hides a value', () => {
    const parsed = parseListResponse({ secrets: [own('A', 'a', { secretValueHidden: 'true' }), own('B', 'b', { secretValueHidden: false })] }, FOLDER);
    expect(parsed.secrets.map((s) => s.key)).toEqual(['A', 'B']);
    expect(parsed.hiddenKeys).toEqual([]);
  });

  it('reports each dropped, hidden and duplicate key once, and keeps the answer order', () => {
    const parsed = parseListResponse(
      {
        secrets: [own('Z', 'z'), own('__proto__', 'x'), own('__proto__', 'y'), own('H', '', { secretValueHidden: true }), own('A', 'a')],
        imports: [block('/one', [own('D', '1'), own('D', '2'), own('D', '3'), own('E', 'e')]), block('/two', [own('E', 'e2')])],
      },
      FOLDER,
    );
    expect(parsed).toEqual({
      secrets: [
        { key: 'Z', value: 'z', version: 1, secretPath: '/app', environment: 'dev', imported: false },
        { key: 'A', value: 'a', version: 1, secretPath: '/app', environment: 'dev', imported: false },
        { key: 'E', value: 'e2', version: 1, secretPath: '/two', environment: 'dev', imported: true },
        { key: 'D', value: '1', version: 1, secretPath: '/one', environment: 'dev', imported: true },
      ],
      hiddenKeys: ['H'],
      duplicateKeys: ['D'],
      droppedKeys: ['__proto__'],
    });
  });

  it('the same key in two sub-folders or two imports is not a duplicate', () => {
    const parsed = parseListResponse(
      { secrets: [sub('K', 'a', '/app/a'), sub('K', 'b', '/app/b')], imports: [block('/one', [own('L', '1')]), block('/two', [own('L', '2')])] },
      FOLDER,
    );
    expect(parsed.duplicateKeys).toEqual([]);
  });

  it('a key twice in one sub-folder is a duplicate; the same key in an own folder and an import of the same path is not', () => {
    expect(parseListResponse({ secrets: [sub('K', 'a', '/app/a'), sub('K', 'b', '/app/a')] }, FOLDER).duplicateKeys).toEqual(['K']);
    expect(parseListResponse({ secrets: [own('K', 'a')], imports: [{ environment: 'dev', secretPath: '/app', secrets: [own('K', 'b')] }] }, FOLDER).duplicateKeys).toEqual([]);
  });

  it('finds a duplicate whose two entries are apart, other folders between them; a folder is its environment and path together', () => {
    const apart = parseListResponse({ secrets: [sub('K', 'a', '/app/a'), sub('K', 'b', '/app/b'), sub('L', 'c', '/app/a'), sub('K', 'd', '/app/a')] }, FOLDER);
    expect(apart.duplicateKeys).toEqual(['K']);
    expect(apart.secrets.map((s) => [s.key, s.value])).toEqual([['K', 'a'], ['L', 'c']]);
    const otherEnvironment = parseListResponse({ secrets: [sub('K', 'a', '/app/a'), own('K', 'b', { secretPath: '/app/a', environment: 'prod' })] }, FOLDER);
    expect(otherEnvironment.duplicateKeys).toEqual([]);
    const imported = parseListResponse({ secrets: [], imports: [{ environment: 'dev', secretPath: '/x', secrets: [own('K', 'a'), own('L', 'b'), own('K', 'c')] }] }, FOLDER);
    expect(imported.duplicateKeys).toEqual(['K']);
  });
});

describe('parseListResponse: each malformed answer says what is wrong', () => {
  it.each([
    ['not an object', 'secrets', 'the list answer has no "secrets" array'],
    ['a non-array secrets field', { secrets: {} }, 'the list answer has no "secrets" array'],
    ['an item that is not an object', { secrets: ['K'] }, 'the list answer contains an item without a "secretKey"'],
    ['a null item', { secrets: [null] }, 'the list answer contains an item without a "secretKey"'],
    ['an empty secretKey', { secrets: [{ secretKey: '', secretValue: 'v' }] }, 'the list answer contains an item without a "secretKey"'],
    ['a numeric secretKey', { secrets: [{ secretKey: 1, secretValue: 'v' }] }, 'the list answer contains an item without a "secretKey"'],
    ['a missing value', { secrets: [{ secretKey: 'K' }] }, 'the list answer has no string "secretValue" for K'],
    ['a null version', { secrets: [own('K', 'v', { version: null })] }, 'the list answer has a non-numeric "version" for K'],
    ['an infinite version', { secrets: [own('K', 'v', { version: Number.POSITIVE_INFINITY })] }, 'the list answer has a non-numeric "version" for K'],
    ['a string imports field', { secrets: [], imports: 'x' }, 'the list answer has an "imports" field that is not an array'],
    ['a null import', { secrets: [], imports: [null] }, 'the list answer has an import without a "secrets" array'],
    ['an import that is a string', { secrets: [], imports: ['x'] }, 'the list answer has an import without a "secrets" array'],
    ['an import with a malformed item', { secrets: [], imports: [block('/c', [{ secretKey: 'K', secretValue: 1 }])] }, 'the list answer has no string "secretValue" for K'],
  ])('%s', (_name, body, message) => {
    expect(() => parseListResponse(body, FOLDER)).toThrow(new MalformedAnswerError(message));
  });
});

describe('MalformedAnswerError', () => {
  it('is named for what it is in stack traces and logs, and carries the problem', () => {
    const error = new MalformedAnswerError('secrets is not an array');
    expect(error.name).toBe('MalformedAnswerError');
    expect(String(error)).toBe('MalformedAnswerError: secrets is not an array');
    expect(error.problem).toBe('secrets is not an array');
  });
});
