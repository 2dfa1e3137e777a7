import { describe, expect, it } from '@jest/globals';
import { NamespaceRegistry } from '../../src/infisical/config/namespace.registry.js';
import { registerSecretsAs } from '../../src/infisical/config/register-secrets-as.js';
import { ChangeFanout } from '../../src/infisical/store/change-fanout.js';
import { SecretSnapshot } from '../../src/infisical/store/secret-snapshot.js';
import { RecordingPublisher } from '../support/fakes/config-publisher.fake.js';
import { snapshotOf } from '../support/fakes/secret-snapshot.fake.js';
import { RecordingLogger } from '../support/fakes/store-logger.fake.js';

/** A fan-out whose publisher, log and listeners all write to one ordered record. */
function setup() {
  const events: string[] = [];
  const publisher = new RecordingPublisher();
  const logger = new RecordingLogger();
  const originalChanges = publisher.publishChanges.bind(publisher);
  publisher.publishChanges = (changed, values) => {
    events.push(`publish ${[...changed].join(',')}`);
    originalChanges(changed, values);
  };
  const originalWrite = logger.write.bind(logger);
  logger.write = (level, message) => {
    events.push(`${level} ${message}`);
    originalWrite(level, message);
  };
  const namespaces = new NamespaceRegistry(publisher.asPublisher);
  const fanout = new ChangeFanout(publisher.asPublisher, namespaces, logger.asLogger);
  return { events, publisher, logger, namespaces, fanout };
}

describe('ChangeFanout', () => {
  it('logs the changed keys by name and version, publishes them, then calls the listeners, in that order', () => {
    const { events, fanout, publisher } = setup();
    fanout.subscribe((keys) => events.push(`listener ${[...keys].join(',')}`));
    const snapshot = snapshotOf({ B: 'two', A: 'one' }, 'infisical', 0, 4);
    fanout.announce(new Set(['B', 'A']), snapshot);
    expect(events).toEqual(['log Infisical refresh: 2 key(s) changed: A (v4), B (v4)', 'publish B,A', 'listener B,A']);
    expect(publisher.calls[0]!.values).toBe(snapshot.values);
  });

  it('labels a key without a version by its source, and a key that is gone as removed', () => {
    const { logger, fanout } = setup();
    const snapshot = new SecretSnapshot({ values: { PORT: '80' }, keys: { PORT: { source: 'env' } } } as never, 'infisical', 0, []);
    fanout.announce(new Set(['PORT', 'GONE']), snapshot);
    expect(logger.at('log')).toEqual(['Infisical refresh: 2 key(s) changed: GONE (removed), PORT (env)']);
  });

  it('rebuilds the namespaces from the new values before the listeners run', () => {
    const { events, fanout, namespaces } = setup();
    const db = namespaces.register(registerSecretsAs('db', (s) => ({ url: s.A as string })), snapshotOf({ A: 'one' }).values, () => undefined);
    fanout.subscribe(() => events.push(`listener sees ${db.url}`));
    fanout.announce(new Set(['A']), snapshotOf({ A: 'two' }));
    expect(db.url).toBe('two');
    expect(events.at(-1)).toBe('listener sees two');
  });

  it('a namespace factory that throws keeps its object and is logged by error class only', () => {
    const { fanout, namespaces, logger } = setup();
    const db = namespaces.register(
      registerSecretsAs('db', (s) => {
        if (s.A === 'bad') throw new SyntaxError('Unexpected token in "bad"');
        return { url: s.A as string };
      }),
      snapshotOf({ A: 'one' }).values,
      () => undefined,
    );
    fanout.announce(new Set(['A']), snapshotOf({ A: 'bad' }));
    expect(db.url).toBe('one');
    expect(logger.at('error')).toEqual([
      "registerSecretsAs('db') threw SyntaxError (its message is not shown: it may quote a secret) on the refreshed values; it keeps its last object.",
    ]);
  });

  it('a listener that throws is logged and does not stop the others', () => {
    const { fanout, logger } = setup();
    const seen: string[] = [];
    fanout.subscribe(() => {
      throw new Error('listener broke');
    });
    fanout.subscribe(() => {
      throw 'plain text';
    });
    fanout.subscribe(() => seen.push('third'));
    fanout.announce(new Set(['A']), snapshotOf({ A: 'two' }));
    expect(seen).toEqual(['third']);
    expect(logger.at('error')).toEqual(['A rotation listener failed: listener broke', 'A rotation listener failed: plain text']);
  });

  it('subscribe returns the unsubscribe function; a listener subscribed twice is called once', () => {
    const { fanout } = setup();
    const seen: string[] = [];
    const listener = () => seen.push('called');
    fanout.subscribe(listener);
    const unsubscribe = fanout.subscribe(listener);
    fanout.announce(new Set(['A']), snapshotOf({ A: 'two' }));
    expect(seen).toEqual(['called']);
    unsubscribe();
    fanout.announce(new Set(['A']), snapshotOf({ A: 'three' }));
    expect(seen).toEqual(['called']);
  });
});
