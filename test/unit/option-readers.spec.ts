import { describe, expect, it } from '@jest/globals';
import { describeValue, OptionReader } from '../../src/infisical/options/option-readers.js';

describe('describeValue', () => {
  it.each([
    ['null', null, 'null'],
    ['undefined', undefined, 'undefined'],
    ['an empty string', '', 'an empty string'],
    ['whitespace', ' \t\n', 'only whitespace'],
    ['a string, quoted', 'abc', '"abc"'],
    ['a string of 80 characters, whole', 'a'.repeat(80), `"${'a'.repeat(80)}"`],
    ['a longer string, cut at 80', `${'a'.repeat(80)}bcd`, `"${'a'.repeat(80)}…"`],
    ['a number', 42, '42'],
    ['NaN', Number.NaN, 'NaN'],
    ['a boolean', false, 'false'],
    ['a function', function named() {}, 'a class or function'],
    ['a class', class Named {}, 'a class or function'],
    ['an arrow function', () => 1, 'an arrow function'],
    ['an array', [1], 'a value of type array'],
    ['an object', { a: 1 }, 'a value of type object'],
    ['a bigint', 10n, 'a value of type bigint'],
  ])('%s', (_name, value, described) => {
    expect(describeValue(value)).toBe(described);
  });

  it.each([
    ['null', null, 'null'],
    ['undefined', undefined, 'undefined'],
    ['an empty string', '', 'an empty string'],
    ['whitespace', '  ', 'only whitespace'],
    ['a string, only its length', 'hunter2', 'a string of 7 characters'],
    ['a number, only its type', 42, 'a value of type number'],
    ['a boolean, only its type', true, 'a value of type boolean'],
    ['an array', ['hunter2'], 'a value of type array'],
    ['an object', { secret: 'hunter2' }, 'a value of type object'],
    ['a function', () => 'hunter2', 'a value of type function'],
  ])('a secret: %s', (_name, value, described) => {
    expect(describeValue(value, true)).toBe(described);
  });
});

describe('OptionReader', () => {
  const reader = (source: Record<string, unknown> = {}) => new OptionReader(source);

  it('starts with no problems and records each one with its option', () => {
    const r = reader();
    expect(r.problems).toEqual([]);
    r.bad('a', 'is wrong');
    r.bad('b.c', 'is wrong too');
    expect(r.problems).toStrictEqual([
      { option: 'a', problem: 'is wrong' },
      { option: 'b.c', problem: 'is wrong too' },
    ]);
  });

  describe('boolean', () => {
    it('reads the option from the source, the fallback when absent', () => {
      const r = reader({ on: false, off: true });
      expect(r.boolean('on', true)).toBe(false);
      expect(r.boolean('off', false)).toBe(true);
      expect(r.boolean('missing', true)).toBe(true);
      expect(r.boolean('missing', false)).toBe(false);
      expect(r.boolean('given', true, false)).toBe(false);
      expect(r.problems).toEqual([]);
    });

    it.each([
      ['text', 'true', '"true"'],
      ['a number', 1, '1'],
      ['null', null, 'null'],
      ['an empty string', '', 'an empty string'],
    ])('refuses %s and returns the fallback', (_name, value, described) => {
      for (const fallback of [true, false]) {
        const r = reader({ flag: value });
        expect(r.boolean('flag', fallback)).toBe(fallback);
        expect(r.problems).toStrictEqual([{ option: 'flag', problem: `must be true or false (got ${described})` }]);
      }
    });
  });

  describe('integer', () => {
    it('reads the option from the source, the fallback when absent, the bounds included', () => {
      const r = reader({ ttl: 0, max: 3600, mid: 60 });
      expect(r.integer('ttl', 60, 0, 3600, 'seconds')).toBe(0);
      expect(r.integer('max', 60, 0, 3600, 'seconds')).toBe(3600);
      expect(r.integer('mid', 1, 0, 3600, 'seconds')).toBe(60);
      expect(r.integer('missing', 60, 0, 3600, 'seconds')).toBe(60);
      expect(r.integer('given', 60, 5, 10, 'keys', 5)).toBe(5);
      expect(r.problems).toEqual([]);
    });

    it.each([
      ['below the minimum', 4, '4'],
      ['above the maximum', 11, '11'],
      ['a fraction', 7.5, '7.5'],
      ['NaN', Number.NaN, 'NaN'],
      ['Infinity', Number.POSITIVE_INFINITY, 'Infinity'],
      ['text', '7', '"7"'],
      ['null', null, 'null'],
    ])('refuses %s, naming the unit and the range, and returns the fallback', (_name, value, described) => {
      const r = reader({ n: value });
      expect(r.integer('n', 8, 5, 10, 'milliseconds')).toBe(8);
      expect(r.problems).toStrictEqual([{ option: 'n', problem: `must be an integer number of milliseconds from 5 to 10 (got ${described})` }]);
    });
  });

  describe('text', () => {
    it('reads the option from the source as it is', () => {
      const r = reader({ name: 'prod' });
      expect(r.text('name', true, 'hint')).toBe('prod');
      expect(r.text('other', true, 'hint', 'dev')).toBe('dev');
      expect(r.problems).toEqual([]);
    });

    it.each([
      ['absent', undefined],
      ['empty', ''],
    ])('%s: undefined, reported only when required, with the hint', (_name, value) => {
      const required = reader({ name: value });
      expect(required.text('name', true, 'the environment slug')).toBeUndefined();
      expect(required.problems).toStrictEqual([{ option: 'name', problem: 'is required — the environment slug' }]);
      const optional = reader({ name: value });
      expect(optional.text('name', false, 'the environment slug')).toBeUndefined();
      expect(optional.problems).toEqual([]);
    });

    it('refuses another type, describing it (only its type when secret), also when not required', () => {
      const r = reader({ id: 42 });
      expect(r.text('id', false, 'an ID')).toBeUndefined();
      expect(r.text('key', false, 'a key', 1234, true)).toBeUndefined();
      expect(r.text('none', true, 'a value', null)).toBeUndefined();
      expect(r.problems).toStrictEqual([
        { option: 'id', problem: 'must be a string (got 42) — an ID' },
        { option: 'key', problem: 'must be a string (got a value of type number) — a key' },
        { option: 'none', problem: 'must be a string (got null) — a value' },
      ]);
    });

    it.each([' prod', 'prod ', '\tprod', 'prod\n', '   '])('refuses %j: whitespace around it', (value) => {
      const r = reader();
      expect(r.text('environment', false, 'the slug', value)).toBeUndefined();
      expect(r.problems).toStrictEqual([{ option: 'environment', problem: 'has leading or trailing whitespace — the slug' }]);
    });
  });
});
