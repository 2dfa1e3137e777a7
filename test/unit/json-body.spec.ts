/** The pure JSON body reader of the HTTP layer: empty, malformed and over-deep bodies, strings skipped by the depth scan. */
import { describe, expect, it } from '@jest/globals';
import { jsonDepthExceeds, parseJsonBody } from '../../src/infisical/api/json-body.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('jsonDepthExceeds', () => {
  it.each([
    ['1', 0, false],
    ['[]', 0, true],
    ['[]', 1, false],
    ['{}', 0, true],
    ['[[1]]', 2, false],
    ['[[1]]', 1, true],
    ['{"a":{"b":{}}}', 3, false],
    ['{"a":{"b":{}}}', 2, true],
    ['{"a":[{}]}', 2, true],
  ])('%s with limit %i → %s', (text, limit, expected) => {
    expect(jsonDepthExceeds(bytes(text), limit)).toBe(expected);
  });

  it('counts the depth back down on every closing bracket or brace', () => {
    expect(jsonDepthExceeds(bytes('[[],[],[],[]]'), 2)).toBe(false);
    expect(jsonDepthExceeds(bytes('[{},{},{},{}]'), 2)).toBe(false);
    expect(jsonDepthExceeds(bytes('{"a":[],"b":[],"c":[]}'), 2)).toBe(false);
    expect(jsonDepthExceeds(bytes('[{"a":{}},{"b":{}},{"c":{}}]'), 3)).toBe(false);
  });

  it('skips brackets inside strings, escaped quotes included', () => {
    expect(jsonDepthExceeds(bytes('["[[[[{{{{"]'), 1)).toBe(false);
    expect(jsonDepthExceeds(bytes('["\\"[[[[{{{{"]'), 1)).toBe(false);
    expect(jsonDepthExceeds(bytes('{"k]]]]}}}}":[[["x"]]]}'), 3)).toBe(true);
    expect(jsonDepthExceeds(bytes('{"k]]]]}}}}":[[["x"]]]}'), 4)).toBe(false);
  });

  it('ends a string at the quote after an escaped backslash', () => {
    expect(jsonDepthExceeds(bytes('["\\\\",[[1]]]'), 2)).toBe(true);
    expect(jsonDepthExceeds(bytes('["\\\\",[[1]]]'), 3)).toBe(false);
  });

  it('stops at the first level over the limit of a body nested a million levels deep', () => {
    expect(jsonDepthExceeds(bytes('['.repeat(1_000_000)), 32)).toBe(true);
  });
});

describe('parseJsonBody', () => {
  it('parses JSON nested up to the limit', () => {
    expect(parseJsonBody(bytes('{"a":[1,{"b":"é"}]}'), 3)).toEqual({ ok: true, value: { a: [1, { b: 'é' }] } });
    expect(parseJsonBody(bytes('"plain"'), 0)).toEqual({ ok: true, value: 'plain' });
  });

  it('reads only the view it is given, not the whole underlying buffer', () => {
    const whole = bytes('xx{"k":1}yy');
    expect(parseJsonBody(whole.subarray(2, 9), 1)).toEqual({ ok: true, value: { k: 1 } });
  });

  it.each([
    ['', 32, 'empty'],
    ['not json', 32, 'not-json'],
    ['{"a":', 32, 'not-json'],
    ['[[[]]]', 2, 'too-deep'],
    ['[[[', 2, 'too-deep'],
  ])('%j with limit %i → %s', (text, limit, problem) => {
    expect(parseJsonBody(bytes(text), limit)).toEqual({ ok: false, problem });
  });
});
