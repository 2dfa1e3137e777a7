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
