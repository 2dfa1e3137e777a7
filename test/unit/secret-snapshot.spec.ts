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

describe('SecretSnapshot: comparison in steps', () => {
  const of = (values: Record<string, unknown>) => new SecretSnapshot({ values, keys: {} }, 'infisical', 1, []);

  it('counts its keys', () => {
    expect(of({ A: '1', B: undefined }).size).toBe(2);
    expect(of({}).size).toBe(0);
  });

  it('keeps a key named __proto__ as an own value', () => {
    const s = of(JSON.parse('{"__proto__": "p-value", "A": "a"}') as Record<string, unknown>);
    expect(s.get('__proto__')).toBe('p-value');
    expect(Object.keys(s.values)).toEqual(['__proto__', 'A']);
  });

  it('changedKeysInSteps finds what changedKeys finds, perStep keys at a time', async () => {
    const before = of({ A: '1', B: '2', C: '3', D: { deep: [1] }, E: '5' });
    const after = of({ A: '1', B: 'two', D: { deep: [1] }, E: '5', F: '6', G: 7 });
    let pauses = 0;
    const changed = await after.changedKeysInSteps(before, 2, async () => void pauses++);
    expect([...changed].sort()).toEqual(['B', 'C', 'F', 'G']);
    expect([...after.changedKeys(before)].sort()).toEqual(['B', 'C', 'F', 'G']);
    // 7 keys to compare (5 + 2 added), 2 at a time: 4 batches, 3 pauses
    expect(pauses).toBe(3);
  });

  it('without a previous snapshot or with few keys, does not pause', async () => {
    let pauses = 0;
    const pause = async () => void pauses++;
    expect((await of({ A: '1' }).changedKeysInSteps(undefined, 1, pause)).size).toBe(0);
    expect([...(await of({ A: '2' }).changedKeysInSteps(of({ A: '1' }), 5, pause))]).toEqual(['A']);
    expect(pauses).toBe(0);
  });

  it('compares typed values deeply and strings exactly', () => {
    const before = of({ N: Number.NaN, Z: 0, S: 'x', O: { a: 1 }, T: '1' });
    const after = of({ N: Number.NaN, Z: -0, S: 'x', O: { a: 1 }, T: 1 });
    expect([...after.changedKeys(before)].sort()).toEqual(['T', 'Z']);
  });
});
