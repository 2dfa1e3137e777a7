import { describe, expect, it } from '@jest/globals';
import { describeFailure, diff, NamespaceRegistry } from '../../src/infisical/config/namespace.registry.js';
import { registerSecretsAs } from '../../src/infisical/config/register-secrets-as.js';
import type { NamespaceChange } from '../../src/infisical/config/secret-namespace.definition.js';
import { InfisicalOptionsError } from '../../src/infisical/errors/options.error.js';

/** Records what the registry hands to ConfigService. */
class FakePublisher {
  readonly namespaces: Array<[string, Record<string, unknown>]> = [];
  readonly changes: Array<[string, readonly NamespaceChange[]]> = [];
  publishNamespace(namespace: string, object: Record<string, unknown>): void {
    this.namespaces.push([namespace, object]);
  }
  publishNamespaceChanges(namespace: string, changes: readonly NamespaceChange[]): void {
    this.changes.push([namespace, changes]);
  }
}

function setUp() {
  const publisher = new FakePublisher();
  const registry = new NamespaceRegistry(publisher);
  const required: Array<[string[], string]> = [];
  const requireKeys = (keys: string[], by: string) => void required.push([keys, by]);
  return { publisher, registry, required, requireKeys };
}

function thrown(run: () => unknown): InfisicalOptionsError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InfisicalOptionsError);
    return error as InfisicalOptionsError;
  }
  throw new Error('expected a throw');
}

const database = registerSecretsAs('database', (s) => ({ url: s.DATABASE_URL as string, pool: Number(s.DATABASE_POOL ?? 5) }));

describe('NamespaceRegistry.register', () => {
  it('builds the object, requires the secrets the factory read and publishes the object under the namespace', () => {
    const { publisher, registry, required, requireKeys } = setUp();
    const object = registry.register(database, { DATABASE_URL: 'postgres://a', OTHER: 'x' }, requireKeys);
    expect(object).toEqual({ url: 'postgres://a', pool: 5 });
    expect(required).toEqual([[['DATABASE_URL', 'DATABASE_POOL'], "registerSecretsAs('database')"]]);
    expect(publisher.namespaces).toEqual([['database', object]]);
    expect(publisher.namespaces[0]![1]).toBe(object);
  });

  it('gives a second registration of the same factory the same object, without building again', () => {
    const { publisher, registry, requireKeys } = setUp();
    let builds = 0;
    const counted = registerSecretsAs('counted', () => ({ n: ++builds }));
    const first = registry.register(counted, {}, requireKeys);
    expect(registry.register(counted, {}, requireKeys)).toBe(first);
    expect(builds).toBe(1);
    expect(publisher.namespaces).toHaveLength(1);
  });

  it('refuses two different factories under one name', () => {
    const { registry, requireKeys } = setUp();
    registry.register(database, { DATABASE_URL: 'u' }, requireKeys);
    const other = registerSecretsAs('database', () => ({}));
    const error = thrown(() => registry.register(other, {}, requireKeys));
    expect(error.problems).toEqual([{ option: "registerSecretsAs('database')", problem: 'is registered twice with different factories: give each namespace its own name' }]);
  });

  it('reports a factory that throws by error class only, after requiring what it read', () => {
    const { publisher, registry, required, requireKeys } = setUp();
    const parsing = registerSecretsAs('parsed', (s) => JSON.parse(s.JSON_CONFIG as string) as object);
    const error = thrown(() => registry.register(parsing, { JSON_CONFIG: '{"password": hunter2' }, requireKeys));
    expect(required).toEqual([[['JSON_CONFIG'], "registerSecretsAs('parsed')"]]);
    expect(error.problems).toEqual([
      { option: "registerSecretsAs('parsed')", problem: 'its factory threw SyntaxError (its message is not shown: it may quote a secret); correct the factory or the secrets it reads' },
    ]);
    expect(error.message).not.toContain('hunter2');
    expect(publisher.namespaces).toEqual([]);
  });

  it.each([
    ['null', null],
    ['an array', ['a']],
    ['a string', 'text'],
    ['undefined', undefined],
  ])('refuses a factory that returns %s', (_label, value) => {
    const { publisher, registry, required, requireKeys } = setUp();
    const bad = registerSecretsAs('bad', (s) => (s.X, value) as object);
    const error = thrown(() => registry.register(bad, { X: '1' }, requireKeys));
    expect(error.problems).toEqual([{ option: "registerSecretsAs('bad')", problem: 'its factory must return an object such as { url: secrets.DATABASE_URL }' }]);
    expect(required).toEqual([[['X'], "registerSecretsAs('bad')"]]);
    expect(publisher.namespaces).toEqual([]);
  });

  it('hands the factory a read-only view that answers "in", keys, spreads and descriptors like the values', () => {
    const { registry, required, requireKeys } = setUp();
    const seen: Record<string, unknown> = {};
    const inspecting = registerSecretsAs('view', (s) => {
      seen.has = 'A' in s;
      seen.hasNot = 'Z' in s;
      seen.keys = Object.keys(s);
      seen.spread = { ...s };
      seen.descriptor = Object.getOwnPropertyDescriptor(s, 'A');
      seen.noDescriptor = Object.getOwnPropertyDescriptor(s, 'Z');
      seen.symbol = (s as unknown as Record<symbol, unknown>)[Symbol.iterator];
      seen.symbolIn = (Symbol.iterator as unknown as string) in s;
      seen.inherited = s.toString;
      return {};
    });
    // The store's values are a null-prototype object.
    registry.register(inspecting, Object.assign(Object.create(null) as object, { A: 'a', B: 'b' }), requireKeys);
    expect(seen).toEqual({
      has: true,
      hasNot: false,
      keys: ['A', 'B'],
      spread: { A: 'a', B: 'b' },
      descriptor: { value: 'a', enumerable: true, configurable: true, writable: false },
      noDescriptor: undefined,
      symbol: undefined,
      symbolIn: false,
      inherited: undefined,
    });
    // The spread read both keys; a symbol is never recorded.
    expect(required[0]![0].sort()).toEqual(['A', 'B', 'toString']);
  });

  it('refuses writes to the secrets from the factory', () => {
    const { registry, requireKeys } = setUp();
    const writing = registerSecretsAs('writing', (s) => {
      (s as Record<string, unknown>).A = 'changed';
      return {};
    });
    const error = thrown(() => registry.register(writing, { A: 'a' }, requireKeys));
    expect(error.problems[0]!.problem).toContain('its factory threw TypeError');
  });
});

describe('NamespaceRegistry.update', () => {
  it('rebuilds each namespace, publishes the changed properties and updates the injected object in place', () => {
    const { publisher, registry, requireKeys } = setUp();
    const object = registry.register(database, { DATABASE_URL: 'u1', DATABASE_POOL: '3' }, requireKeys) as Record<string, unknown>;
    const errors: unknown[] = [];
    registry.update({ DATABASE_URL: 'u2', DATABASE_POOL: '3' }, (...e) => errors.push(e));
    expect(publisher.changes).toEqual([['database', [{ property: 'url', value: 'u2' }]]]);
    expect(object).toEqual({ url: 'u2', pool: 3 });
    expect(errors).toEqual([]);
  });

  it('publishes nothing when no property changed (deep comparison)', () => {
    const { publisher, registry, requireKeys } = setUp();
    const nested = registerSecretsAs('nested', (s) => ({ hosts: [s.HOST], tls: { on: true } }));
    registry.register(nested, { HOST: 'h' }, requireKeys);
    registry.update({ HOST: 'h' }, () => undefined);
    expect(publisher.changes).toEqual([]);
  });

  it('deletes a property the factory no longer returns, and adds a new one', () => {
    const { publisher, registry, requireKeys } = setUp();
    const optional = registerSecretsAs('optional', (s) => (s.EXTRA ? { base: s.BASE, extra: s.EXTRA } : { base: s.BASE, fallback: true }));
    const object = registry.register(optional, { BASE: 'b', EXTRA: 'e' }, requireKeys) as Record<string, unknown>;
    registry.update({ BASE: 'b' }, () => undefined);
    expect(object).toEqual({ base: 'b', fallback: true });
    expect(Object.hasOwn(object, 'extra')).toBe(false);
    expect(publisher.changes).toEqual([
      [
        'optional',
        [
          { property: 'extra', value: undefined },
          { property: 'fallback', value: true },
        ],
      ],
    ]);
  });

  it('keeps the last object of a factory that throws, reports it, and still updates the others', () => {
    const { publisher, registry, requireKeys } = setUp();
    const fragile = registerSecretsAs('fragile', (s) => ({ parsed: JSON.parse(s.JSON as string) as unknown }));
    const kept = registry.register(fragile, { JSON: '{"a":1}', DATABASE_URL: 'u1' }, requireKeys);
    const db = registry.register(database, { DATABASE_URL: 'u1' }, requireKeys) as Record<string, unknown>;
    const errors: Array<[string, unknown]> = [];
    registry.update({ JSON: 'not json', DATABASE_URL: 'u2' }, (namespace, error) => errors.push([namespace, error]));
    expect(errors).toHaveLength(1);
    expect(errors[0]![0]).toBe('fragile');
    expect(errors[0]![1]).toBeInstanceOf(SyntaxError);
    expect(kept).toEqual({ parsed: { a: 1 } });
    expect(db.url).toBe('u2');
    expect(publisher.changes.map(([name]) => name)).toEqual(['database']);
  });
});

describe('describeFailure', () => {
  it('names the error class, never the message', () => {
    class SecretParseError extends Error {}
    expect(describeFailure(new SecretParseError('value was hunter2'))).toBe('SecretParseError (its message is not shown: it may quote a secret)');
    expect(describeFailure(new TypeError('x'))).toBe('TypeError (its message is not shown: it may quote a secret)');
  });

  it('falls back to the error name for an anonymous class, and to typeof for anything else', () => {
    const anonymous = new (class extends Error {})('m');
    anonymous.name = 'Custom';
    expect(describeFailure(anonymous)).toBe('Custom (its message is not shown: it may quote a secret)');
    expect(describeFailure('hunter2')).toBe('string (its message is not shown: it may quote a secret)');
    expect(describeFailure({ message: 'hunter2' })).toBe('object (its message is not shown: it may quote a secret)');
  });
});

describe('diff', () => {
  it('lists changed, added and removed properties, comparing deeply', () => {
    expect(diff({ a: 1, b: { c: [1] }, gone: 'x' }, { a: 2, b: { c: [1] }, added: 'y' })).toEqual([
      { property: 'a', value: 2 },
      { property: 'gone', value: undefined },
      { property: 'added', value: 'y' },
    ]);
    expect(diff({ a: '1' }, { a: 1 })).toEqual([{ property: 'a', value: 1 }]);
    expect(diff({}, {})).toEqual([]);
  });
});
