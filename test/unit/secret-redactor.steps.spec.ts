import { describe, expect, it } from '@jest/globals';
import { SecretRedactor } from '../../src/infisical/redaction/secret-redactor.js';

/** A pause that records how much was left to do when it was reached. */
function recorder(redactor: SecretRedactor) {
  const left: number[] = [];
  return { left, pause: async () => void left.push(redactor.pending) };
}

describe('SecretRedactor: work that follows what changed, in steps', () => {
  it('replace only takes the list; catchUp counts it in one step, then indexes the new values perStep at a time', async () => {
    const redactor = new SecretRedactor();
    redactor.replace('secrets', ['value-a1', 'value-a2']);
    expect(redactor.pending).toBe(2);
    await redactor.catchUp(10, async () => undefined);
    expect(redactor.pending).toBe(0);
    redactor.replace('secrets', ['value-a1', 'value-a2', 'value-b1', 'value-b2', 'value-b3']);
    expect(redactor.pending).toBe(5);
    const { left, pause } = recorder(redactor);
    await redactor.catchUp(2, pause);
    // the generation is counted (3 values are new), then indexed 2 + 1
    expect(left).toEqual([3, 1]);
    expect(redactor.pending).toBe(0);
    expect(redactor.redact('value-b3 value-a1')).toBe('[REDACTED] [REDACTED]');
  });

  it('with nothing to do, catchUp does not pause', async () => {
    const redactor = new SecretRedactor();
    const { left, pause } = recorder(redactor);
    await redactor.catchUp(1, pause);
    expect(left).toEqual([]);
  });

  it('redact applies whatever is still queued before masking', () => {
    const redactor = new SecretRedactor();
    redactor.replace('secrets', ['queued-value']);
    expect(redactor.redact('a queued-value b')).toBe('a [REDACTED] b');
    expect(redactor.pending).toBe(0);
  });

  it('size counts queued generations too', () => {
    const redactor = new SecretRedactor();
    redactor.replace('secrets', ['value-one', 'value-two', 'value-one']);
    expect(redactor.size).toBe(2);
  });

  it('add after replace goes into the new generation (kept as long as it is)', () => {
    const redactor = new SecretRedactor();
    redactor.replace('secrets', ['first-gen-value']);
    redactor.add('secrets', 'added-value');
    for (const next of ['gen-2-value', 'gen-3-value', 'gen-4-value']) redactor.replace('secrets', [next]);
    expect(redactor.redact('added-value first-gen-value')).toBe('[REDACTED] [REDACTED]');
    redactor.replace('secrets', ['gen-5-value']);
    expect(redactor.redact('added-value first-gen-value')).toBe('added-value first-gen-value');
  });

  it('a value held by two groups stays masked until both forget it', () => {
    const redactor = new SecretRedactor();
    redactor.add('tokens', 'shared-value');
    redactor.replace('secrets', ['shared-value']);
    for (let i = 0; i < 5; i++) redactor.replace('secrets', [`other-value-${i}`]);
    expect(redactor.redact('shared-value')).toBe('[REDACTED]');
    expect(redactor.size).toBe(5);
  });

  it('a value forgotten by every generation is no longer masked, in any form', () => {
    const redactor = new SecretRedactor();
    redactor.replace('secrets', ['a "quoted" value/x']);
    for (let i = 0; i < 4; i++) redactor.replace('secrets', [`later-value-${i}`]);
    expect(redactor.redact('a "quoted" value/x')).toBe('a "quoted" value/x');
    expect(redactor.redact('a \\"quoted\\" value/x')).toBe('a \\"quoted\\" value/x');
    expect(redactor.redact(encodeURIComponent('a "quoted" value/x'))).toBe(encodeURIComponent('a "quoted" value/x'));
    expect(redactor.size).toBe(4);
  });

  it("a value whose plain form is another value's escaped form stays masked while either is", () => {
    const redactor = new SecretRedactor();
    redactor.replace('secrets', ['line\nbreak', 'line\\nbreak']);
    expect(redactor.redact('x line\\nbreak y')).toBe('x [REDACTED] y');
    redactor.replace('secrets', ['line\\nbreak']);
    for (let i = 0; i < 3; i++) redactor.replace('secrets', ['line\\nbreak', `other-value-${i}`]);
    expect(redactor.redact('x line\\nbreak y')).toBe('x [REDACTED] y');
    expect(redactor.redact('x line\nbreak y')).toBe('x line\nbreak y');
  });

  it('a value cut off by the end of the text is found again after the values sharing its start changed', () => {
    const redactor = new SecretRedactor();
    redactor.replace('secrets', ['https://one.example/secret-path']);
    expect(redactor.redact('see https://one.example/sec')).toBe('see [REDACTED]');
    redactor.replace('secrets', ['https://two.example/other-path']);
    expect(redactor.redact('see https://two.example/oth')).toBe('see [REDACTED]');
    expect(redactor.redact('see https://three.example')).toBe('see https://three.example');
  });

  it('the longest of several values at one place wins, whatever the order they came in', () => {
    const redactor = new SecretRedactor();
    redactor.replace('secrets', ['abcdef-long-value', 'abcdef']);
    expect(redactor.redact('x abcdef-long-value y abcdef-other')).toBe('x [REDACTED] y [REDACTED]-other');
    redactor.replace('secrets', ['abcdef']);
    for (let i = 0; i < 3; i++) redactor.replace('secrets', ['abcdef', `other-value-${i}`]);
    expect(redactor.redact('x abcdef-long-value')).toBe('x [REDACTED]-long-value');
  });

  it('replace keeps only values long enough to mask', () => {
    const redactor = new SecretRedactor();
    redactor.replace('secrets', ['abc', 'long-enough-value']);
    expect(redactor.size).toBe(1);
  });

  it('a value added before any replace is forgotten with its generation', () => {
    const redactor = new SecretRedactor();
    redactor.add('secrets', 'early-value');
    for (let i = 0; i < 4; i++) redactor.replace('secrets', [`later-value-${i}`]);
    expect(redactor.redact('early-value')).toBe('early-value');
  });

  it('a value held by two generations is forgotten once both are', () => {
    const redactor = new SecretRedactor();
    redactor.replace('secrets', ['kept-twice-value']);
    redactor.replace('secrets', ['kept-twice-value', 'another-value']);
    for (let i = 0; i < 3; i++) redactor.replace('secrets', [`later-value-${i}`]);
    expect(redactor.redact('kept-twice-value')).toBe('[REDACTED]');
    redactor.replace('secrets', ['last-value']);
    expect(redactor.redact('kept-twice-value')).toBe('kept-twice-value');
  });
});

