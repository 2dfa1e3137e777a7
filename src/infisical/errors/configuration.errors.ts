import { InfisicalError } from './infisical.error.js';

const SOURCE_NAMES: Record<string, string> = {
  infisical: 'Infisical',
  cache: 'the last-known-good snapshot',
  env: 'the process environment / .env',
  default: 'the schema default',
};

/** One problem with one configuration key. */
export interface ConfigIssue {
  /** The configuration key. */
  key: string;
  /** `missing` (required but found nowhere) or `malformed` (rejected by the schema, a rule or a registration). */
  kind: 'missing' | 'malformed';
  /** Where the (malformed) value came from: `infisical`, `env`, `default` or `cache`. */
  source?: string;
  /** Infisical version of the value, when it came from Infisical. */
  version?: number;
  /** What is wrong, from the schema, a rule or a registration (never the value). */
  messages: string[];
  /** How to fix it. */
  fix: string;
}

/** The merged configuration does not pass the schema / required keys / credential rules / registrations. */
export class InfisicalConfigValidationError extends InfisicalError {
  readonly code = 'INFISICAL_CONFIG_INVALID';
  constructor(
    /** Where the configuration was read from, as the message names it (sources and environment). */
    readonly where: string,
    /** Every problem found, one per key. */
    readonly issues: readonly ConfigIssue[],
    /** A diagnosis of why keys are missing (e.g. Infisical returned nothing for the folder). */
    readonly note?: string,
  ) {
    const lines = issues.map((issue) => {
      const origin = issue.source
        ? ` (from ${SOURCE_NAMES[issue.source] ?? issue.source}${issue.version !== undefined ? `, version ${issue.version}` : ''})`
        : '';
      return `  - ${issue.key}${origin}: ${issue.kind} — ${issue.messages.join('; ')}. Fix: ${issue.fix}`;
    });
    super(
      `Configuration for ${where} is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` +
        (note ? `${note}\n` : '') +
        lines.join('\n'),
      '',
      { where, keys: issues.map((i) => i.key), kinds: issues.map((i) => i.kind) },
    );
  }

  /** The keys with a problem. */
  get keys(): string[] {
    return this.issues.map((i) => i.key);
  }
}

/** A secret read by name does not exist in the loaded configuration. */
export class InfisicalSecretNotFoundError extends InfisicalError {
  readonly code = 'INFISICAL_SECRET_NOT_FOUND';
  constructor(
    /** The key that was asked for. */
    readonly key: string,
    where: string,
  ) {
    super(
      `Secret "${key}" is not available in ${where}.`,
      `add "${key}" there in Infisical (or set it in the environment), or list it in requiredKeys so that bootstrap fails early.`,
      { key, where },
    );
  }
}

/** The last-known-good file could not be used (corrupted, tampered with, written for other sources or key). */
export class InfisicalCacheError extends InfisicalError {
  readonly code = 'INFISICAL_CACHE_REJECTED';
  constructor(
    /** Path of the last-known-good file. */
    readonly path: string,
    /** Why it was rejected, in a few words. */
    readonly reason: string,
  ) {
    super(
      `The last-known-good snapshot ${path} was rejected: ${reason}. It is ignored (and replaced after the next good refresh).`,
      'delete the file if it belongs to another deployment, or keep INFISICAL_CACHE_FILE per environment.',
      { path, reason },
    );
  }
}
