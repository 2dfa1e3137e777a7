import { readFile } from 'node:fs/promises';
import { HttpFailure } from '../api/http-request.js';
import { InfisicalError } from '../errors/infisical.error.js';
import { InfisicalPlatformCredentialError, type KeylessLogin } from '../errors/keyless-login.errors.js';

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

/**
 * A JWT the platform writes to a file: the Kubernetes service-account token (rotated by the kubelet), a CI system's
 * OIDC token file. Read again at every login, so a rotated token is picked up.
 */
export class FileTokenSource implements PlatformTokenSource {
  constructor(
    private readonly login: KeylessLogin,
    private readonly path: string,
  ) {}

  async token(): Promise<string> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      const reason = code === 'ENOENT' || code === 'ENOTDIR' ? 'token-file-missing' : 'token-file-unreadable';
      throw new InfisicalPlatformCredentialError(this.login, reason, { where: this.path, detail: code });
    }
    const jwt = text.trim();
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
