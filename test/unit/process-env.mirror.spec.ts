import { describe, expect, it } from '@jest/globals';
import { attachProcessEnvMirror, ProcessEnvMirror } from '../../src/infisical/config/process-env.mirror.js';

const reader = (values: Record<string, unknown>) => (key: string) => values[key];

describe('ProcessEnvMirror', () => {
  it('writes the listed keys only, as strings (other types as JSON)', () => {
    const env: NodeJS.ProcessEnv = { UNRELATED: 'u' };
    const mirror = new ProcessEnvMirror(['URL', 'PORT', 'FLAGS', 'ON'], env);
    mirror.apply(reader({ URL: 'postgres://db', PORT: 5432, FLAGS: { a: [1] }, ON: true, NOT_LISTED: 'secret' }));
    expect(env).toEqual({ UNRELATED: 'u', URL: 'postgres://db', PORT: '5432', FLAGS: '{"a":[1]}', ON: 'true' });
  });

  it('after a refresh, writes only the listed keys that changed', () => {
    const env: NodeJS.ProcessEnv = {};
    const mirror = new ProcessEnvMirror(['A', 'B'], env);
    const values: Record<string, unknown> = { A: 'a1', B: 'b1' };
    mirror.apply(reader(values));
    values.A = 'a2';
    values.B = 'b2';
    mirror.apply(reader(values), new Set(['B', 'C']));
    expect(env).toEqual({ A: 'a1', B: 'b2' });
  });

  it('puts the original value back when a key disappears from the configuration (or removes it if there was none)', () => {
    const env: NodeJS.ProcessEnv = { A: 'operator-a' };
    const mirror = new ProcessEnvMirror(['A', 'B'], env);
    const values: Record<string, unknown> = { A: 'secret-a', B: 'secret-b' };
    mirror.apply(reader(values));
    expect(env).toEqual({ A: 'secret-a', B: 'secret-b' });
    mirror.apply(reader({}), new Set(['A', 'B']));
    expect(env).toEqual({ A: 'operator-a' });
    expect(Object.hasOwn(env, 'B')).toBe(false);
  });

  it('restores what the environment held before the first write, on shutdown', () => {
    const env: NodeJS.ProcessEnv = { A: 'operator-a' };
    const mirror = new ProcessEnvMirror(['A', 'B'], env);
    mirror.apply(reader({ A: 'v1', B: 'v1' }));
    mirror.apply(reader({ A: 'v2', B: 'v2' }));
    mirror.restore();
    expect(env).toEqual({ A: 'operator-a' });
  });

  it('forgets the originals once restored: a second restore changes nothing, a later apply remembers afresh', () => {
    const env: NodeJS.ProcessEnv = { A: 'operator-a' };
    const mirror = new ProcessEnvMirror(['A'], env);
    mirror.apply(reader({ A: 'v1' }));
    mirror.restore();
    env.A = 'set-after-shutdown';
    mirror.restore();
    expect(env.A).toBe('set-after-shutdown');
    mirror.apply(reader({ A: 'v2' }));
    mirror.restore();
    expect(env.A).toBe('set-after-shutdown');
  });

  it('writes process.env by default', () => {
    const key = 'PROCESS_ENV_MIRROR_SPEC_KEY';
    const mirror = new ProcessEnvMirror([key]);
    try {
      mirror.apply(reader({ [key]: 'mirrored' }));
      expect(process.env[key]).toBe('mirrored');
      mirror.restore();
      expect(Object.hasOwn(process.env, key)).toBe(false);
    } finally {
      delete process.env[key];
    }
  });
});

/** The part of the store the mirror follows: reads, change events and the close hook. */
class FakeStore {
  readonly values: Record<string, unknown>;
  readonly listeners: Array<(changed: ReadonlySet<string>) => void> = [];
  readonly closers: Array<() => void> = [];
  constructor(values: Record<string, unknown>) {
    this.values = values;
  }
  get(key: string): unknown {
    return this.values[key];
  }
  onChange(listener: (changed: ReadonlySet<string>) => void): void {
    this.listeners.push(listener);
  }
  onClose(close: () => void): void {
    this.closers.push(close);
  }
  refresh(values: Record<string, unknown>): void {
    Object.assign(this.values, values);
    for (const listener of this.listeners) listener(new Set(Object.keys(values)));
  }
}

describe('attachProcessEnvMirror', () => {
  it('mirrors now, after every refresh that changes a listed key, and restores on close', () => {
    const env: NodeJS.ProcessEnv = { TOKEN: 'operator' };
    const store = new FakeStore({ TOKEN: 't1', OTHER: 'o1' });
    attachProcessEnvMirror(store, ['TOKEN'], env);
    expect(env).toEqual({ TOKEN: 't1' });
    store.refresh({ TOKEN: 't2', OTHER: 'o2' });
    expect(env).toEqual({ TOKEN: 't2' });
    store.refresh({ TOKEN: undefined });
    expect(env).toEqual({ TOKEN: 'operator' });
    store.refresh({ TOKEN: 't3' });
    expect(store.closers).toHaveLength(1);
    store.closers[0]!();
    expect(env).toEqual({ TOKEN: 'operator' });
  });

  it('does not follow the store when no key is listed', () => {
    const store = new FakeStore({ TOKEN: 't1' });
    attachProcessEnvMirror(store, [], {});
    expect(store.listeners).toEqual([]);
    expect(store.closers).toEqual([]);
  });
});
