import { describe, expect, it } from '@jest/globals';
import type { KeyInfo } from '../../src/infisical/interfaces/infisical-status.interface.js';
import { SecretSnapshot } from '../../src/infisical/store/secret-snapshot.js';

const answer = [{ key: 'API_KEY', value: 'api-key-value', version: 4, projectId: 'p-1', environment: 'prod', secretPath: '/' }];

function snapshot(values: Record<string, unknown>, keys: Record<string, KeyInfo> = {}): SecretSnapshot {
  return new SecretSnapshot({ values, keys }, 'infisical', 1_700_000_000_000, answer);
}

describe('SecretSnapshot', () => {
  it('keeps where its values came from, when, and the answer behind them', () => {
    const s = new SecretSnapshot({ values: {}, keys: {} }, 'cache', 123, answer);
    expect(s.source).toBe('cache');
    expect(s.confirmedAt).toBe(123);
    expect(s.answer).toBe(answer);
    expect(new SecretSnapshot({ values: {}, keys: {} }, 'env', undefined, []).confirmedAt).toBeUndefined();
  });

  it('reads typed values by key, own properties only', () => {
    const s = snapshot({ API_KEY: 'api-key-value', PORT: 8080, DEBUG: false, EMPTY: '' });
    expect(s.get('API_KEY')).toBe('api-key-value');
    expect(s.get('PORT')).toBe(8080);
    expect(s.get('DEBUG')).toBe(false);
    expect(s.has('DEBUG')).toBe(true);
    expect(s.has('EMPTY')).toBe(true);
    expect(s.get('MISSING')).toBeUndefined();
    expect(s.has('MISSING')).toBe(false);
    for (const inherited of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
      expect(s.get(inherited)).toBeUndefined();
      expect(s.has(inherited)).toBe(false);
    }
  });

  it('finds a secret named like a prototype member when there is one', () => {
    const values = Object.defineProperty({ toString: 'secret-named-toString' }, 'constructor', { value: 'ctor-value', enumerable: true });
    const s = snapshot(values);
    expect(s.get('toString')).toBe('secret-named-toString');
    expect(s.get('constructor')).toBe('ctor-value');
  });

  it('treats a key holding undefined as absent', () => {
    const s = snapshot({ UNSET: undefined });
    expect(s.has('UNSET')).toBe(false);
  });

  it('holds frozen copies without a prototype, detached from what it was built from', () => {
    const values: Record<string, unknown> = { A: 'a-value' };
    const keys: Record<string, KeyInfo> = { A: { source: 'infisical', version: 2 } };
    const s = snapshot(values, keys);
    values.A = 'changed';
    values.B = 'added';
    delete keys.A;
    expect(s.get('A')).toBe('a-value');
    expect(s.has('B')).toBe(false);
    expect(s.keys.A).toEqual({ source: 'infisical', version: 2 });
    for (const copy of [s.values, s.keys]) {
      expect(Object.getPrototypeOf(copy)).toBeNull();
      expect(Object.isFrozen(copy)).toBe(true);
    }
    expect(Object.keys(s.values)).toEqual(['A']);
    expect(() => {
      (s.values as Record<string, unknown>).A = 'x';
    }).toThrow(TypeError);
    expect({ ...s.values }).toEqual({ A: 'a-value' });
  });

  describe('changedKeys', () => {
    it('is empty without a previous snapshot', () => {
      expect(snapshot({ A: 'a' }).changedKeys(undefined)).toEqual(new Set());
    });

    it('names added, removed and changed keys, comparing values deeply', () => {
      const before = snapshot({ SAME: 'x', CHANGED: 'old', REMOVED: 'r', LIST: [1, 2], OBJ: { a: 1 }, NUM: 1 });
      const after = snapshot({ SAME: 'x', CHANGED: 'new', ADDED: 'a', LIST: [1, 2], OBJ: { a: 2 }, NUM: '1' });
      expect(after.changedKeys(before)).toEqual(new Set(['CHANGED', 'REMOVED', 'OBJ', 'NUM', 'ADDED']));
      expect(before.changedKeys(before)).toEqual(new Set());
    });
  });
});
