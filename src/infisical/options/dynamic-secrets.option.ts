import type { InfisicalDynamicSecretOptions, ResolvedDynamicSecret } from '../interfaces/dynamic-secret-options.interface.js';
import { parseDurationMs } from '../api/ttl-duration.parser.js';
import { DEFAULT_LEASE_DRAIN_MS } from '../infisical.defaults.js';
import { describeValue, type OptionReader } from './option-readers.js';

const FIELDS = new Set(['name', 'environment', 'path', 'ttl', 'drainMs']);
const SLUG = /^[A-Za-z0-9_-]+$/;
const NAME = /^[^\s@,]+$/;
const MIN_TTL_MS = 60_000;
const MAX_TTL_MS = parseDurationMs('10y')!;
const MAX_DRAIN_MS = 3_600_000;
const SHAPE = 'an array of { name, environment?, path?, ttl?, drainMs? } or "name[@/folder]" strings (INFISICAL_DYNAMIC_SECRETS=name[@/folder],…)';

/** `name@/folder` → its parts; `name` alone leaves the folder to the default. */
function fromText(text: string): InfisicalDynamicSecretOptions {
  const at = text.indexOf('@');
  return at < 0 ? { name: text } : { name: text.slice(0, at), path: text.slice(at + 1) };
}

/** The folder as Infisical normalises it (`/db/` → `/db`), or undefined (reported) when it is not a folder path. */
function readFolder(reader: OptionReader, option: string, value: unknown): string | undefined {
  const path = reader.text(option, true, 'a folder path such as "/" or "/db"', value);
  if (path === undefined) return undefined;
  if (!path.startsWith('/')) {
    reader.bad(option, `must start with "/" (got ${describeValue(path)})`);
    return undefined;
  }
  return path.replace(/\/+$/, '') || '/';
}

function readTtl(reader: OptionReader, option: string, value: unknown): string | undefined {
  const ttl = reader.text(option, false, 'an ms-style duration such as "10m" or "1h"', value);
  if (ttl === undefined) return undefined;
  const ms = parseDurationMs(ttl);
  if (ms === undefined || ms < MIN_TTL_MS || ms > MAX_TTL_MS) {
    reader.bad(option, `must be an ms-style duration from "1m" to "10y", as Infisical accepts it, e.g. "10m" or "1h" (got ${describeValue(ttl)})`);
    return undefined;
  }
  return ttl;
}

/**
 * The `dynamicSecrets` option (`INFISICAL_DYNAMIC_SECRETS`, a comma-separated list of `name[@/folder]`): the dynamic
 * secrets to lease, each with its environment and folder (by default the top-level ones), optional TTL and drain
 * period. Default: none (`[]`). Names must be distinct (a handle is found by name). Every problem is reported.
 */
export function resolveDynamicSecrets(reader: OptionReader, value: unknown, defaults: { environment: string; secretPath: string }): ResolvedDynamicSecret[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    reader.bad('dynamicSecrets', `must be ${SHAPE} (got ${describeValue(value)})`);
    return [];
  }
  const resolved: ResolvedDynamicSecret[] = [];
  value.forEach((item: unknown, i) => {
    const at = `dynamicSecrets[${i}]`;
    const entry = (typeof item === 'string' ? fromText(item) : item) as Record<string, unknown> | null;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      reader.bad(at, `must be an object or a "name[@/folder]" string (got ${describeValue(item)})`);
      return;
    }
    for (const key of Object.keys(entry)) if (!FIELDS.has(key)) reader.bad(`${at}.${key}`, 'is not a field of a dynamic secret (check the spelling)');
    const name = reader.text(`${at}.name`, true, 'the name of the dynamic secret in Infisical', entry.name);
    if (name !== undefined && !NAME.test(name)) reader.bad(`${at}.name`, `must be a dynamic secret's name, without spaces, "@" or "," (got ${describeValue(name)})`);
    if (name !== undefined && resolved.some((r) => r.name === name)) reader.bad(`${at}.name`, `"${name}" is listed twice: each dynamic secret is leased once and found by its name`);
    const environment = reader.text(`${at}.environment`, false, 'an environment slug', entry.environment);
    if (environment !== undefined && !SLUG.test(environment)) reader.bad(`${at}.environment`, `must be an environment slug (got ${describeValue(environment)})`);
    const path = entry.path === undefined ? defaults.secretPath : readFolder(reader, `${at}.path`, entry.path);
    const ttl = readTtl(reader, `${at}.ttl`, entry.ttl);
    const drainMs = reader.integer(`${at}.drainMs`, DEFAULT_LEASE_DRAIN_MS, 0, MAX_DRAIN_MS, 'milliseconds', entry.drainMs);
    if (name === undefined || path === undefined) return;
    resolved.push({ name, environment: environment ?? defaults.environment, path, ttl, drainMs });
  });
  return resolved;
}
