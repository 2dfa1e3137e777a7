/**
 * Universal Auth login, identity access tokens (issue / renew / revoke / validate), client
 * secret lockout, and the revocation markers used by the admin API.
 *
 * Behaviour follows the "redesigned" (2026) Infisical token flow: stateless HS256 JWTs with
 * claims, a 90-day single-issuance ceiling, renewal that signs a new JWT with the same token id,
 * and revocation markers checked on every request.
 */
import { randomUUID } from 'node:crypto';

import { badRequest, tokenError, unauthorized } from './errors.js';
import { decodeJwt, JwtVerifyError, type JwtPayload, signJwt, tokenErrorMessage, verifyJwt } from './jwt.js';
import { AdminInputError, type IdentityRecord, type InfisicalStore, ORG_ID } from './store.js';

/** MAX_MACHINE_IDENTITY_TOKEN_AGE default (90 days), also reported by /api/status. */
export const MAX_IDENTITY_ACCESS_TOKEN_TTL = 7776000;

export const IDENTITY_ACCESS_TOKEN = 'identityAccessToken';

export interface TokenResponse {
  accessToken: string;
  expiresIn: number;
  accessTokenMaxTTL: number;
  tokenType: 'Bearer';
}

interface TokenRecord {
  id: string;
  identityId: string;
  clientSecretId: string;
  /** How the token was obtained (`universal-auth`, `gcp-auth`, `token-auth`, …), as in the JWT's claims. */
  authMethod: string;
  /** Monotonic issue sequence (orders tokens against revocation markers). */
  seq: number;
  /** seconds, anchors the max-TTL budget */
  creationEpoch: number;
  accessTokenTTL: number;
  accessTokenMaxTTL: number;
  numUsesLimit: number;
  uses: number;
  revoked: boolean;
  /** Every JWT string issued for this token id (login + renewals). */
  jwts: Set<string>;
}

interface LockoutState {
  failedAttempts: number;
  lockedOut: boolean;
  expiresAt: number;
}

type DenyReason = 'token' | 'identity' | 'client-secret';

function denyMessage(reason: DenyReason, prefix: 'Failed to authorize' | 'Cannot renew'): string {
  switch (reason) {
    case 'token':
      return `${prefix}: token has been revoked`;
    case 'identity':
      return `${prefix}: identity tokens have been revoked`;
    case 'client-secret':
      return `${prefix}: client secret has been revoked`;
  }
}

export class AuthService {
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly lockouts = new Map<string, LockoutState>();
  /** identityId → sequence: tokens issued before are revoked */
  private readonly identityRevokedAt = new Map<string, number>();
  /** clientSecretId → sequence: tokens issued from it before are revoked */
  private readonly clientSecretRevokedAt = new Map<string, number>();
  private sequence = 0;

  /** Every access token (JWT string) issued so far, by login or renewal: what a leak scan looks for. */
  issuedTokens(): string[] {
    return [...this.tokens.values()].flatMap((record) => [...record.jwts]);
  }

  constructor(
    private readonly store: InfisicalStore,
    private readonly authSecret: string,
    private readonly now: () => number,
  ) {}

  private nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  // ---------------------------------------------------------------- login

  login(clientId: string, clientSecret: string): TokenResponse {
    const identity = this.store.findIdentityByClientId(clientId);
    if (!identity) throw unauthorized('Invalid credentials');

    // (IP allow-list check would go here: the emulator trusts every IP, like the defaults.)
    const lockoutKey = `${identity.id}:${identity.clientId}`;
    const now = this.now();
    let lockout = this.lockouts.get(lockoutKey);
    if (lockout && lockout.expiresAt <= now) {
      this.lockouts.delete(lockoutKey);
      lockout = undefined;
    }
    if (lockout?.lockedOut) {
      throw unauthorized('This identity auth method is temporarily locked, please try again later');
    }

    const match = identity.clientSecrets.find((cs) => !cs.revoked && cs.secret === clientSecret);
    if (!match) {
      if (identity.lockout.enabled) {
        const state = lockout ?? { failedAttempts: 0, lockedOut: false, expiresAt: 0 };
        state.failedAttempts += 1;
        if (state.failedAttempts >= identity.lockout.threshold) state.lockedOut = true;
        state.expiresAt =
          now + 1000 * (state.lockedOut ? identity.lockout.durationSeconds : identity.lockout.counterResetSeconds);
        this.lockouts.set(lockoutKey, state);
      }
      throw unauthorized('Invalid credentials');
    }
    if (lockout) this.lockouts.delete(lockoutKey);

    if (match.ttlSeconds > 0 && now > match.createdAt + match.ttlSeconds * 1000) {
      match.revoked = true;
      throw unauthorized('Access denied due to expired client secret');
    }
    if (match.numUsesLimit > 0 && match.numUses >= match.numUsesLimit) {
      match.revoked = true;
      throw unauthorized('Access denied due to client secret usage limit reached');
    }
    match.numUses += 1;

    const record: TokenRecord = {
      id: randomUUID(),
      identityId: identity.id,
      clientSecretId: match.id,
      authMethod: 'universal-auth',
      seq: (this.sequence += 1),
      creationEpoch: Math.floor(now / 1000),
      accessTokenTTL: identity.accessTokenTTL,
      accessTokenMaxTTL: identity.accessTokenMaxTTL,
      numUsesLimit: identity.accessTokenNumUsesLimit,
      uses: 0,
      revoked: false,
      jwts: new Set(),
    };
    this.tokens.set(record.id, record);
    const ttl = this.computeIssuedTtl(record);
    return this.issue(identity, record, ttl);
  }

  /**
   * Issues a token after a keyless login the caller has already verified (GCP, Kubernetes, OIDC, JWT, AWS), with the
   * method's own token settings (Infisical keeps TTLs per auth method; 0 = the identity's).
   */
  loginVerified(identity: IdentityRecord, authMethod: string, ttl: { accessTokenTTL?: number; accessTokenMaxTTL?: number } = {}): TokenResponse {
    const record: TokenRecord = {
      id: randomUUID(),
      identityId: identity.id,
      clientSecretId: '',
      authMethod,
      seq: (this.sequence += 1),
      creationEpoch: this.nowSeconds(),
      accessTokenTTL: ttl.accessTokenTTL || identity.accessTokenTTL,
      accessTokenMaxTTL: ttl.accessTokenMaxTTL || identity.accessTokenMaxTTL,
      numUsesLimit: identity.accessTokenNumUsesLimit,
      uses: 0,
      revoked: false,
      jwts: new Set(),
    };
    this.tokens.set(record.id, record);
    return this.issue(identity, record, this.computeIssuedTtl(record));
  }

  /** min(requested TTL, remaining max-TTL budget, 90-day ceiling); 0 means "no cap" for TTL/maxTTL. */
  private computeIssuedTtl(record: TokenRecord): number {
    const requestedCap = record.accessTokenTTL > 0 ? record.accessTokenTTL : Number.POSITIVE_INFINITY;
    const remainingBudget =
      record.accessTokenMaxTTL > 0
        ? record.creationEpoch + record.accessTokenMaxTTL - this.nowSeconds()
        : Number.POSITIVE_INFINITY;
    return Math.min(requestedCap, remainingBudget, MAX_IDENTITY_ACCESS_TOKEN_TTL);
  }

  private issue(identity: IdentityRecord, record: TokenRecord, ttl: number): TokenResponse {
    const iat = this.nowSeconds();
    const payload: JwtPayload = {
      identityId: identity.id,
      identityName: identity.name,
      authMethod: record.authMethod,
      orgId: ORG_ID,
      rootOrgId: ORG_ID,
      parentOrgId: ORG_ID,
      clientSecretId: record.clientSecretId,
      identityAccessTokenId: record.id,
      accessTokenTTL: record.accessTokenTTL,
      accessTokenMaxTTL: record.accessTokenMaxTTL,
      accessTokenPeriod: 0,
      creationEpoch: record.creationEpoch,
      authTokenType: IDENTITY_ACCESS_TOKEN,
      identityAuth: {},
      ...(record.numUsesLimit > 0 ? { numUsesLimit: record.numUsesLimit } : {}),
      iat,
      exp: iat + ttl,
      jti: record.id,
    };
    const accessToken = signJwt(payload, this.authSecret);
    record.jwts.add(accessToken);
    return { accessToken, expiresIn: ttl, accessTokenMaxTTL: record.accessTokenMaxTTL, tokenType: 'Bearer' };
  }

  // ---------------------------------------------------------------- verification

  /** jwt.verify + Infisical's error-handler mapping (403 TokenError). */
  private verify(token: string): JwtPayload {
    try {
      return verifyJwt(token, this.authSecret, this.nowSeconds());
    } catch (err) {
      if (err instanceof JwtVerifyError) throw tokenError(tokenErrorMessage(err.message));
      throw err;
    }
  }

  /** Finds (or, for a validly signed token from an earlier run, adopts) the server-side record. */
  private recordFor(claims: JwtPayload): TokenRecord {
    const tokenId = claims['identityAccessTokenId'];
    const identityId = claims['identityId'];
    if (typeof claims.iat !== 'number' || typeof identityId !== 'string' || !identityId || typeof tokenId !== 'string' || !tokenId) {
      throw unauthorized('Invalid identity access token claims, please re-authenticate');
    }
    let record = this.tokens.get(tokenId);
    if (!record) {
      const num = (v: unknown, d: number): number => (typeof v === 'number' ? v : d);
      const creationEpoch = num(claims['creationEpoch'], claims.iat);
      record = {
        id: tokenId,
        identityId,
        clientSecretId: typeof claims['clientSecretId'] === 'string' ? claims['clientSecretId'] : '',
        authMethod: typeof claims['authMethod'] === 'string' ? claims['authMethod'] : 'universal-auth',
        seq: 0,
        creationEpoch,
        accessTokenTTL: num(claims['accessTokenTTL'], 0),
        accessTokenMaxTTL: num(claims['accessTokenMaxTTL'], 0),
        numUsesLimit: num(claims['numUsesLimit'], 0),
        uses: 0,
        revoked: false,
        jwts: new Set(),
      };
      this.tokens.set(tokenId, record);
    }
    return record;
  }

  private denyReason(record: TokenRecord): DenyReason | null {
    if (record.revoked) return 'token';
    const identity = this.store.identities.get(record.identityId);
    const identityRevokedAt = this.identityRevokedAt.get(record.identityId);
    if (!identity || (identityRevokedAt !== undefined && record.seq <= identityRevokedAt)) return 'identity';
    const secretRevokedAt = this.clientSecretRevokedAt.get(record.clientSecretId);
    if (secretRevokedAt !== undefined && record.seq <= secretRevokedAt) return 'client-secret';
    return null;
  }

  /**
   * The global identity-injection hook: validates a Bearer header and consumes one use.
   * Returns the identity, or null when the token is not an identity access token (treated as
   * "no auth" by Infisical, so protected routes then answer 401 "Token missing").
   */
  authenticate(authorizationHeader: string): IdentityRecord | null {
    const claims = this.verify(authorizationHeader.slice(7));
    if (claims['authTokenType'] !== IDENTITY_ACCESS_TOKEN) return null;
    const record = this.recordFor(claims);
    const reason = this.denyReason(record);
    if (reason) throw unauthorized(denyMessage(reason, 'Failed to authorize'));
    if (record.numUsesLimit > 0 && record.uses >= record.numUsesLimit) {
      throw unauthorized('Failed to authorize: token usage limit reached');
    }
    const identity = this.store.identities.get(record.identityId);
    if (!identity || identity.deleted) {
      throw unauthorized('Failed to authorize: Identity is not a member of the organization');
    }
    record.uses += 1;
    return identity;
  }

  // ---------------------------------------------------------------- renew / revoke

  /**
   * Older Infisical servers renewed in place: the same JWT comes back (its own `exp` unchanged) with a fresh
   * `expiresIn`. Off by default.
   */
  renewInPlace = false;

  renew(accessToken: string): TokenResponse {
    const claims = this.verify(accessToken);
    if (claims['authTokenType'] !== IDENTITY_ACCESS_TOKEN) throw badRequest('Token is not an identity access token');
    const record = this.recordFor(claims);
    const reason = this.denyReason(record);
    if (reason) throw unauthorized(denyMessage(reason, 'Cannot renew'));
    if (record.numUsesLimit > 0 && record.uses >= record.numUsesLimit) {
      throw unauthorized('Cannot renew exhausted access token');
    }
    const ttl = this.computeIssuedTtl(record);
    if (ttl <= 0) throw unauthorized('Cannot renew: identity access token has reached its max TTL');
    const identity = this.store.identities.get(record.identityId);
    if (!identity || identity.deleted) throw unauthorized(denyMessage('identity', 'Cannot renew'));
    if (this.renewInPlace) return { accessToken, expiresIn: ttl, accessTokenMaxTTL: record.accessTokenMaxTTL, tokenType: 'Bearer' };
    return this.issue(identity, record, ttl);
  }

  /** POST /api/v1/auth/token/revoke */
  revoke(accessToken: string): void {
    const claims = this.verify(accessToken);
    if (claims['authTokenType'] !== IDENTITY_ACCESS_TOKEN) throw badRequest('Token is not an identity access token');
    this.recordFor(claims).revoked = true;
  }

  // ---------------------------------------------------------------- admin

  /** Revokes the token id behind a JWT (any JWT of that token, expired or not). */
  adminRevokeToken(accessToken: string): void {
    for (const record of this.tokens.values()) {
      if (record.jwts.has(accessToken)) {
        record.revoked = true;
        return;
      }
    }
    const claims = decodeJwt(accessToken);
    const tokenId = claims?.['identityAccessTokenId'];
    const record = typeof tokenId === 'string' ? this.tokens.get(tokenId) : undefined;
    if (!record) throw new AdminInputError('Unknown access token', 404);
    record.revoked = true;
  }

  adminRevokeIdentityTokens(identityId: string): void {
    this.store.requireIdentity(identityId);
    this.identityRevokedAt.set(identityId, this.sequence);
  }

  adminRevokeClientSecret(clientId: string, secret?: string): void {
    const identity = this.store.requireIdentityByClientId(clientId);
    const targets = identity.clientSecrets.filter((cs) => !cs.revoked && (secret === undefined || cs.secret === secret));
    if (secret !== undefined && targets.length === 0) throw new AdminInputError('Unknown (or already revoked) client secret', 404);
    for (const cs of targets) {
      cs.revoked = true;
      this.clientSecretRevokedAt.set(cs.id, this.sequence);
    }
  }

  adminRestoreClientSecret(clientId: string, secret: string, opts: { ttlSeconds?: number; numUsesLimit?: number } = {}): void {
    const identity = this.store.requireIdentityByClientId(clientId);
    identity.clientSecrets.push({
      id: randomUUID(),
      secret,
      ttlSeconds: opts.ttlSeconds ?? 0,
      numUsesLimit: opts.numUsesLimit ?? 0,
      numUses: 0,
      createdAt: this.now(),
      revoked: false,
    });
  }

  adminDeleteIdentity(identityId: string): void {
    const identity = this.store.requireIdentity(identityId);
    identity.deleted = true;
    this.identityRevokedAt.set(identityId, Number.POSITIVE_INFINITY);
  }

  adminClearLockout(identityId: string): void {
    for (const key of [...this.lockouts.keys()]) if (key.startsWith(`${identityId}:`)) this.lockouts.delete(key);
  }

  /**
   * Mints a token without a login, optionally back-dated: `issuedSecondsAgo` moves the token's
   * creation (the max-TTL budget anchor) into the past while the JWT itself is signed now with
   * `ttlSeconds` (default: the identity's TTL). Models long-lived/legacy tokens whose budget is
   * used up while the JWT is still valid — the only way to reach "reached its max TTL".
   */
  adminMintToken(identityId: string, opts: { ttlSeconds?: number; issuedSecondsAgo?: number } = {}): TokenResponse {
    const identity = this.store.requireIdentity(identityId);
    const now = this.now();
    const createdAtMs = now - (opts.issuedSecondsAgo ?? 0) * 1000;
    const record: TokenRecord = {
      id: randomUUID(),
      identityId,
      clientSecretId: identity.clientSecrets[0]?.id ?? '',
      authMethod: 'token-auth',
      seq: (this.sequence += 1),
      creationEpoch: Math.floor(createdAtMs / 1000),
      accessTokenTTL: identity.accessTokenTTL,
      accessTokenMaxTTL: identity.accessTokenMaxTTL,
      numUsesLimit: identity.accessTokenNumUsesLimit,
      uses: 0,
      revoked: false,
      jwts: new Set(),
    };
    this.tokens.set(record.id, record);
    const ttl = opts.ttlSeconds ?? Math.min(identity.accessTokenTTL || MAX_IDENTITY_ACCESS_TOKEN_TTL, MAX_IDENTITY_ACCESS_TOKEN_TTL);
    return this.issue(identity, record, ttl);
  }
}
