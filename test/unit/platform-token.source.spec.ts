/** Where keyless logins get the platform JWT: as given, or read from a file at every login; and how a failed attempt at a platform endpoint is told. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpFailure } from '../../src/infisical/api/http-request.js';
import { FileTokenSource, FixedTokenSource, platformFailure } from '../../src/infisical/auth/platform-token.source.js';
import { InfisicalTokenError } from '../../src/infisical/errors/authentication.errors.js';
import { InfisicalPlatformCredentialError, type KeylessLogin } from '../../src/infisical/errors/keyless-login.errors.js';
import { failureOf as failureOfAny } from '../support/deferred.js';

const LOGIN: KeylessLogin = { method: 'kubernetes', label: 'Kubernetes Auth', identityId: 'b0000000-0000-4000-8000-000000000001' };
const TARGET = { siteUrl: 'https://infisical.example', projectId: 'p', environment: 'prod', secretPath: '/' };

const failureOf = (promise: Promise<unknown>) => failureOfAny<InfisicalPlatformCredentialError>(promise);

describe('FixedTokenSource', () => {
  it('gives the JWT it was given, every time', async () => {
    const source = new FixedTokenSource('a.b.c');
    await expect(source.token()).resolves.toBe('a.b.c');
    await expect(source.token()).resolves.toBe('a.b.c');
  });
});

describe('FileTokenSource', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'token-source-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the file at every login, trimmed, so a rotated token is picked up', async () => {
    const path = join(dir, 'token');
    await writeFile(path, '  header.payload.first\n');
    const source = new FileTokenSource(LOGIN, path);
    await expect(source.token()).resolves.toBe('header.payload.first');
    await writeFile(path, 'header.payload.second');
    await expect(source.token()).resolves.toBe('header.payload.second');
  });

  it.each([
    ['a file that does not exist', (d: string) => join(d, 'absent'), 'token-file-missing', 'ENOENT'],
    ['a path through a regular file', (d: string) => join(d, 'plain', 'token'), 'token-file-missing', 'ENOTDIR'],
    ['a directory', (d: string) => d, 'token-file-unreadable', 'EISDIR'],
  ])('%s', async (_name, pathOf, reason, code) => {
    await writeFile(join(dir, 'plain'), 'x');
    const path = pathOf(dir);
    const error = await failureOf(new FileTokenSource(LOGIN, path).token());
    expect(error).toBeInstanceOf(InfisicalPlatformCredentialError);
    expect(error.reason).toBe(reason);
    expect(error.transient).toBe(false);
    expect(error.detail).toEqual({ method: 'kubernetes', identityId: LOGIN.identityId, reason, where: path });
    expect(error.message).toContain(`(${code})`);
  });

  it.each([['empty', ''], ['blank', ' \n\t ']])('a file that is %s', async (_name, content) => {
    const path = join(dir, 'empty');
    await writeFile(path, content);
    const error = await failureOf(new FileTokenSource(LOGIN, path).token());
    expect(error.reason).toBe('token-file-empty');
    expect(error.detail).toMatchObject({ where: path });
  });
});

describe('platformFailure', () => {
  it('a cancellation by the module (deadline, shutdown) is that error, transient', () => {
    const reason = new InfisicalTokenError(TARGET, 'expired');
    expect(platformFailure(new HttpFailure('cancelled', 'the request was cancelled', reason))).toEqual({ cancelled: reason, detail: 'the request was cancelled', transient: true });
  });

  it.each([
    ['cancelled', 'some other reason', true],
    ['timeout', undefined, true],
    ['network', undefined, false],
    ['tls', undefined, false],
    ['too-large', undefined, false],
    ['redirect', undefined, false],
  ] as const)('%s: transient %s, in a few words', (kind, reason, transient) => {
    expect(platformFailure(new HttpFailure(kind, 'what happened', reason))).toEqual({ detail: 'what happened', transient });
  });

  it('anything that is not an HTTP failure is not its business: thrown on', () => {
    const bug = new TypeError('bug');
    expect(() => platformFailure(bug)).toThrow(bug);
  });
});
