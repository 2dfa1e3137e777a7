import type { CreatedLease, ParsedLease } from '../../../src/infisical/api/lease-response.parser.js';
import { InfisicalLeaseNotFoundError, InfisicalLeaseRefusedError } from '../../../src/infisical/errors/dynamic-secret.errors.js';
import type { InfisicalClock } from '../../../src/infisical/interfaces/infisical-clock.interface.js';
import type { LeaseApi } from '../../../src/infisical/leases/lease-lifecycle.interface.js';
import { FAKE_TARGET } from './infisical-errors.fake.js';

/** One call the lifecycle made, with the signal it passed. */
export interface FakeLeaseCall {
  operation: 'create' | 'renew' | 'revoke';
  leaseId?: string;
  signal: AbortSignal;
}

interface ServerLease {
  id: string;
  createdAt: number;
  expireAt: number;
}

/** TTLs of the fake dynamic secret, in seconds, and the strings Infisical would send for them. */
export interface FakeDynamicSecret {
  defaultTtlSeconds: number;
  /** Undefined: no max TTL. */
  maxTtlSeconds?: number;
  /** Leave `createdAt` out of the answers (an older or a different server). */
  withoutCreatedAt?: boolean;
}

/** The credentials the fake hands out for lease number `n`. */
export const credentialsOf = (n: number) => ({ DB_USERNAME: `lease_user_${n}`, DB_PASSWORD: `lease-password-${n}-s3cr3t` });

/**
 * Infisical's lease routes for one dynamic secret, in memory, on the test's clock, with Infisical's rules: a create
 * lasts the default TTL; a renewal adds the default TTL to the current expiry and is refused (400) past
 * `createdAt + maxTTL`; an expired or revoked lease is unknown (404). Each route can be overridden by a function
 * the test sets (to fail, hang or answer otherwise); `defaultCreate` / `defaultRenew` / `defaultRevoke` are the rules.
 */
export class FakeLeaseApi {
  readonly calls: FakeLeaseCall[] = [];
  /** Leases the server holds (not revoked), by ID. */
  readonly live = new Map<string, ServerLease>();
  readonly revoked: string[] = [];
  #created = 0;

  onCreate: (signal: AbortSignal) => Promise<CreatedLease> = (signal) => this.defaultCreate(signal);
  onRenew: (leaseId: string, signal: AbortSignal) => Promise<ParsedLease> = (leaseId) => this.defaultRenew(leaseId);
  onRevoke: (leaseId: string, signal: AbortSignal) => Promise<void> = (leaseId) => this.defaultRevoke(leaseId);

  constructor(
    private readonly clock: InfisicalClock,
    readonly secret: FakeDynamicSecret = { defaultTtlSeconds: 60, maxTtlSeconds: 180 },
  ) {}

  readonly api: LeaseApi = {
    create: (signal) => {
      this.calls.push({ operation: 'create', signal });
      return this.onCreate(signal);
    },
    renew: (leaseId, signal) => {
      this.calls.push({ operation: 'renew', leaseId, signal });
      return this.onRenew(leaseId, signal);
    },
    revoke: (leaseId, signal) => {
      this.calls.push({ operation: 'revoke', leaseId, signal });
      return this.onRevoke(leaseId, signal);
    },
  };

  async defaultCreate(_signal?: AbortSignal): Promise<CreatedLease> {
    const n = ++this.#created;
    const now = this.clock.now();
    const lease: ServerLease = { id: `lease-${n}`, createdAt: now, expireAt: now + this.secret.defaultTtlSeconds * 1000 };
    this.live.set(lease.id, lease);
    return {
      lease: this.#answer(lease),
      dynamicSecret: {
        name: 'postgres-app',
        type: 'sql-database',
        defaultTtl: `${this.secret.defaultTtlSeconds}s`,
        maxTtl: this.secret.maxTtlSeconds === undefined ? undefined : `${this.secret.maxTtlSeconds}s`,
      },
      data: credentialsOf(n),
    };
  }

  async defaultRenew(leaseId: string): Promise<ParsedLease> {
    const lease = this.#known(leaseId);
    const expireAt = lease.expireAt + this.secret.defaultTtlSeconds * 1000;
    if (this.secret.maxTtlSeconds !== undefined && expireAt > lease.createdAt + this.secret.maxTtlSeconds * 1000) {
      throw new InfisicalLeaseRefusedError('postgres-app', FAKE_TARGET, 'renew', 'max-ttl', 'The requested renewal would exceed the maximum allowed lease duration');
    }
    lease.expireAt = expireAt;
    return this.#answer(lease);
  }

  async defaultRevoke(leaseId: string): Promise<void> {
    this.#known(leaseId);
    this.live.delete(leaseId);
    this.revoked.push(leaseId);
  }

  /** `operation leaseId` of every call, in order (e.g. `renew lease-1`). */
  get log(): string[] {
    return this.calls.map((c) => (c.leaseId === undefined ? c.operation : `${c.operation} ${c.leaseId}`));
  }

  #known(leaseId: string): ServerLease {
    const lease = this.live.get(leaseId);
    if (!lease || lease.expireAt <= this.clock.now()) throw new InfisicalLeaseNotFoundError('postgres-app', FAKE_TARGET, leaseId);
    return lease;
  }

  #answer(lease: ServerLease): ParsedLease {
    return { id: lease.id, expireAt: lease.expireAt, createdAt: this.secret.withoutCreatedAt ? undefined : lease.createdAt };
  }
}
