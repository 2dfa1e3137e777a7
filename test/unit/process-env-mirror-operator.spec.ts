/** The process.env mirror never reads its own writes back as the operator's values, and never cuts a value. */
import { describe, expect, it } from '@jest/globals';
import { attachProcessEnvMirror, ProcessEnvMirror } from '../../src/infisical/config/process-env.mirror.js';

const reader = (values: Record<string, unknown>) => (key: string) => values[key];

describe('ProcessEnvMirror: the operator view', () => {
  it('until the mirror writes a key, what the environment holds is the operator value', () => {
    const env: NodeJS.ProcessEnv = { A: 'operator-a' };
    const mirror = new ProcessEnvMirror(['A', 'B'], env);
    env.A = 'written by someone before the first apply';
    mirror.apply(reader({ A: 'secret-a', B: 'secret-b' }));
    expect(mirror.operatorValue('A')).toBe('written by someone before the first apply');
    expect(mirror.operatorValue('B')).toBeUndefined();
  });

  it('hides its own writes: the view holds the operator values of the mirrored keys, the rest as it is', () => {
    const env: NodeJS.ProcessEnv = { A: 'operator-a', OTHER: 'o' };
    const mirror = new ProcessEnvMirror(['A', 'B'], env);
    mirror.apply(reader({ A: 'secret-a', B: 'secret-b' }));
    expect(env).toEqual({ A: 'secret-a', B: 'secret-b', OTHER: 'o' });
    const view = mirror.operatorView(env);
    expect(view).toEqual({ A: 'operator-a', OTHER: 'o' });
    expect(Object.hasOwn(view, 'B')).toBe(false);
    expect(view).not.toBe(env);
    expect(env.A).toBe('secret-a');
  });

  it('a value the operator sets after a write is the new operator value (and what shutdown leaves)', () => {
    const env: NodeJS.ProcessEnv = {};
    const mirror = new ProcessEnvMirror(['A'], env);
    mirror.apply(reader({ A: 'secret-a' }));
    env.A = 'operator-later';
    expect(mirror.operatorView(env)).toEqual({ A: 'operator-later' });
    mirror.apply(reader({ A: 'secret-a2' }), new Set(['A']));
    expect(env.A).toBe('secret-a2');
    expect(mirror.operatorValue('A')).toBe('operator-later');
    mirror.restore();
    expect(env.A).toBe('operator-later');
  });

  it('a key that disappears gets the operator value back, and the view still shows it after', () => {
    const env: NodeJS.ProcessEnv = { A: 'operator-a' };
    const mirror = new ProcessEnvMirror(['A'], env);
    mirror.apply(reader({ A: 'secret-a' }));
    mirror.apply(reader({}), new Set(['A']));
    expect(env.A).toBe('operator-a');
    env.A = 'operator-edit';
    expect(mirror.operatorView(env)).toEqual({ A: 'operator-edit' });
    mirror.restore();
    expect(env.A).toBe('operator-edit');
  });

  it('an operator who unsets the variable after the mirror gave it back leaves no operator value', () => {
    const env: NodeJS.ProcessEnv = { A: 'operator-a' };
    const mirror = new ProcessEnvMirror(['A'], env);
    mirror.apply(reader({ A: 'secret-a' }));
    mirror.apply(reader({}), new Set(['A']));
    delete env.A;
    expect(mirror.operatorValue('A')).toBeUndefined();
    expect(mirror.operatorView(env)).toEqual({});
  });

  it('another environment than the one written to, or no mirrored key: the view is the environment itself', () => {
    const written: NodeJS.ProcessEnv = {};
    const other: NodeJS.ProcessEnv = { A: 'x' };
    expect(new ProcessEnvMirror(['A'], written).operatorView(other)).toBe(other);
    expect(new ProcessEnvMirror([], written).operatorView(written)).toBe(written);
  });

  it('reads and writes process.env by default', () => {
    const key = 'PROCESS_ENV_MIRROR_OPERATOR_SPEC';
    process.env[key] = 'operator';
    try {
      const mirror = new ProcessEnvMirror([key]);
      mirror.apply(reader({ [key]: 'secret' }));
      expect(process.env[key]).toBe('secret');
      expect(mirror.operatorView(process.env)[key]).toBe('operator');
    } finally {
      delete process.env[key];
    }
  });

  it('refuses to cut a value at a NUL character: throws naming the key, the environment keeps the last value', () => {
    const env: NodeJS.ProcessEnv = {};
    const mirror = new ProcessEnvMirror(['A'], env);
    mirror.apply(reader({ A: 'good' }));
    expect(() => mirror.apply(reader({ A: 'bad\0tail' }), new Set(['A']))).toThrow(/^A contains a NUL character/);
    expect(env.A).toBe('good');
    expect(() => mirror.apply(reader({ A: { nested: 'a\0b' } }), new Set(['A']))).not.toThrow();
    expect(env.A).toBe('{"nested":"a\\u0000b"}');
  });
});

describe('attachProcessEnvMirror with a mirror built earlier', () => {
  it('uses the given mirror, so the operator values are those captured before bootstrap', () => {
    const env: NodeJS.ProcessEnv = { A: 'operator-a' };
    const mirror = new ProcessEnvMirror(['A'], env);
    const closers: Array<() => void> = [];
    const store = { get: (key: string) => (key === 'A' ? 'secret' : undefined), onChange: () => undefined, onClose: (close: () => void) => closers.push(close) };
    attachProcessEnvMirror(store, ['A'], undefined, mirror);
    expect(env.A).toBe('secret');
    expect(mirror.operatorValue('A')).toBe('operator-a');
    closers.forEach((close) => close());
    expect(env.A).toBe('operator-a');
  });
});
