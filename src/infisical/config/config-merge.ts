import type { CredentialDefinition } from '../credentials/credential-rules.js';
import type { KeyInfo, ValueSource } from '../interfaces/infisical-status.interface.js';

/** A value that came from Infisical (or from the last-known-good copy of an Infisical answer). */
export interface SourcedSecret {
  value: string;
  version: number;
  /** Where the value lives (reported per key by health). */
  projectId?: string;
  environment?: string;
  secretPath?: string;
}

/** The ordered inputs of one merge, and the rules that apply to them. */
export interface MergeInput {
  /**
   * Infisical's values, already merged across sources (`mergeSources`: a later source wins a key); undefined when
   * Infisical is disabled.
   */
  infisical: ReadonlyMap<string, SourcedSecret> | undefined;
  /** Whether `infisical` is a fresh answer or the last-known-good copy of one. */
  infisicalSource: Extract<ValueSource, 'infisical' | 'cache'>;
  /**
   * The operator's process environment / `.env`, as it was before the module wrote anything into it (the
   * `process.env` mirror's own writes are not in it: see `ProcessEnvMirror.operatorView`).
   */
  operatorEnv: Readonly<Record<string, string | undefined>>;
  /**
   * Keys the operator environment may supply: the declared keys (schema properties, `requiredKeys`, credential keys,
   * `forFeature` keys, keys a `registerSecretsAs` factory reads), or `'all'` (a Standard Schema reads the whole
   * environment and picks its own keys).
   */
  envKeys: Iterable<string> | 'all';
  /** Required key → why (`required but not set`, `required by InfisicalModule.forFeature (…)`). */
  required: ReadonlyMap<string, string>;
  /** Credential format rules (`credentials` of `forRoot`). */
  credentials: readonly CredentialDefinition[];
  /** Keys written to `process.env` (`mirrorToProcessEnv`): their values must be ones the environment can hold. */
  mirrored: readonly string[];
}

/** One broken rule, by key name (never by value). */
export interface MergeIssue {
  key: string;
  kind: 'missing' | 'malformed';
  message: string;
  /** Where to get a correct value (credential keys). */
  hint?: string;
}

/** The merged raw configuration, before the schema types it and fills in its defaults. */
export interface MergeResult {
  /** Key → string value: Infisical's, or else the operator environment's (own properties only, no prototype). */
  raw: Record<string, string>;
  /** Key → where its value came from (`infisical`/`cache` with the source's coordinates, or `env`). */
  keys: Record<string, KeyInfo>;
  /** Rules broken by the merged values: required keys missing or empty, credential formats, mirrored values. */
  issues: MergeIssue[];
  /** Key → where to get it, for credential keys that have no value (shown if another rule names the key). */
  hints: Map<string, string>;
}

/** Message of a mirrored value that `process.env` would silently cut at its first NUL character. */
export const NUL_IN_MIRRORED_VALUE =
  'contains a NUL character, which the process environment cannot hold (mirrorToProcessEnv would cut the value there)';

/**
 * The one merge model of the configuration, used by bootstrap, refresh, `forFeature`/namespace registration, the
 * `process.env` mirror, health (`KeyInfo.source`) and the `verify-infisical` CLI. Pure: the same input always gives
 * the same output, so a key is accepted or refused alike whichever path asks.
 *
 * For each key: Infisical's value (source `infisical` or `cache`) wins; otherwise the operator environment's value
 * (source `env`) when the key may come from there (`envKeys`); otherwise none — the schema then types the values
 * and fills in defaults (source `default`, see `ConfigValidator`). Then the rules: each `required` key must have a
 * non-empty value; each credential key that has a value must match its format; each `mirrored` string value must be
 * free of NUL characters. Every broken rule is returned, none thrown.
 */
export function mergeConfig(input: MergeInput): MergeResult {
  const { infisical, infisicalSource, operatorEnv, envKeys, required, credentials, mirrored } = input;
  // Own-property lookups only: a key named "toString" or "constructor" is never found on a prototype.
  const raw: Record<string, string> = Object.create(null);
  const keys: Record<string, KeyInfo> = Object.create(null);
  for (const [key, secret] of infisical ?? []) {
    const { value, ...where } = secret;
    raw[key] = value;
    keys[key] = { source: infisicalSource, ...where };
  }
  for (const key of envKeys === 'all' ? Object.keys(operatorEnv) : envKeys) {
    const value = Object.hasOwn(operatorEnv, key) ? operatorEnv[key] : undefined;
    if (Object.hasOwn(raw, key) || value === undefined) continue;
    raw[key] = value;
    keys[key] = { source: 'env' };
  }

  const issues: MergeIssue[] = [];
  const hints = new Map<string, string>();
  for (const [key, reason] of required) {
    if (!raw[key]) issues.push({ key, kind: 'missing', message: reason });
  }
  for (const definition of credentials) {
    for (const rule of definition.keys) {
      const value = raw[rule.key];
      if (!value) hints.set(rule.key, `get it from ${rule.source}`);
      else if (!rule.pattern.test(value)) {
        issues.push({ key: rule.key, kind: 'malformed', message: `${rule.key} ${rule.expectation}`, hint: `get the correct ${definition.name} value from ${rule.source}` });
      }
    }
  }
  for (const key of mirrored) {
    if (raw[key]?.includes('\0')) issues.push({ key, kind: 'malformed', message: NUL_IN_MIRRORED_VALUE });
  }
  return { raw, keys, issues, hints };
}
