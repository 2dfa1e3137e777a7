import { beforeEach, describe, expect, it } from '@jest/globals';
import { InfisicalOptionsError } from '../../src/infisical/index.js';
import {
  bootstrapFailure,
  exposedText,
  GOOD_SECRETS,
  leaksIn,
  useHostileScenario,
} from '../support/hostile-server/index.js';

const PROTOTYPE_NAMES = ['hasOwnProperty', 'toString', 'valueOf', 'isPrototypeOf'];

/** Issue 16, Security and Robustness: whatever a key is named, values stay out of process.env and prototypes. */
describe('hostile key names', () => {
  const h = useHostileScenario();
  let envBefore: Record<string, string | undefined>;

  beforeEach(() => {
    envBefore = { ...process.env };
  });

  function expectProcessEnvUntouched() {
    expect({ ...process.env }).toEqual(envBefore);
    for (const value of Object.values(h.server.secrets)) expect(Object.values(process.env)).not.toContain(value);
  }

  it.each(PROTOTYPE_NAMES)('a secret named %s added, then removed, mid-run: never in process.env, gone when removed', async (name) => {
    const app = await h.start();
    // @nestjs/config's own lookup (lodash get) sees Object.prototype: what it answers without any such secret
    const before = app.config.get(name);
    h.server.secrets = { ...GOOD_SECRETS, [name]: 'prototype-named-secret-value' };
    await app.nextRefresh();
    expect(app.store.get(name)).toBe('prototype-named-secret-value');
    expect(app.config.get(name)).toBe('prototype-named-secret-value');
    expectProcessEnvUntouched();
    expect(Object.hasOwn(process.env, name)).toBe(false);

    h.server.secrets = { ...GOOD_SECRETS };
    await app.nextRefresh();
    expect(app.store.get(name)).toBeUndefined();
    expect(app.store.has(name)).toBe(false);
    expect(app.config.get(name)).not.toBe('prototype-named-secret-value');
    expect(typeof app.config.get(name)).toBe(typeof before);
    expectProcessEnvUntouched();
    expect(app.health()).toMatchObject({ status: 'up' });
  });

  it('secrets named toString and hasOwnProperty at bootstrap: readable from the store, never in process.env', async () => {
    h.server.secrets = { ...GOOD_SECRETS, toString: 'prototype-named-secret-value', hasOwnProperty: 'another-prototype-named-value' };
    const app = await h.start();
    expect(app.store.get('toString')).toBe('prototype-named-secret-value');
    expect(app.store.keys()).toEqual(expect.arrayContaining(['toString', 'hasOwnProperty']));
    expect(app.health()).toMatchObject({ status: 'up' });
    expectProcessEnvUntouched();
    expect(leaksIn(exposedText(app, app.logs), h.server)).toEqual([]);
  });

  it('lookups of constructor, toString, __proto__ find own keys only', async () => {
    const app = await h.start();
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'prototype']) {
      expect(app.store.has(name)).toBe(false);
      expect(app.store.get(name)).toBeUndefined();
      expect(() => app.store.getOrThrow(name)).toThrow(/is not available/);
    }
    expect(Object.getPrototypeOf(app.store.configuration())).toBeNull();
  });

  it('secrets named __proto__, constructor or prototype are dropped with a warning naming them', async () => {
    const app = await h.start();
    h.server.script('list', (_req, healthy) => {
      const answer = healthy().body as { secrets: object[] };
      const item = (key: string) => ({ ...(answer.secrets[0] as object), secretKey: key, secretValue: `polluting-${key}-value` });
      return { body: { ...answer, secrets: [...answer.secrets, item('__proto__'), item('constructor'), item('prototype')] } };
    });
    await app.nextRefresh();
    expect(app.health()).toMatchObject({ status: 'up' });
    for (const name of ['__proto__', 'constructor', 'prototype']) {
      expect(app.store.has(name)).toBe(false);
      expect(app.logs.find('warn', `"${name}"`)).toHaveLength(1);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(app.logs.text).not.toContain('polluting-');
    expectProcessEnvUntouched();
  });

  it("requiredKeys: ['__proto__'] is an option error, not a check that always passes", async () => {
    const { error } = await bootstrapFailure(h.server, { requiredKeys: ['__proto__'] });
    expect(error).toBeInstanceOf(InfisicalOptionsError);
    expect((error as InfisicalOptionsError).names).toEqual(['requiredKeys']);
    expect(h.server.requests).toHaveLength(0);
  });

  it('a key a.b added mid-run is stored flat: config.get("a") is untouched', async () => {
    const app = await h.start();
    h.server.secrets = { ...GOOD_SECRETS, 'a.b': 'dotted-key-secret-value', 'list[0]': 'bracket-key-secret-value' };
    await app.nextRefresh();
    expect(app.store.get('a.b')).toBe('dotted-key-secret-value');
    expect(app.config.get('a')).toBeUndefined();
    expect(app.config.get('list')).toBeUndefined();
    expectProcessEnvUntouched();
  });

  it('a key a.b at bootstrap is stored flat as well', async () => {
    h.server.secrets = { ...GOOD_SECRETS, 'a.b': 'dotted-key-secret-value' };
    const app = await h.start();
    expect(app.store.get('a.b')).toBe('dotted-key-secret-value');
    expect(app.config.get('a')).toBeUndefined();
    expectProcessEnvUntouched();
  });

  it.each(['bootstrap', 'mid-run'])("a key _PROCESS_ENV_VALIDATED (%s) never overwrites @nestjs/config's slot; a warning names it", async (when) => {
    const add = () => (h.server.secrets = { ...GOOD_SECRETS, _PROCESS_ENV_VALIDATED: 'reserved-slot-secret-value' });
    if (when === 'bootstrap') add();
    const app = await h.start();
    const slot = (app.config as unknown as { internalConfig: Record<string, unknown> }).internalConfig?._PROCESS_ENV_VALIDATED;
    if (when === 'mid-run') {
      add();
      await app.nextRefresh();
    }
    expect((app.config as unknown as { internalConfig: Record<string, unknown> }).internalConfig?._PROCESS_ENV_VALIDATED).toBe(slot);
    expect(app.config.get('_PROCESS_ENV_VALIDATED')).not.toBe('reserved-slot-secret-value');
    expect(app.store.get('_PROCESS_ENV_VALIDATED')).toBe('reserved-slot-secret-value');
    expect(app.logs.find('warn', '"_PROCESS_ENV_VALIDATED"')).toHaveLength(1);
    expectProcessEnvUntouched();
    expect(leaksIn(exposedText(app, app.logs), h.server)).toEqual([]);
  });
});
