import { MalformedAnswerError } from './malformed-answer.error.js';

/** One secret as delivered by Infisical, after imports and sub-folders were merged. */
export interface FetchedSecret {
  key: string;
  value: string;
  version: number;
  /** Folder and environment the value really lives in (an import's or a sub-folder's where that applies). */
  secretPath: string;
  environment: string;
  imported: boolean;
}

/** What one list answer holds, merged by Infisical's precedence rules. */
export interface ParsedList {
  secrets: FetchedSecret[];
  /** Keys whose value Infisical hid (the identity may describe but not read them). */
  hiddenKeys: string[];
  /** Keys that appeared more than once in one folder of the answer (the first entry was kept). */
  duplicateKeys: string[];
  /** Keys dropped because they are not usable as configuration keys (`__proto__`, `constructor`, `prototype`). */
  droppedKeys: string[];
}


/** Keys that would reach an object's prototype machinery if used as property names. @internal */
export const UNUSABLE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

interface Item extends FetchedSecret {
  hidden: boolean;
}

function parseItem(item: unknown, imported: boolean, fallback: { environment: string; secretPath: string }): Item {
  const s = item as Record<string, unknown> | null;
  if (typeof s !== 'object' || s === null || typeof s.secretKey !== 'string' || s.secretKey === '') {
    throw new MalformedAnswerError('the list answer contains an item without a "secretKey"');
  }
  if (typeof s.secretValue !== 'string') throw new MalformedAnswerError(`the list answer has no string "secretValue" for ${s.secretKey}`);
  if (s.version !== undefined && (typeof s.version !== 'number' || !Number.isFinite(s.version))) {
    throw new MalformedAnswerError(`the list answer has a non-numeric "version" for ${s.secretKey}`);
  }
  return {
    key: s.secretKey,
    value: s.secretValue,
    version: typeof s.version === 'number' ? s.version : 0,
    secretPath: !imported && typeof s.secretPath === 'string' ? s.secretPath : fallback.secretPath,
    environment: typeof s.environment === 'string' && s.environment !== '' ? s.environment : fallback.environment,
    imported,
    hidden: s.secretValueHidden === true,
  };
}

/**
 * Validates a `GET /api/v3/secrets/raw` answer as a whole (one malformed item rejects all of it) and merges it the
 * way the Infisical server and CLI do:
 * - the folder's own secrets win over sub-folders' (with `recursive`) and over imported ones;
 * - among sub-folders, the first entry in the answer wins; among imports, the last import wins;
 * - a key listed twice in one folder keeps its first entry (reported in `duplicateKeys`);
 * - hidden values (`secretValueHidden`) are left out and reported in `hiddenKeys`;
 * - `__proto__`, `constructor` and `prototype` are left out (reported in `droppedKeys`).
 * @internal
 */
export function parseListResponse(body: unknown, folder: { environment: string; secretPath: string }): ParsedList {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { secrets?: unknown }).secrets)) {
    throw new MalformedAnswerError('the list answer has no "secrets" array');
  }
  const { secrets, imports } = body as { secrets: unknown[]; imports?: unknown };
  if (imports !== undefined && imports !== null && !Array.isArray(imports)) throw new MalformedAnswerError('the list answer has an "imports" field that is not an array');
  const result: ParsedList = { secrets: [], hiddenKeys: [], duplicateKeys: [], droppedKeys: [] };
  const byKey = new Map<string, FetchedSecret>();
  /** Keys seen per folder (environment, path, imported or not); items of one folder mostly come in a row. */
  const folders = new Map<string, Set<string>>();
  let current: { environment: string; secretPath: string; imported: boolean; keys: Set<string> } | undefined;
  const keysOfFolder = (item: Item): Set<string> => {
    if (current?.environment === item.environment && current.secretPath === item.secretPath && current.imported === item.imported) return current.keys;
    const id = `${item.environment}\u0000${item.secretPath}\u0000${item.imported}`;
    let keys = folders.get(id);
    if (!keys) folders.set(id, (keys = new Set()));
    current = { environment: item.environment, secretPath: item.secretPath, imported: item.imported, keys };
    return keys;
  };
  const claimed = new Set<string>();
  const accept = (item: Item) => {
    if (UNUSABLE_KEYS.has(item.key)) {
      if (!result.droppedKeys.includes(item.key)) result.droppedKeys.push(item.key);
      return;
    }
    const seenInFolder = keysOfFolder(item);
    if (seenInFolder.has(item.key)) {
      if (!result.duplicateKeys.includes(item.key)) result.duplicateKeys.push(item.key);
      return;
    }
    seenInFolder.add(item.key);
    // A key belongs to the first entry of the highest precedence, even a hidden one: a lower one never shows through.
    if (claimed.has(item.key)) return;
    claimed.add(item.key);
    if (item.hidden) {
      result.hiddenKeys.push(item.key);
      return;
    }
    const { key, value, version, secretPath, environment, imported } = item;
    byKey.set(key, { key, value, version, secretPath, environment, imported });
  };
  const own = secrets.map((item) => parseItem(item, false, folder));
  for (const item of own) if (item.secretPath === folder.secretPath) accept(item);
  for (const item of own) if (item.secretPath !== folder.secretPath) accept(item);
  const blocks = (imports ?? []) as unknown[];
  const importedItems: Item[][] = blocks.map((block) => {
    const b = block as Record<string, unknown> | null;
    if (typeof b !== 'object' || b === null || !Array.isArray(b.secrets)) throw new MalformedAnswerError('the list answer has an import without a "secrets" array');
    const where = {
      environment: typeof b.environment === 'string' ? b.environment : folder.environment,
      secretPath: typeof b.secretPath === 'string' ? b.secretPath : '/',
    };
    return b.secrets.map((item) => parseItem(item, true, where));
  });
  // The last import wins: walk the imports from the last one back.
  for (const items of importedItems.reverse()) for (const item of items) accept(item);
  result.secrets = [...byKey.values()];
  return result;
}
