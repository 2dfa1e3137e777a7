/** A token file that cannot be used is named with its path, the variable and option that set it, and the fix. */
import { describe, expect, it } from '@jest/globals';
import { InfisicalPlatformCredentialError, tokenFileSetting, type KeylessLogin, type KeylessMethodName } from '../../src/infisical/errors/keyless-login.errors.js';

const login = (method: KeylessMethodName, label: string): KeylessLogin => ({ method, label, identityId: 'id-7' });
const K8S = login('kubernetes', 'Kubernetes Auth');
const facts = { where: '/var/run/secrets/token', detail: 'a FIFO (named pipe)' };

describe('tokenFileSetting', () => {
  it('names the variable and the option of the method that reads a token file', () => {
    expect(tokenFileSetting('kubernetes')).toBe('INFISICAL_KUBERNETES_TOKEN_PATH / auth.kubernetes.tokenPath');
    expect(tokenFileSetting('oidc')).toBe('INFISICAL_JWT_FILE / auth.oidc.jwtFile');
    expect(tokenFileSetting('jwt')).toBe('INFISICAL_JWT_FILE / auth.jwt.jwtFile');
    expect(tokenFileSetting('gcp-id-token')).toBe('INFISICAL_KUBERNETES_TOKEN_PATH / INFISICAL_JWT_FILE / auth.kubernetes.tokenPath / auth.*.jwtFile');
  });
});

describe('InfisicalPlatformCredentialError for token files', () => {
  const head = 'Kubernetes Auth (INFISICAL_AUTH_METHOD=kubernetes): ';
  const setting = 'INFISICAL_KUBERNETES_TOKEN_PATH / auth.kubernetes.tokenPath';

  it('not a regular file', () => {
    const error = new InfisicalPlatformCredentialError(K8S, 'token-file-not-regular', facts);
    expect(error.problem).toBe(`${head}the token file /var/run/secrets/token (${setting}) is a FIFO (named pipe), not a regular file: it is not read, so that it cannot hang or flood the login.`);
    expect(error.fix).toBe(`point ${setting} at the regular file the platform writes the token to (Kubernetes: the projected service-account token).`);
    expect(error).toMatchObject({ code: 'INFISICAL_PLATFORM_CREDENTIAL_UNAVAILABLE', transient: false });
    expect(error.detail).toEqual({ method: 'kubernetes', identityId: 'id-7', reason: 'token-file-not-regular', where: '/var/run/secrets/token' });
  });

  it('too large', () => {
    const error = new InfisicalPlatformCredentialError(login('oidc', 'OIDC Auth'), 'token-file-too-large', { where: '/ci/token', detail: '209715200 bytes; the most read is 65536' });
    expect(error.problem).toBe(
      'OIDC Auth (INFISICAL_AUTH_METHOD=oidc): the token file /ci/token (INFISICAL_JWT_FILE / auth.oidc.jwtFile) is too large to be a token (209715200 bytes; the most read is 65536): nothing was read or sent.',
    );
    expect(error.fix).toBe('point INFISICAL_JWT_FILE / auth.oidc.jwtFile at the file that holds only the JWT (a few KB).');
  });

  it('not read in time (transient)', () => {
    const error = new InfisicalPlatformCredentialError(K8S, 'token-file-timeout', { where: '/t', detail: 'no answer within 2000 ms' }, true);
    expect(error.problem).toBe(`${head}the token file /t (${setting}) could not be read in time (no answer within 2000 ms).`);
    expect(error.fix).toBe('check the volume the file is on (a hung network file system?); the file is read again at the next attempt.');
    expect(error.transient).toBe(true);
  });

  it('missing and unreadable files name the setting to change in the fix', () => {
    expect(new InfisicalPlatformCredentialError(K8S, 'token-file-missing', { where: '/t', detail: 'ENOENT' }).fix).toBe(
      `mount the token (Kubernetes: automountServiceAccountToken, or a projected service-account token volume) or set ${setting} to where it is.`,
    );
    expect(new InfisicalPlatformCredentialError(login('jwt', 'JWT Auth'), 'token-file-unreadable', { where: '/t', detail: 'EACCES' }).fix).toBe(
      'let the user this process runs as read the file (check its mode and the pod securityContext), or point INFISICAL_JWT_FILE / auth.jwt.jwtFile at a readable copy.',
    );
  });
});
