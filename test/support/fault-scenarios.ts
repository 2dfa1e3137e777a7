/**
 * The mid-run faults every resilience test goes through: how to break the local Infisical server, what the module
 * must report, and how to mend it. Shared by the fault tests and the leak scan.
 */
import { RETRY_AFTER_JITTER_MS } from '../../src/infisical/infisical.defaults.js';
import { APP_DEV, APP_PROJECT_ID, APP_VALUES } from './fixtures/app-seed.js';
import type { LocalInfisicalServer } from './infisical-server/index.js';

export const LIST = '/api/v3/secrets/raw';
export const TTL = 60;
export const TTL_MS = TTL * 1000;
export const REQUEST_TIMEOUT_MS = 2000;
export const BACKOFF_CAP_MS = 300_000;
/** A value of the wrong format that a scenario writes (a leak scan looks for it too). */
export const MALFORMED_GEMINI_KEY = 'sk-this-is-not-a-gemini-key';

/** One mid-run fault: how to break Infisical, what the module must report, how to mend it. */
export interface FaultScenario {
  name: string;
  breakIt(server: LocalInfisicalServer): void;
  /** For faults that hold the request: the module's own attempt timeout has to pass. */
  hangs?: boolean;
  error: RegExp;
  mend(server: LocalInfisicalServer): void;
  /** Upper bound of the wait before the module retries (transient: full-jitter back-off after ≤ 5 failures). */
  retryWithinMs: number;
}

export const original = APP_VALUES.dev;
export const onList = { path: LIST };

export const faultScenarios: FaultScenario[] = [
  {
    name: 'HTTP 500',
    breakIt: (s) => s.injectFault({ kind: 'status', status: 500, ...onList }),
    error: /InfisicalUnreachableError: .*HTTP 500/,
    mend: (s) => s.clearFaults(),
    retryWithinMs: 32_000,
  },
  {
    name: 'a non-JSON body',
    breakIt: (s) => s.injectFault({ kind: 'non-json', ...onList }),
    error: /InfisicalUnreachableError: .*HTTP 502 with a body that is not JSON/,
    mend: (s) => s.clearFaults(),
    retryWithinMs: 32_000,
  },
  {
    name: 'a dropped connection',
    breakIt: (s) => s.injectFault({ kind: 'drop', ...onList }),
    error: /InfisicalUnreachableError: .*(closed|reset|socket)/i,
    mend: (s) => s.clearFaults(),
    retryWithinMs: 32_000,
  },
  {
    name: 'a hung server',
    breakIt: (s) => s.injectFault({ kind: 'hang', ...onList }),
    hangs: true,
    error: /InfisicalUnreachableError: .*no complete answer within 2000 ms to the list request/,
    mend: (s) => s.clearFaults(),
    retryWithinMs: 32_000,
  },
  {
    name: 'a server slower than the request timeout',
    breakIt: (s) => s.injectFault({ kind: 'latency', ms: 60_000, ...onList }),
    hangs: true,
    error: /InfisicalUnreachableError: .*no complete answer/,
    mend: (s) => s.clearFaults(),
    retryWithinMs: 32_000,
  },
  {
    name: '429 with retry-after',
    breakIt: (s) => s.injectFault({ kind: 'rate-limit', retryAfterSeconds: 120, ...onList }),
    error: /InfisicalRateLimitError: .*asked to retry in 120 s/,
    mend: (s) => s.clearFaults(),
    retryWithinMs: 120_000 + RETRY_AFTER_JITTER_MS, // Retry-After plus its jitter
  },
  {
    name: 'the client secret revoked',
    breakIt: (s) => s.revokeClientSecret(APP_DEV.clientId),
    error: /InfisicalAuthenticationError: .*rejected the machine identity/,
    mend: (s) => s.restoreClientSecret(APP_DEV.clientId, APP_DEV.clientSecret),
    retryWithinMs: BACKOFF_CAP_MS,
  },
  {
    name: 'the identity losing read permission (list filtered)',
    breakIt: (s) => s.setReadPermission(APP_DEV.id, APP_PROJECT_ID, ['staging']),
    error: /InfisicalConfigValidationError: [\s\S]*this identity cannot read it[\s\S]*GEMINI_API_KEY: missing/,
    mend: (s) => s.setReadPermission(APP_DEV.id, APP_PROJECT_ID, ['dev']),
    retryWithinMs: TTL_MS * 1.1 + 1,
  },
  {
    name: 'a key deleted',
    breakIt: (s) => s.deleteSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key: 'GEMINI_API_KEY' }),
    error: /InfisicalConfigValidationError: [\s\S]*GEMINI_API_KEY: missing/,
    mend: (s) => s.setSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key: 'GEMINI_API_KEY', value: original.GEMINI_API_KEY! }),
    retryWithinMs: TTL_MS * 1.1 + 1,
  },
  {
    name: 'a key changed to an invalid format',
    breakIt: (s) => s.setSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key: 'GEMINI_API_KEY', value: MALFORMED_GEMINI_KEY }),
    error: /InfisicalConfigValidationError: [\s\S]*GEMINI_API_KEY \(from Infisical, version 2\): malformed — GEMINI_API_KEY must be a Google API key/,
    mend: (s) => s.setSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key: 'GEMINI_API_KEY', value: original.GEMINI_API_KEY! }),
    retryWithinMs: TTL_MS * 1.1 + 1,
  },
];

