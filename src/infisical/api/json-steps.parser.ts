/**
 * Parses a large JSON body in steps, so that a list answer of several megabytes does not hold the event loop in one
 * piece: the bytes are scanned a slice at a time (depth check and the positions of the top-level object's members and
 * of the elements of its array members), then the members are parsed with `JSON.parse`, a large array a batch of
 * elements at a time. The result equals `JSON.parse` of the whole text, and a body that is not JSON is refused as
 * `JSON.parse` would refuse it: every piece is parsed by `JSON.parse` itself, and any body whose layout is not the
 * plain `{ "member": value, … }` shape (a top-level array, text after the object, brackets that do not pair up) is
 * parsed whole.
 */

/** How a large body is split: bytes per synchronous step, and what lets the event loop turn between two steps. */
export interface JsonSteps {
  /** Bytes scanned, or parsed, in one synchronous step (default {@link DEFAULT_JSON_BYTES_PER_STEP}). */
  readonly bytesPerStep: number;
  /** Resolves once the event loop has run other work (default: `setImmediate`). */
  pause(): Promise<void>;
}

/** 512 KiB: `JSON.parse` of that much list answer takes a few milliseconds on a loaded 2-core machine. */
export const DEFAULT_JSON_BYTES_PER_STEP = 512 * 1024;

/** Steps of {@link DEFAULT_JSON_BYTES_PER_STEP} bytes, with a `setImmediate` turn of the event loop between two. */
export const JSON_STEPS: JsonSteps = Object.freeze({
  bytesPerStep: DEFAULT_JSON_BYTES_PER_STEP,
  pause: () => new Promise<void>((resolve) => setImmediate(resolve)),
});

/** Bytes of JSON's structure (shared with json-body.ts's depth scan). @internal */
export const OPEN_OBJECT = 0x7b;
export const OPEN_ARRAY = 0x5b;
export const CLOSE_OBJECT = 0x7d;
export const CLOSE_ARRAY = 0x5d;
export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;

/** JSON's four whitespace bytes. */
function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** One member of the top-level object: `start` … `colon` is the key, `colon` … `end` the value. */
interface Member {
  start: number;
  colon: number;
  end: number;
  /** When the value is an array: its brackets and the commas between its elements. */
  array?: { open: number; close: number; commas: number[] };
}

/** What one pass over the bytes found. */
export interface JsonLayout {
  /** Nested deeper than the limit (checked like `jsonDepthExceeds`). */
  tooDeep: boolean;
  /** The members of a top-level object, or undefined when the body must be parsed whole. */
  members: Member[] | undefined;
}

/**
 * Scans `bytes` once, `bytesPerStep` at a time with `pause()` between two slices: the depth check (strings
 * skipped, stopping at the first level over `maxDepth`) and the layout of a top-level object.
 * @internal
 */
export async function scanJsonLayout(bytes: Uint8Array, maxDepth: number, steps: JsonSteps): Promise<JsonLayout> {
  let depth = 0;
  let inString = false;
  /** 0: before the top-level value, 1: inside the top-level object, 2: after it. */
  let phase = 0;
  let plain = true;
  const members: Member[] = [];
  let member: Member = { start: -1, colon: -1, end: -1 };
  let i = 0;
  while (i < bytes.length) {
    if (i > 0) await steps.pause();
    const end = Math.min(bytes.length, i + steps.bytesPerStep);
    for (; i < end; i++) {
      const byte = bytes[i]!;
      if (inString) {
        if (byte === BACKSLASH) i++;
        else if (byte === QUOTE) inString = false;
      } else if (byte === QUOTE) {
        inString = true;
        if (phase !== 1) plain = false;
      } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
        if (++depth > maxDepth) return { tooDeep: true, members: undefined };
        if (depth === 1) {
          if (phase === 0 && byte === OPEN_OBJECT) {
            phase = 1;
            member = { start: i + 1, colon: -1, end: -1 };
          } else {
            plain = false;
          }
        } else if (depth === 2 && phase === 1 && byte === OPEN_ARRAY) {
          if (member.array) plain = false;
          else member.array = { open: i, close: -1, commas: [] };
        }
      } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
        depth--;
        if (phase !== 1 || depth < 0) plain = false;
        else if (depth === 1 && member.array && member.array.close === -1) {
          if (byte === CLOSE_ARRAY) member.array.close = i;
          else plain = false;
        } else if (depth === 0) {
          if (byte !== CLOSE_OBJECT) plain = false;
          member.end = i;
          members.push(member);
          phase = 2;
        }
      } else if (depth === 1 && phase === 1 && byte === COMMA) {
        member.end = i;
        members.push(member);
        member = { start: i + 1, colon: -1, end: -1 };
      } else if (depth === 1 && phase === 1 && byte === COLON) {
        if (member.colon === -1) member.colon = i;
        else plain = false;
      } else if (depth === 2 && phase === 1 && byte === COMMA && member.array && member.array.close === -1) {
        member.array.commas.push(i);
      } else if (phase !== 1 && !isSpace(byte)) {
        plain = false;
      }
    }
  }
  return { tooDeep: false, members: plain && phase === 2 ? members : undefined };
}

/** A piece that `JSON.parse` accepted but that does not fit the layout (the body is then refused as `not-json`). */
function notJson(): never {
  throw new SyntaxError('not JSON');
}

/**
 * The value of `bytes` (a body that passed {@link scanJsonLayout}) built from its pieces, each parsed by `JSON.parse`,
 * at most about `bytesPerStep` bytes per step. Throws when the body is not JSON.
 * @internal
 */
export async function parseJsonLayout(bytes: Uint8Array, members: readonly Member[], steps: JsonSteps): Promise<unknown> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = (from: number, to: number) => buffer.toString('utf8', from, to);
  const blank = (from: number, to: number) => {
    for (let i = from; i < to; i++) if (!isSpace(bytes[i]!)) return false;
    return true;
  };
  const object: Record<string, unknown> = {};
  // `{}` (or `{ }`): one member of whitespace only
  if (members.length === 1 && members[0]!.colon === -1 && !members[0]!.array && blank(members[0]!.start, members[0]!.end)) return object;
  let budget = steps.bytesPerStep;
  const spend = async (bytesParsed: number) => {
    budget -= bytesParsed;
    if (budget > 0) return;
    await steps.pause();
    budget = steps.bytesPerStep;
  };
  for (const member of members) {
    if (member.colon === -1) notJson();
    const key: unknown = JSON.parse(text(member.start, member.colon));
    if (typeof key !== 'string') notJson();
    let value: unknown;
    const array = member.array;
    if (!array) {
      value = JSON.parse(text(member.colon + 1, member.end));
      await spend(member.end - member.colon);
    } else {
      if (!blank(member.colon + 1, array.open) || !blank(array.close + 1, member.end)) notJson();
      value = await parseArray(array, text, blank, steps.bytesPerStep, spend);
    }
    // as JSON.parse defines it: an own data property, `__proto__` included; a repeated key keeps its place, last value
    Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  }
  return object;
}

/** The elements of an array member, parsed in batches of about `bytesPerStep` bytes. */
async function parseArray(
  array: NonNullable<Member['array']>,
  text: (from: number, to: number) => string,
  blank: (from: number, to: number) => boolean,
  bytesPerStep: number,
  spend: (bytesParsed: number) => Promise<void>,
): Promise<unknown[]> {
  const { open, close, commas } = array;
  if (commas.length === 0 && blank(open + 1, close)) return [];
  // element k spans bounds[k] + 1 … bounds[k + 1]
  const bounds = [open, ...commas, close];
  const out: unknown[] = [];
  let first = 0;
  while (first < bounds.length - 1) {
    let last = first + 1;
    while (last < bounds.length - 1 && bounds[last]! - bounds[first]! < bytesPerStep) last++;
    const batch = JSON.parse(`[${text(bounds[first]! + 1, bounds[last]!)}]`) as unknown[];
    if (batch.length !== last - first) notJson();
    for (const element of batch) out.push(element);
    await spend(bounds[last]! - bounds[first]!);
    first = last;
  }
  return out;
}
