/**
 * The reference model of issue 22's rules, written once and independently of the library:
 * - merge: Infisical sources in order (a later source wins a key) > the operator's environment captured before the
 *   module wrote anything (for declared keys) > schema defaults;
 * - verdict: a required key missing from Infisical and the operator's environment, or a credential value of the wrong
 *   format, rejects the candidate (the last good values stay, health `degraded`);
 * - policy: what Infisical may see after a failure (see {@link policyViolations}).
 */
import { IsOptional, IsString } from 'class-validator';
import type { SentRequest, ServerMode } from './model-infisical.fake.js';

/** Folders of the two Infisical sources, in precedence order (the second wins a clash). */
export const SOURCES = ['/base', '/override'] as const;
export const DATABASE_URL = 'MBT_DATABASE_URL';
export const API_TOKEN = 'MBT_API_TOKEN';
export const LOG_LEVEL = 'MBT_LOG_LEVEL';
export const GEMINI = 'GEMINI_API_KEY';
/** Declared by nothing until a feature module requires it (`forFeature`). */
export const STRIPE = 'MBT_STRIPE_KEY';
export const KEYS = [DATABASE_URL, API_TOKEN, LOG_LEVEL, GEMINI, STRIPE] as const;
export type Key = (typeof KEYS)[number];
/** Mirrored into `process.env`. */
export const MIRRORED: readonly Key[] = [API_TOKEN];
/** Keys whose requiredness a command may switch on (keys with a schema default are never required). */
export const REQUIRABLE: readonly Key[] = [DATABASE_URL, API_TOKEN, STRIPE];
export const DEFAULTS: Partial<Record<Key, string>> = { [LOG_LEVEL]: 'info' };
export const GEMINI_PATTERN = /^AIza[0-9A-Za-z_-]{35}$/;
/** Values a key can take; the last Gemini value breaks the credential rule. */
export const VALUES: Record<Key, readonly string[]> = {
  [DATABASE_URL]: ['postgres://db-1', 'postgres://db-2', 'postgres://db-3'],
  [API_TOKEN]: ['token-one-1111', 'token-two-2222', 'token-three-3333'],
  [LOG_LEVEL]: ['debug', 'warn'],
  [GEMINI]: ['AIza' + 'a'.repeat(35), 'AIza' + 'b'.repeat(35), 'not-a-gemini-key'],
  [STRIPE]: ['sk_test_1111', 'sk_test_2222'],
};
/** Operator environment values (distinct from every Infisical value, so a view shows which source it serves). */
export const ENV_VALUES: Record<Key, string> = {
  [DATABASE_URL]: 'postgres://operator-env',
  [API_TOKEN]: 'token-operator-env',
  [LOG_LEVEL]: 'error',
  [GEMINI]: 'AIza' + 'e'.repeat(35),
  [STRIPE]: 'sk_test_operator_env',
};

/** The schema of the app under test: declares every key but STRIPE; LOG_LEVEL has a default. */
export class ModelSchema {
  @IsOptional() @IsString() MBT_DATABASE_URL?: string;
  @IsOptional() @IsString() MBT_API_TOKEN?: string;
  @IsOptional() @IsString() MBT_LOG_LEVEL: string = 'info';
  @IsOptional() @IsString() GEMINI_API_KEY?: string;
}
export const SCHEMA_KEYS: readonly Key[] = [DATABASE_URL, API_TOKEN, LOG_LEVEL, GEMINI];

/** What a sequence starts from (before the module is created). */
export interface Setup {
  /** Infisical values per source folder. */
  folders: Record<string, Partial<Record<Key, string>>>;
  /** Keys the operator set in the process environment. */
  env: Key[];
  requiredKeys: Key[];
  /** Keys a feature module requires from start-up (`InfisicalModule.forFeature({ secrets })`, Nest app only). */
  featureKeys?: Key[];
  /** Whether a feature module registers the namespace that reads DATABASE_URL from start-up (Nest app only). */
  featureNamespace?: boolean;
  /** Whether the GeminiCredentials provider is registered (its key becomes required and format-checked). */
  credentials: boolean;
}

export type Source = 'infisical' | 'env' | 'default';
export interface Merged {
  values: Partial<Record<Key, string>>;
  sources: Partial<Record<Key, Source>>;
}

/** The merge rule: for each key, the last source listing it, else the operator's value (declared keys), else the default. */
export function merge(answers: ReadonlyArray<Readonly<Record<string, string>>>, env: ReadonlySet<Key>, declared: ReadonlySet<Key>): Merged {
  const merged: Merged = { values: {}, sources: {} };
  for (const key of KEYS) {
    const fromInfisical = [...answers].reverse().find((answer) => Object.hasOwn(answer, key))?.[key];
    if (fromInfisical !== undefined) {
      merged.values[key] = fromInfisical;
      merged.sources[key] = 'infisical';
    } else if (env.has(key) && declared.has(key)) {
      merged.values[key] = ENV_VALUES[key];
      merged.sources[key] = 'env';
    } else if (DEFAULTS[key] !== undefined) {
      merged.values[key] = DEFAULTS[key];
      merged.sources[key] = 'default';
    }
  }
  return merged;
}

/** The verdict rule: the names of the keys that reject `merged` (empty: accepted). */
export function rejections(merged: Merged, required: ReadonlySet<Key>, credentials: boolean): Key[] {
  const bad = [...required].filter((key) => merged.values[key] === undefined || merged.values[key] === '');
  if (credentials && merged.values[GEMINI] !== undefined && !GEMINI_PATTERN.test(merged.values[GEMINI])) bad.push(GEMINI);
  return bad;
}

/** Whether any value `merged` serves is one the rules reject (a malformed credential). */
export function servesRejected(values: Partial<Record<Key, unknown>>, credentials: boolean): boolean {
  const gemini = values[GEMINI];
  return credentials && gemini !== undefined && !(typeof gemini === 'string' && GEMINI_PATTERN.test(gemini));
}

/** Shortest wait after a failure before Infisical may see another request. */
export const MIN_PAUSE_AFTER_REFUSAL_MS = 60_000;
export const MIN_BACKOFF_MS = 100;
export function minimumWaitMs(mode: ServerMode): number {
  switch (mode.kind) {
    case '429':
      return mode.retryAfterSeconds * 1000;
    case '401':
    case '403':
      return MIN_PAUSE_AFTER_REFUSAL_MS;
    default:
      return MIN_BACKOFF_MS;
  }
}

/**
 * The refresh policy held against the requests Infisical saw: returns one line per violation.
 * - single flight: never two lists of one folder, nor two logins, outstanding at once;
 * - after a failed answer at time t, no request is SENT (after that answer) before t + the minimum wait of that
 *   failure (Retry-After; the pause after 401/403; the smallest back-off), except the one new login that follows an
 *   access token refused (401) on a list.
 */
export function policyViolations(requests: readonly SentRequest[]): string[] {
  const out: string[] = [];
  const events = requests.flatMap((r) => [
    { seq: r.seq, kind: 'send' as const, r },
    ...(r.answeredSeq === undefined ? [] : [{ seq: r.answeredSeq, kind: 'answer' as const, r }]),
  ]);
  events.sort((a, b) => a.seq - b.seq);
  const outstanding = new Map<string, number>();
  let blockedUntil = Number.NEGATIVE_INFINITY;
  let blockedBy: SentRequest | undefined;
  let reloginAllowed = false;
  for (const event of events) {
    const { r } = event;
    const lane = r.route === 'list' ? `list ${r.path}` : r.route;
    if (event.kind === 'send') {
      const open = (outstanding.get(lane) ?? 0) + 1;
      outstanding.set(lane, open);
      if (open > 1 && r.route !== 'other') out.push(`single flight: ${open} requests "${lane}" outstanding at t=${r.at}`);
      if (r.at < blockedUntil) {
        if (reloginAllowed && r.route === 'login' && r.at === blockedBy?.answeredAt) reloginAllowed = false;
        else out.push(`request "${lane}" at t=${r.at} while blocked until t=${blockedUntil} by a ${blockedBy!.mode.kind} answer to "${blockedBy!.route}" at t=${blockedBy!.answeredAt}`);
      }
    } else {
      outstanding.set(lane, (outstanding.get(lane) ?? 1) - 1);
      if (r.failed) {
        const until = r.answeredAt! + minimumWaitMs(r.mode);
        if (until > blockedUntil || r.answeredAt! >= blockedUntil) {
          blockedUntil = until;
          blockedBy = r;
          reloginAllowed = r.route === 'list' && r.mode.kind === '401';
        }
      }
    }
  }
  return out;
}
