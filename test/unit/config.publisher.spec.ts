import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { ConfigService } from '@nestjs/config';
import { ConfigPublisher, withProcessEnvUnchanged } from '../../src/infisical/config/config.publisher.js';
import { LogCapture } from '../support/log-capture.js';

/** Keys of this spec only (the publisher works on the real process.env: ConfigService.set writes into it). */
const K = (name: string) => `PUBLISHER_SPEC_${name}`;

interface Change {
  path: unknown;
  oldValue: unknown;
  newValue: unknown;
}

function setUp(options: { host?: boolean; service?: boolean } = {}) {
  const host: Record<string, unknown> = {};
  const service = options.service === false ? undefined : new ConfigService(host);
  const events: Change[] = [];
  service?.changes$.subscribe((e) => events.push(e as Change));
  const logger = new LogCapture(false);
  const publisher = new ConfigPublisher(service, options.host === false ? undefined : host, logger);
  return { host, service: service!, events, logger, publisher };
}

const envBefore = { ...process.env };
afterEach(() => {
  for (const key of Object.keys(process.env)) if (key.startsWith('PUBLISHER_SPEC_') || key.includes('.')) if (!(key in envBefore)) delete process.env[key];
});

describe('ConfigPublisher.publishInitial', () => {
  it('puts every key into the object behind ConfigService, without change events or process.env writes', () => {
    const { host, service, events, publisher } = setUp();
    publisher.publishInitial({ [K('URL')]: 'postgres://db', [K('PORT')]: 5432 });
    expect(service.get(K('URL'))).toBe('postgres://db');
    expect(service.get(K('PORT'))).toBe(5432);
    expect(Object.getOwnPropertyDescriptor(host, K('URL'))).toEqual({ value: 'postgres://db', writable: true, enumerable: true, configurable: true });
    expect(events).toEqual([]);
    expect(process.env[K('URL')]).toBeUndefined();
  });

  it('replaces a value the host already held', () => {
    const { host, publisher } = setUp();
    Object.defineProperty(host, K('URL'), { value: 'old', writable: true, enumerable: true, configurable: true });
    publisher.publishInitial({ [K('URL')]: 'new' });
    expect(host[K('URL')]).toBe('new');
  });

  it('stores a path-like key flat: get("a.b") is the secret and get("a") is untouched', () => {
    const { service, publisher } = setUp();
    publisher.publishInitial({ 'spec.a.b': 'flat', 'list[0]': 'item' });
    expect(service.get('spec.a.b')).toBe('flat');
    expect(service.get('list[0]')).toBe('item');
    expect(service.get('spec')).toBeUndefined();
  });

  it('never publishes _PROCESS_ENV_VALIDATED and warns once, naming the key and not the value', () => {
    const { host, logger, publisher } = setUp();
    publisher.publishInitial({ _PROCESS_ENV_VALIDATED: 'value-of-the-secret', [K('A')]: 'a' });
    publisher.publishInitial({ _PROCESS_ENV_VALIDATED: 'value-of-the-secret' });
    expect(Object.hasOwn(host, '_PROCESS_ENV_VALIDATED')).toBe(false);
    expect(host[K('A')]).toBe('a');
    expect(logger.lines).toEqual([
      {
        level: 'warn',
        context: undefined,
        text: 'Secret "_PROCESS_ENV_VALIDATED" is not published to ConfigService: @nestjs/config reserves that name. Read it with SecretStore.get, or rename it in Infisical.',
      },
    ]);
  });

  it('without the configuration object, goes through ConfigService.set (one event per key), leaving process.env as it was', () => {
    const { service, events, publisher } = setUp({ host: false });
    process.env[K('KEPT')] = 'operator';
    publisher.publishInitial({ [K('URL')]: 'u', [K('KEPT')]: 'secret', 'spec.x': 1, _PROCESS_ENV_VALIDATED: 'v' });
    expect(events.map((e) => e.path)).toEqual([K('URL'), K('KEPT'), ['spec.x']]);
    expect(service.get(K('URL'))).toBe('u');
    expect(service.get('spec.x')).toBe(1);
    expect(process.env[K('URL')]).toBeUndefined();
    expect(process.env[K('KEPT')]).toBe('operator');
    expect(process.env['spec.x']).toBeUndefined();
  });

  it('without ConfigService nor its object, does nothing', () => {
    const { publisher, host } = setUp({ host: false, service: false });
    expect(() => publisher.publishInitial({ [K('URL')]: 'u' })).not.toThrow();
    expect(host).toEqual({});
  });
});

describe('ConfigPublisher.publishChanges', () => {
  it("gives as oldValue what ConfigService.get returned: the published value, else the environment's, else a prototype member's", () => {
    const { host, events, publisher } = setUp();
    publisher.publishInitial({ [K('A')]: 'a1' });
    host[K('EMPTY')] = undefined;
    process.env[K('EMPTY')] = 'from-env';
    process.env[K('ENV_ONLY')] = 'env-only';
    publisher.publishChanges([K('A'), K('EMPTY'), K('ENV_ONLY'), 'toString'], { [K('A')]: 'a2', [K('EMPTY')]: 'e', [K('ENV_ONLY')]: 'x', toString: 't' });
    expect(events.map((e) => [e.path, e.oldValue])).toEqual([
      [K('A'), 'a1'],
      [K('EMPTY'), 'from-env'],
      [K('ENV_ONLY'), 'env-only'],
      ['toString', Object.prototype.toString],
    ]);
    expect(Object.hasOwn(host, 'toString')).toBe(true);
  });

  it('sets each changed key (removed ones become undefined), one changes$ event each', () => {
    const { service, events, publisher } = setUp();
    publisher.publishInitial({ [K('A')]: 'a1', [K('B')]: 'b1' });
    publisher.publishChanges([K('A'), K('B')], { [K('A')]: 'a2' });
    expect(events).toEqual([
      { path: K('A'), oldValue: 'a1', newValue: 'a2' },
      { path: K('B'), oldValue: 'b1', newValue: undefined },
    ]);
    expect(service.get(K('A'))).toBe('a2');
    expect(service.get(K('B'))).toBeUndefined();
    expect(process.env[K('A')]).toBeUndefined();
  });

  it('reads only own properties of the values (a key named "toString" is not the prototype\'s function)', () => {
    const { events, publisher } = setUp();
    publisher.publishChanges(['toString'], {});
    expect(events.map((e) => [e.path, e.newValue])).toEqual([['toString', undefined]]);
  });

  it('sets a path-like key as one flat key', () => {
    const { service, events, publisher } = setUp();
    publisher.publishChanges(['spec.a.b'], { 'spec.a.b': 'v2' });
    expect(events.map((e) => e.path)).toEqual([['spec.a.b']]);
    expect(service.get('spec.a.b')).toBe('v2');
    expect(service.get('spec')).toBeUndefined();
  });

  it('skips _PROCESS_ENV_VALIDATED (with the one warning)', () => {
    const { events, logger, publisher } = setUp();
    publisher.publishChanges(['_PROCESS_ENV_VALIDATED', K('A')], { _PROCESS_ENV_VALIDATED: 'x', [K('A')]: 'a' });
    publisher.publishChanges(['_PROCESS_ENV_VALIDATED'], { _PROCESS_ENV_VALIDATED: 'y' });
    expect(events.map((e) => e.path)).toEqual([K('A')]);
    expect(logger.find('warn', '_PROCESS_ENV_VALIDATED')).toHaveLength(1);
  });

  it('without ConfigService, does nothing', () => {
    const { publisher } = setUp({ service: false });
    expect(() => publisher.publishChanges([K('A')], { [K('A')]: 'a' })).not.toThrow();
    expect(process.env[K('A')]).toBeUndefined();
  });
});

describe('ConfigPublisher namespaces', () => {
  it('publishNamespace puts the object itself under the namespace, without an event', () => {
    const { host, service, events, publisher } = setUp();
    const object = { url: 'postgres://db' };
    publisher.publishNamespace('database', object);
    expect(host.database).toBe(object);
    expect(Object.getOwnPropertyDescriptor(host, 'database')).toEqual({ value: object, writable: true, enumerable: true, configurable: true });
    expect(service.get('database.url')).toBe('postgres://db');
    expect(events).toEqual([]);
  });

  it('publishNamespace without the configuration object sets it through ConfigService', () => {
    const { service, events, publisher } = setUp({ host: false });
    const object = { url: 'postgres://db' };
    publisher.publishNamespace('database', object);
    expect(service.get('database')).toBe(object);
    expect(events).toEqual([{ path: ['database'], oldValue: undefined, newValue: object }]);
    expect(process.env.database).toBeUndefined();
  });

  it('publishNamespace without either does nothing', () => {
    const { publisher } = setUp({ host: false, service: false });
    expect(() => publisher.publishNamespace('database', {})).not.toThrow();
  });

  it('publishNamespaceChanges sets "<namespace>.<property>" for each change, leaving process.env alone', () => {
    const { service, events, publisher } = setUp();
    publisher.publishNamespace('database', { url: 'a', pool: 1 });
    publisher.publishNamespaceChanges('database', [
      { property: 'url', value: 'b' },
      { property: 'pool', value: undefined },
    ]);
    expect(events).toEqual([
      { path: 'database.url', oldValue: 'a', newValue: 'b' },
      { path: 'database.pool', oldValue: 1, newValue: undefined },
    ]);
    expect(service.get('database.url')).toBe('b');
    expect(process.env['database.url']).toBeUndefined();
  });

  it('publishNamespaceChanges without ConfigService does nothing', () => {
    const { publisher } = setUp({ service: false });
    expect(() => publisher.publishNamespaceChanges('database', [{ property: 'url', value: 'b' }])).not.toThrow();
  });
});

describe('withProcessEnvUnchanged', () => {
  it('restores added, changed and deleted variables', () => {
    process.env[K('CHANGED')] = 'before';
    process.env[K('DELETED')] = 'kept';
    withProcessEnvUnchanged(() => {
      process.env[K('ADDED')] = 'x';
      process.env[K('CHANGED')] = 'after';
      delete process.env[K('DELETED')];
    });
    expect(process.env[K('ADDED')]).toBeUndefined();
    expect(Object.hasOwn(process.env, K('ADDED'))).toBe(false);
    expect(process.env[K('CHANGED')]).toBe('before');
    expect(process.env[K('DELETED')]).toBe('kept');
  });

  it('restores the environment when the change throws, and lets the error through', () => {
    expect(() =>
      withProcessEnvUnchanged(() => {
        process.env[K('ADDED')] = 'x';
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(process.env[K('ADDED')]).toBeUndefined();
  });
});

describe('ConfigPublisher: a refresh written at once, announced after', () => {
  it('writes every changed key before the first changes$ event (a subscriber never reads a mix)', () => {
    const { service, publisher } = setUp();
    publisher.publishInitial({ [K('A')]: 'a1', [K('B')]: 'b1' });
    const seen: unknown[] = [];
    service.changes$.subscribe(() => seen.push([service.get(K('A')), service.get(K('B'))]));
    publisher.publishChanges([K('A'), K('B')], { [K('A')]: 'a2', [K('B')]: 'b2' });
    expect(seen).toEqual([
      ['a2', 'b2'],
      ['a2', 'b2'],
    ]);
  });

  it('writes each key as a plain own property, a key named __proto__ included', () => {
    const { host, service, publisher } = setUp();
    publisher.publishChanges(['__proto__', K('A')], JSON.parse(`{"__proto__": "p-value", "${K('A')}": "a"}`));
    expect(Object.getOwnPropertyDescriptor(host, '__proto__')).toEqual({ value: 'p-value', writable: true, enumerable: true, configurable: true });
    expect(Object.getPrototypeOf(host)).toBe(Object.prototype);
    expect(service.get(K('A'))).toBe('a');
  });

  it('batch holds every event back until the batch ends, keys first, then namespace properties', () => {
    const { service, events, publisher } = setUp();
    publisher.publishInitial({ [K('A')]: 'a1' });
    publisher.publishNamespace('database', { url: 'u1' });
    const during: number[] = [];
    publisher.batch(() => {
      publisher.publishChanges([K('A')], { [K('A')]: 'a2' });
      during.push(events.length);
      publisher.publishNamespaceChanges('database', [{ property: 'url', value: 'u2' }]);
      during.push(events.length);
      expect(service.get('database.url')).toBe('u2');
      expect(service.get(K('A'))).toBe('a2');
    });
    expect(during).toEqual([0, 0]);
    expect(events).toEqual([
      { path: K('A'), oldValue: 'a1', newValue: 'a2' },
      { path: 'database.url', oldValue: 'u1', newValue: 'u2' },
    ]);
  });

  it('a batch inside a batch runs at once; its events wait for the outer one', () => {
    const { events, publisher } = setUp();
    publisher.batch(() => {
      publisher.batch(() => publisher.publishChanges([K('A')], { [K('A')]: 'a' }));
      expect(events).toEqual([]);
    });
    expect(events.map((e) => e.path)).toEqual([K('A')]);
  });

  it('a batch that throws emits nothing and leaves no batch open', () => {
    const { events, publisher } = setUp();
    expect(() =>
      publisher.batch(() => {
        publisher.publishChanges([K('A')], { [K('A')]: 'a' });
        throw new Error('factory broke');
      }),
    ).toThrow('factory broke');
    expect(events).toEqual([]);
    publisher.publishChanges([K('B')], { [K('B')]: 'b' });
    expect(events.map((e) => e.path)).toEqual([K('B')]);
  });

  it('never touches process.env on the direct path, not even for a moment', () => {
    const { service, publisher } = setUp();
    const seen: Array<string | undefined> = [];
    service.changes$.subscribe(() => seen.push(process.env[K('A')]));
    publisher.publishChanges([K('A')], { [K('A')]: 'secret-a' });
    expect(seen).toEqual([undefined]);
  });

  it('with ConfigModule cache: true, goes through ConfigService.set (the cache is updated) and restores process.env', () => {
    const { service, events, publisher } = setUp();
    (service as unknown as { isCacheEnabled: boolean }).isCacheEnabled = true;
    publisher.publishChanges([K('A')], { [K('A')]: 'cached-a' });
    expect((service as unknown as { cache: Record<string, unknown> }).cache[K('A')]).toBe('cached-a');
    expect(events.map((e) => e.path)).toEqual([K('A')]);
    expect(process.env[K('A')]).toBeUndefined();
  });

  it('with a ConfigService that has no changes$ subject, goes through ConfigService.set', () => {
    const host: Record<string, unknown> = {};
    const set = jest.fn();
    const service = { set, get: () => undefined } as unknown as ConfigService;
    const publisher = new ConfigPublisher(service, host, new LogCapture(false));
    publisher.publishChanges([K('A')], { [K('A')]: 'a' });
    publisher.publishNamespaceChanges('database', [{ property: 'url', value: 'u' }]);
    expect(set.mock.calls).toEqual([
      [K('A'), 'a'],
      ['database.url', 'u'],
    ]);
    expect(host).toEqual({});
  });

  it('publishNamespaceChanges without the configuration object goes through ConfigService.set', () => {
    const { service, events, publisher } = setUp({ host: false });
    publisher.publishNamespaceChanges('database', [{ property: 'url', value: 'u' }]);
    expect(service.get('database.url')).toBe('u');
    expect(events.map((e) => e.path)).toEqual(['database.url']);
    expect(process.env['database.url']).toBeUndefined();
  });

  it('a namespace the configuration object does not hold is set through ConfigService', () => {
    const { service, events, publisher } = setUp();
    publisher.publishNamespaceChanges('elsewhere', [{ property: 'url', value: 'u' }]);
    expect(service.get('elsewhere.url')).toBe('u');
    expect(events).toEqual([{ path: 'elsewhere.url', oldValue: undefined, newValue: 'u' }]);
    expect(process.env['elsewhere.url']).toBeUndefined();
  });
});
