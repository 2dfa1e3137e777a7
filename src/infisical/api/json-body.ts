import { BACKSLASH, CLOSE_ARRAY, CLOSE_OBJECT, JSON_STEPS, OPEN_ARRAY, OPEN_OBJECT, parseJsonLayout, QUOTE, scanJsonLayout, type JsonSteps } from './json-steps.parser.js';

/** Why a body could not be used as JSON. */
export type JsonBodyProblem = 'empty' | 'not-json' | 'too-deep';

export type JsonBody = { ok: true; value: unknown } | { ok: false; problem: JsonBodyProblem };

/**
 * Deepest nesting of arrays and objects in JSON text, scanning the bytes once (strings skipped). Stops as soon as
 * `limit` is exceeded, so a hostile body nested millions of levels deep costs one quick pass, never a parse.
 * @internal
 */
export function jsonDepthExceeds(bytes: Uint8Array, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      if (++depth > limit) return true;
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      depth--;
    }
  }
  return false;
}

/**
 * Parses a response body as JSON, refusing bodies nested deeper than `maxDepth`. A body larger than
 * `steps.bytesPerStep` (a list answer of thousands of secrets) is scanned and parsed in steps with the event loop
 * turning in between (see json-steps.parser.ts): same result, a promise of it.
 * @internal
 */
export function parseJsonBody(bytes: Uint8Array, maxDepth: number, steps: JsonSteps = JSON_STEPS): JsonBody | Promise<JsonBody> {
  if (bytes.byteLength === 0) return { ok: false, problem: 'empty' };
  if (bytes.byteLength > steps.bytesPerStep) return parseLargeJsonBody(bytes, maxDepth, steps);
  if (jsonDepthExceeds(bytes, maxDepth)) return { ok: false, problem: 'too-deep' };
  return parseWhole(bytes);
}

function parseWhole(bytes: Uint8Array): JsonBody {
  try {
    return { ok: true, value: JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) };
  } catch {
    return { ok: false, problem: 'not-json' };
  }
}

async function parseLargeJsonBody(bytes: Uint8Array, maxDepth: number, steps: JsonSteps): Promise<JsonBody> {
  const layout = await scanJsonLayout(bytes, maxDepth, steps);
  if (layout.tooDeep) return { ok: false, problem: 'too-deep' };
  await steps.pause();
  if (!layout.members) return parseWhole(bytes);
  try {
    return { ok: true, value: await parseJsonLayout(bytes, layout.members, steps) };
  } catch {
    return { ok: false, problem: 'not-json' };
  }
}
