/** One documented exit code of `verify-infisical`. */
export interface VerifyExitCode {
  /** The process exit code. */
  code: number;
  /** Short machine-readable name, e.g. `authentication`. */
  name: string;
  /** What the code means, for `--help` and docs/troubleshooting.md. */
  meaning: string;
}

/** Exit codes by failure class. Each misconfiguration class has its own code, so scripts can branch on it. */
export const VERIFY_EXIT = {
  /** 0: every check passed. */
  ok: 0,
  /** 1: an unexpected error (a bug, or an answer the checks do not know). */
  unexpected: 1,
  /** 2: bad flags or bad INFISICAL_* options (missing variable, malformed URL or client ID, schema not loadable). */
  usage: 2,
  /** 3: site unreachable, not an Infisical API, timing out, failing (5xx) or rate-limiting. */
  unreachable: 3,
  /** 4: login refused: unknown client ID, or wrong / revoked / expired / used-up client secret. */
  authentication: 4,
  /** 5: the identity is temporarily locked out after repeated wrong client secrets. */
  locked: 5,
  /** 6: project ID unknown, identity not a member, or its role cannot read secrets at all. */
  project: 6,
  /** 7: the environment slug does not exist in the project. */
  environment: 7,
  /** 8: the secret path (folder) does not exist in the environment. */
  secretPath: 8,
  /** 9: the identity may not read this environment (Infisical hides its secrets instead of refusing). */
  notReadable: 9,
  /** 10: required key(s) missing from Infisical and the environment. */
  missingKeys: 10,
  /** 11: key(s) present but rejected by the schema or a credential format rule. */
  malformedKeys: 11,
  /** 12: keyless login: no platform credential (GCP metadata server unreachable, token file missing / unreadable, no AWS credentials). */
  platformCredential: 12,
  /** 13: keyless login refused: identity lacks the method, wrong audience, service account / namespace / principal not allowed, expired JWT. */
  identityLogin: 13,
} as const;

/** Name of one exit code: a key of {@link VERIFY_EXIT}. */
export type VerifyExitName = keyof typeof VERIFY_EXIT;

/** The exit code table, in code order (rendered by `--help`). */
export const VERIFY_EXIT_CODES: readonly VerifyExitCode[] = [
  { code: 0, name: 'ok', meaning: 'every check passed' },
  { code: 1, name: 'unexpected', meaning: 'an unexpected error (a bug, or an answer the checks do not know)' },
  { code: 2, name: 'usage', meaning: 'bad flags or bad INFISICAL_* options (missing variable, malformed URL or client ID, schema not loadable)' },
  { code: 3, name: 'unreachable', meaning: 'site unreachable, not an Infisical API, timing out, failing (5xx) or rate-limiting' },
  { code: 4, name: 'authentication', meaning: 'login refused: unknown client ID, or wrong / revoked / expired / used-up client secret' },
  { code: 5, name: 'locked', meaning: 'the identity is temporarily locked out after repeated wrong client secrets' },
  { code: 6, name: 'project', meaning: 'project ID unknown, identity not a member, or its role cannot read secrets at all' },
  { code: 7, name: 'environment', meaning: 'the environment slug does not exist in the project' },
  { code: 8, name: 'secretPath', meaning: 'the secret path (folder) does not exist in the environment' },
  { code: 9, name: 'notReadable', meaning: 'the identity may not read this environment (Infisical hides its secrets instead of refusing)' },
  { code: 10, name: 'missingKeys', meaning: 'required key(s) missing from Infisical and the environment' },
  { code: 11, name: 'malformedKeys', meaning: 'key(s) present but rejected by the schema or a credential format rule' },
  { code: 12, name: 'platformCredential', meaning: 'keyless login: no platform credential (GCP metadata server unreachable, token file missing / unreadable, no AWS credentials)' },
  { code: 13, name: 'identityLogin', meaning: 'keyless login refused: identity lacks the method, wrong audience, service account / namespace / principal not allowed, expired JWT' },
];
