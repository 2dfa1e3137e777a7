/**
 * The pure JSON body reader of the HTTP layer: empty, malformed and over-deep bodies, strings skipped by the depth
 * scan; a large body scanned and parsed in steps with the same result as one `JSON.parse`.
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import fc from 'fast-check';
import { jsonDepthExceeds, parseJsonBody, type JsonBody } from '../../src/infisical/api/json-body.js';
import { DEFAULT_JSON_BYTES_PER_STEP, JSON_STEPS, type JsonSteps } from '../../src/infisical/api/json-steps.parser.js';

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

/** Steps of `bytesPerStep` bytes whose pauses are counted (and resolve at once). */
function countingSteps(bytesPerStep: number): JsonSteps & { pauses: number } {
  const steps = { bytesPerStep, pauses: 0, pause: async () => void steps.pauses++ };
  return steps;
}

/** What one `JSON.parse` of the whole body says (the depth check first), the result the stepped parse must equal. */
function wholeParse(text: string, maxDepth: number): JsonBody {
  if (text === '') return { ok: false, problem: 'empty' };
  if (jsonDepthExceeds(bytes(text), maxDepth)) return { ok: false, problem: 'too-deep' };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, problem: 'not-json' };
  }
}

/** A list answer of `count` secrets, about 120 bytes each. */
function listAnswer(count: number): string {
  const secrets = Array.from({ length: count }, (_, i) => ({ secretKey: `KEY_${i}`, secretValue: `value-${i}-é-"q"-[]{},:`, version: i }));
  return JSON.stringify({ secrets, imports: [{ secretPath: '/shared', secrets: [{ secretKey: 'A', secretValue: 'a' }] }] });
}

describe('parseJsonBody of a body larger than one step', () => {
  afterEach(() => void jest.restoreAllMocks());

  it('gives what JSON.parse of the whole body gives, with the event loop turning between the steps', async () => {
    const text = listAnswer(200);
    const steps = countingSteps(1_000);
    const parsed = parseJsonBody(bytes(text), 32, steps);
    expect(parsed).toBeInstanceOf(Promise);
    await expect(parsed).resolves.toEqual({ ok: true, value: JSON.parse(text) });
    // scan: one pause per 1,000 bytes; parse: one per batch of about 1,000 bytes
    expect(steps.pauses).toBeGreaterThanOrEqual(2 * Math.floor(text.length / 1_000));
  });

  it('parses no piece much larger than one step: the secrets array a batch of elements at a time', async () => {
    const text = listAnswer(300);
    const parse = jest.spyOn(JSON, 'parse');
    await parseJsonBody(bytes(text), 32, countingSteps(2_000));
    const longest = Math.max(...parse.mock.calls.map(([piece]) => piece.length));
    // a batch stops at the first element that reaches the step's size: one element (< 200 bytes) over it at most
    expect(longest).toBeLessThan(2_000 + 200);
    // batches of about 2,000 bytes (not one element each): the keys, the two arrays' batches, nothing else
    expect(parse.mock.calls.length).toBeGreaterThan(text.length / 2_200);
    expect(parse.mock.calls.length).toBeLessThanOrEqual(Math.ceil(text.length / 2_000) + 4);
  });

  it('parses a body of one step or less at once, without a promise or a pause', () => {
    const text = listAnswer(3);
    const steps = countingSteps(bytes(text).byteLength);
    expect(parseJsonBody(bytes(text), 32, steps)).toEqual({ ok: true, value: JSON.parse(text) });
    expect(steps.pauses).toBe(0);
  });

  it('steps by 512 KiB by default, a setImmediate turn between two steps', async () => {
    expect(DEFAULT_JSON_BYTES_PER_STEP).toBe(512 * 1024);
    expect(JSON_STEPS.bytesPerStep).toBe(DEFAULT_JSON_BYTES_PER_STEP);
    const order: string[] = [];
    const pause = JSON_STEPS.pause().then(() => order.push('pause'));
    setImmediate(() => order.push('immediate'));
    await Promise.resolve();
    expect(order).toEqual([]);
    await pause;
    expect(order).toEqual(['pause']);
    expect(parseJsonBody(bytes(listAnswer(2)), 32)).not.toBeInstanceOf(Promise);
  });

  it('refuses a large body nested too deep before parsing any of it', async () => {
    const parse = jest.spyOn(JSON, 'parse');
    const text = `{"secrets":[${'1,'.repeat(500)}[[[[1]]]]]}`;
    await expect(parseJsonBody(bytes(text), 4, countingSteps(100))).resolves.toEqual({ ok: false, problem: 'too-deep' });
    expect(parse).not.toHaveBeenCalled();
    await expect(parseJsonBody(bytes(text), 6, countingSteps(100))).resolves.toMatchObject({ ok: true });
  });

  it('keeps "__proto__" an own property and a repeated key in its first place with its last value, as JSON.parse does', async () => {
    const text = `{"a":1,"__proto__":{"polluted":true},"b":[1,2],"a":3}`;
    const parsed = (await parseJsonBody(bytes(text), 32, countingSteps(4))) as { ok: true; value: Record<string, unknown> };
    expect(Object.getPrototypeOf(parsed.value)).toBe(Object.prototype);
    expect(Object.hasOwn(parsed.value, '__proto__')).toBe(true);
    expect(Object.keys(parsed.value)).toEqual(['a', '__proto__', 'b']);
    expect(parsed.value.a).toBe(3);
    for (const key of ['a', '__proto__', 'b']) expect(Object.getOwnPropertyDescriptor(parsed.value, key)).toEqual(Object.getOwnPropertyDescriptor(JSON.parse(text), key));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['{}', { ok: true, value: {} }],
    ['\t{"a":\n[1,\r2] ,"b":[\n]}\r\n', { ok: true, value: { a: [1, 2], b: [] } }],
    ['{"a":\t[\t]\r}', { ok: true, value: { a: [] } }],
    [' { } ', { ok: true, value: {} }],
    ['{"a":[ ]}', { ok: true, value: { a: [] } }],
    ['[1,{"a":[2,3]}]', { ok: true, value: [1, { a: [2, 3] }] }],
    ['"a string"', { ok: true, value: 'a string' }],
    ['{"a":[1,2],}', { ok: false, problem: 'not-json' }],
    ['{,}', { ok: false, problem: 'not-json' }],
    ['{"a":[1,,2]}', { ok: false, problem: 'not-json' }],
    ['{"a":[1,2,]}', { ok: false, problem: 'not-json' }],
    ['{"a":[,]}', { ok: false, problem: 'not-json' }],
    ['{"a":1 "b":2}', { ok: false, problem: 'not-json' }],
    ['{"a" 1}', { ok: false, problem: 'not-json' }],
    ['{1:2}', { ok: false, problem: 'not-json' }],
    ['{"a":x[1,2]}', { ok: false, problem: 'not-json' }],
    ['{"a":[1,2]x}', { ok: false, problem: 'not-json' }],
    ['{"a":[1,2][3]}', { ok: false, problem: 'not-json' }],
    ['{"a":{"b":1}[2]}', { ok: false, problem: 'not-json' }],
    ['{"a":[1,2}]', { ok: false, problem: 'not-json' }],
    ['{"a":1}]', { ok: false, problem: 'not-json' }],
    ['{"a":1} {"b":2}', { ok: false, problem: 'not-json' }],
    ['{"a":1} x', { ok: false, problem: 'not-json' }],
    ['x {"a":1}', { ok: false, problem: 'not-json' }],
    ['\ufeff{"a":1}', { ok: false, problem: 'not-json' }],
    ['{"a":1', { ok: false, problem: 'not-json' }],
    ['}{', { ok: false, problem: 'not-json' }],
    // brackets that do not pair up, text around the object, pretty-printed and empty objects
    ['[}', { ok: false, problem: 'not-json' }],
    ['["a": 1}', { ok: false, problem: 'not-json' }],
    ['{"k":{]}', { ok: false, problem: 'not-json' }],
    ['{"a":[1,2}}', { ok: false, problem: 'not-json' }],
    ['{"a":1]', { ok: false, problem: 'not-json' }],
    ['{"a":1} "x"', { ok: false, problem: 'not-json' }],
    ['"x" {"a":1}', { ok: false, problem: 'not-json' }],
    [JSON.stringify({ a: [1, { b: 2 }], c: 'd', e: [] }, null, 2), { ok: true, value: { a: [1, { b: 2 }], c: 'd', e: [] } }],
    ['{  }', { ok: true, value: {} }],
  ])('%j in steps of 1 and of 3 bytes → %j', async (text, expected) => {
    expect(wholeParse(text, 32)).toEqual(expected);
    for (const size of [1, 3]) {
      const parsed = parseJsonBody(bytes(text), 32, countingSteps(size));
      if (text.length > size) expect(parsed).toBeInstanceOf(Promise); // a body of one step or less is parsed at once
      expect(await parsed).toEqual(expected);
    }
  });

  it('equals one JSON.parse for any JSON value and for any corruption of it, at any step size', async () => {
    const body = fc.oneof(
      fc.json({ maxDepth: 4 }),
      fc.dictionary(fc.string({ maxLength: 4 }), fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 6 }), { maxKeys: 4 }).map((o) => JSON.stringify(o)),
    );
    const corrupted = fc.tuple(body, fc.nat(), fc.constantFrom('', ',', ':', '[', ']', '{', '}', '"', '\\', ' ', 'x')).map(([text, at, insert]) => {
      const i = at % (text.length + 1);
      return text.slice(0, i) + insert + text.slice(i + (insert === '' ? 1 : 0));
    });
    await fc.assert(
      fc.asyncProperty(fc.oneof(body, corrupted), fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 6 }), async (text, bytesPerStep, maxDepth) => {
        if (text.length <= bytesPerStep) return;
        expect(await parseJsonBody(bytes(text), maxDepth, countingSteps(bytesPerStep))).toEqual(wholeParse(text, maxDepth));
      }),
      { numRuns: 2_000 },
    );
  });
});
