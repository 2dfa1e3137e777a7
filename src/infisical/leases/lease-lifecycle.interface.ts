import type { CreatedLease, ParsedLease } from '../api/lease-response.parser.js';
import type { DynamicSecretCredentials } from './lease-credentials.js';

/** The lease calls of one dynamic secret, bound to its address, TTL and the access-token session. */
export interface LeaseApi {
  /** A new lease with its credentials. */
  create(signal: AbortSignal): Promise<CreatedLease>;
  /** Extends the lease; Infisical answers 400 past the max TTL and 404 for a lease it no longer knows. */
  renew(leaseId: string, signal: AbortSignal): Promise<ParsedLease>;
  revoke(leaseId: string, signal: AbortSignal): Promise<void>;
}

/** What the lifecycle reports, for metrics, logs and masking. Every callback is optional. */
export interface LeaseEvents {
  onCreated?(): void;
  onRenewed?(): void;
  onRevoked?(): void;
  /** A failed create, renewal or revocation (a renewal refused at the max TTL is not a failure). */
  onFailed?(error: unknown): void;
  /** Values of a new lease, to mask in logs and errors (e.g. the module's redactor). */
  mask?(values: string[]): void;
  /** A problem worth a log line (never carries a credential). */
  warn?(message: string): void;
}

/** The lease handed out: its ID, expiry and credentials. */
export interface LeaseSnapshot {
  readonly leaseId: string;
  /** Epoch milliseconds; the credentials are never handed out from then on. */
  readonly expireAt: number;
  readonly credentials: DynamicSecretCredentials;
}

/** `starting`: no lease yet; `active`: a valid lease; `expired`: no valid lease (retrying); `stopped`: shut down. */
export type LeaseState = 'starting' | 'active' | 'expired' | 'stopped';

/** What health and metrics show of one dynamic secret's lease (never the credentials). */
export interface LeaseStatus {
  name: string;
  environment: string;
  path: string;
  state: LeaseState;
  leaseId: string | undefined;
  /** Epoch milliseconds. */
  expireAt: number | undefined;
  /** When the lease was taken, epoch milliseconds. */
  createdAt: number | undefined;
  /** `createdAt` + the max TTL, when both are known: renewals cannot go beyond it. */
  maxExpireAt: number | undefined;
  renewals: number;
  handOvers: number;
  consecutiveFailures: number;
  /** The last failure since the last success: its code and message (never a credential). */
  lastError: { code: string; message: string } | undefined;
}

/** Called with the new lease after a hand-over. */
export type RotateListener = (lease: LeaseSnapshot) => void;

/** One dynamic secret's lease settings. */
export interface LeaseLifecycleOptions {
  /** Name of the dynamic secret. */
  name: string;
  /** Environment slug and folder of the dynamic secret (shown in the status). */
  environment: string;
  path: string;
  /** TTL asked for on create and renew (ms-style, e.g. `"10m"`). @default none: the dynamic secret's default TTL */
  ttl?: string;
  /** How long an old lease stays usable after a hand-over before it is revoked (never past its expiry). @default 30000 */
  drainMs?: number;
  /** Longest time shutdown spends revoking the leases. @default 5000 */
  shutdownBudgetMs?: number;
  /** Jitter source of the back-off. @default Math.random */
  random?: () => number;
}
