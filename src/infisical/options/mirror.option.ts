import { UNUSABLE_KEYS } from '../api/list-response.parser.js';
import type { OptionReader } from './option-readers.js';

const FIX = 'list the keys to mirror by their variable names, comma-separated in INFISICAL_MIRROR_TO_PROCESS_ENV, e.g. DATABASE_URL,REDIS_URL';

/** Why `name` cannot be a `process.env` variable the mirror writes and restores, or undefined when it can. */
export function unusableVariableName(name: string): string | undefined {
  if (name === '') return 'an empty name (Node drops it)';
  if (name.includes('\0')) return 'a name containing a NUL character (Node cuts it there)';
  if (name.includes('=')) return 'a name containing "=" (the environment cannot hold it: Node drops it)';
  // `process.env.hasOwnProperty = …` shadows the method every library calls; `__proto__` reaches the prototype.
  if (UNUSABLE_KEYS.has(name) || name in Object.prototype) return 'a member of every object (writing it would break process.env for every library)';
  return undefined;
}

/**
 * The `mirrorToProcessEnv` option (`INFISICAL_MIRROR_TO_PROCESS_ENV`): the keys also written to `process.env`,
 * distinct, each a name the environment can hold. Default: none (`[]`). Every refused name is reported by name.
 */
export function resolveMirror(reader: OptionReader, value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((k) => typeof k !== 'string' || k === '' || k.trim() !== k)) {
    reader.bad('mirrorToProcessEnv', 'must be an array of key names (non-empty strings without surrounding whitespace)');
    return [];
  }
  const names = value as string[];
  const refused = names.flatMap((name) => {
    const why = unusableVariableName(name);
    return why === undefined ? [] : [`${JSON.stringify(name)} is ${why}`];
  });
  if (refused.length) {
    reader.bad('mirrorToProcessEnv', `cannot mirror ${refused.join('; ')} — ${FIX}`);
    return [];
  }
  return [...new Set(names)];
}
