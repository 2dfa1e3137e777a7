import { HttpFailure } from '../api/http-request.js';
import { InfisicalError } from '../errors/infisical.error.js';
import { InfisicalPlatformCredentialError, type KeylessLogin, type PlatformCredentialFailure } from '../errors/keyless-login.errors.js';
import { MAX_TOKEN_FILE_BYTES } from '../infisical.defaults.js';
import type { InfisicalClock } from '../interfaces/infisical-clock.interface.js';
import { readTokenFile, type TokenFileProblem } from './token-file.reader.js';

/** Where a keyless login gets the platform JWT it presents (fetched anew for every login). */
export interface PlatformTokenSource {
  token(signal: AbortSignal): Promise<string>;
}

/** A JWT given as it is (`INFISICAL_JWT`). */
export class FixedTokenSource implements PlatformTokenSource {
  constructor(private readonly jwt: string) {}
  async token(): Promise<string> {
    return this.jwt;
  }
}

/** How a {@link FileTokenSource} bounds its reads. */
export interface TokenFileSettings {
  clock: InfisicalClock;
  /** Longest read (the request timeout); the start-up deadline and shutdown cut it short through the login's signal. */
  timeoutMs: number;
  /** Largest file read (default `MAX_TOKEN_FILE_BYTES`, 64 KB). */
  maxBytes?: number;
}

const FAILURES: Record<TokenFileProblem, PlatformCredentialFailure> = {
  missing: 'token-file-missing',
  unreadable: 'token-file-unreadable',
  'not-regular': 'token-file-not-regular',
  'too-large': 'token-file-too-large',
  timeout: 'token-file-timeout',
};

/**
 * A JWT the platform writes to a file: the Kubernetes service-account token (rotated by the kubelet), a CI system's
 * OIDC token file. Read again at every login, so a rotated token is picked up, and a file fixed after a failure is
 * used at the next attempt. Read within bounds (see {@link readTokenFile}): a FIFO, a device or a directory, a file
 * over the size cap or a read that does not end in time is refused before anything is sent to Infisical.
 */
export class FileTokenSource implements PlatformTokenSource {
  constructor(
    private readonly login: KeylessLogin,
    private readonly path: string,
    private readonly settings: TokenFileSettings,
  ) {}

  async token(signal: AbortSignal): Promise<string> {
    const { clock, timeoutMs, maxBytes = MAX_TOKEN_FILE_BYTES } = this.settings;
    const read = await readTokenFile(this.path, { clock, timeoutMs, maxBytes, signal });
    if (!read.ok) {
      throw new InfisicalPlatformCredentialError(this.login, FAILURES[read.problem], { where: this.path, detail: read.detail }, read.problem === 'timeout');
    }
    const jwt = read.text.trim();
    if (!jwt) throw new InfisicalPlatformCredentialError(this.login, 'token-file-empty', { where: this.path, detail: 'empty' });
    return jwt;
  }
}

/** An attempt at a platform endpoint that failed: the canceller's own error, or the failure in a few words. */
export function platformFailure(error: unknown): { cancelled?: InfisicalError; detail: string; transient: boolean } {
  if (!(error instanceof HttpFailure)) throw error;
  if (error.kind === 'cancelled' && error.reason instanceof InfisicalError) return { cancelled: error.reason, detail: error.detail, transient: true };
  return { detail: error.detail, transient: error.kind === 'timeout' || error.kind === 'cancelled' };
}
