/**
 * The `dynamicSecrets` option reader: object and "name[@/folder]" entries (the form INFISICAL_DYNAMIC_SECRETS takes
 * as a list), defaults taken from the top-level environment and folder, and every problem reported by option name.
 */
import { describe, expect, it } from '@jest/globals';
import { OptionReader } from '../../src/infisical/options/option-readers.js';
import { resolveDynamicSecrets } from '../../src/infisical/options/dynamic-secrets.option.js';

const DEFAULTS = { environment: 'prod', secretPath: '/app' };

function read(value: unknown) {
  const reader = new OptionReader({});
  const resolved = resolveDynamicSecrets(reader, value, DEFAULTS);
  return { resolved, problems: reader.problems.map((p) => `${p.option}: ${p.problem}`) };
}

describe('resolveDynamicSecrets', () => {
  it('is empty when not set', () => {
    expect(read(undefined)).toEqual({ resolved: [], problems: [] });
  });

  it('reads "name" and "name@/folder" strings, as the variable lists them', () => {
    expect(read(['postgres-app', 'redis@/cache/', 'mongo@/']).resolved).toEqual([
      { name: 'postgres-app', environment: 'prod', path: '/app', ttl: undefined, drainMs: 30_000 },
      { name: 'redis', environment: 'prod', path: '/cache', ttl: undefined, drainMs: 30_000 },
      { name: 'mongo', environment: 'prod', path: '/', ttl: undefined, drainMs: 30_000 },
    ]);
  });

  it('reads objects with their own environment, folder, ttl and drain period', () => {
    const { resolved, problems } = read([{ name: 'postgres-app', environment: 'staging', path: '/db//', ttl: '10m', drainMs: 0 }]);
    expect(problems).toEqual([]);
    expect(resolved).toEqual([{ name: 'postgres-app', environment: 'staging', path: '/db', ttl: '10m', drainMs: 0 }]);
    expect(read([{ name: 'a', ttl: '1m' }, { name: 'b', ttl: '10y', drainMs: 3_600_000 }]).problems).toEqual([]);
  });

  it('refuses what is not a list of entries', () => {
    expect(read('postgres-app').resolved).toEqual([]);
    expect(read('postgres-app').problems).toEqual([
      'dynamicSecrets: must be an array of { name, environment?, path?, ttl?, drainMs? } or "name[@/folder]" strings (INFISICAL_DYNAMIC_SECRETS=name[@/folder],…) (got "postgres-app")',
    ]);
    expect(read([42, null, ['x']]).problems).toEqual([
      'dynamicSecrets[0]: must be an object or a "name[@/folder]" string (got 42)',
      'dynamicSecrets[1]: must be an object or a "name[@/folder]" string (got null)',
      'dynamicSecrets[2]: must be an object or a "name[@/folder]" string (got a value of type array)',
    ]);
  });

  it('reports every problem of every entry by its option name', () => {
    const { resolved, problems } = read([
      { name: 'ok', colour: 'red' },
      { environment: 'prod' },
      { name: 'two words' },
      '@/db',
      'db@folder',
      { name: 'e', environment: 'Production env' },
      { name: 't', ttl: '30s' },
      { name: 'u', ttl: 'soon' },
      { name: 'v', ttl: '11y' },
      { name: 'w', drainMs: -1 },
      'ok',
    ]);
    expect(problems).toEqual([
      'dynamicSecrets[0].colour: is not a field of a dynamic secret (check the spelling)',
      'dynamicSecrets[1].name: is required — the name of the dynamic secret in Infisical',
      'dynamicSecrets[2].name: must be a dynamic secret\'s name, without spaces, "@" or "," (got "two words")',
      'dynamicSecrets[3].name: is required — the name of the dynamic secret in Infisical',
      'dynamicSecrets[4].path: must start with "/" (got "folder")',
      'dynamicSecrets[5].environment: must be an environment slug (got "Production env")',
      'dynamicSecrets[6].ttl: must be an ms-style duration from "1m" to "10y", as Infisical accepts it, e.g. "10m" or "1h" (got "30s")',
      'dynamicSecrets[7].ttl: must be an ms-style duration from "1m" to "10y", as Infisical accepts it, e.g. "10m" or "1h" (got "soon")',
      'dynamicSecrets[8].ttl: must be an ms-style duration from "1m" to "10y", as Infisical accepts it, e.g. "10m" or "1h" (got "11y")',
      'dynamicSecrets[9].drainMs: must be an integer number of milliseconds from 0 to 3600000 (got -1)',
      'dynamicSecrets[10].name: "ok" is listed twice: each dynamic secret is leased once and found by its name',
    ]);
    expect(resolved.map((r) => r.name)).toEqual(['ok', 'two words', 'e', 't', 'u', 'v', 'w', 'ok']);
  });

  it('refuses an empty folder after "@", and an environment that is not a string', () => {
    expect(read(['db@', { name: 'a', environment: 5 }]).problems).toEqual([
      'dynamicSecrets[0].path: is required — a folder path such as "/" or "/db"',
      'dynamicSecrets[1].environment: must be a string (got 5) — an environment slug',
    ]);
  });

  it('refuses a folder or ttl that is not a string', () => {
    expect(read([{ name: 'a', path: 7, ttl: 60 }]).problems).toEqual([
      'dynamicSecrets[0].path: must be a string (got 7) — a folder path such as "/" or "/db"',
      'dynamicSecrets[0].ttl: must be a string (got 60) — an ms-style duration such as "10m" or "1h"',
    ]);
  });
});
