/** Where keyless logins get the platform JWT: as given, or read from a file at every login; and how a failed attempt at a platform endpoint is told. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpFailure } from '../../src/infisical/api/http-request.js';
import { FileTokenSource, FixedTokenSource, platformFailure } from '../../src/infisical/auth/platform-token.source.js';
import { InfisicalTokenError } from '../../src/infisical/errors/authentication.errors.js';
import { InfisicalPlatformCredentialError, type KeylessLogin } from '../../src/infisical/errors/keyless-login.errors.js';
import { MAX_TOKEN_FILE_BYTES } from '../../src/infisical/infisical.defaults.js';
import { failureOf as failureOfAny } from '../support/deferred.js';
import { ManualClock } from '../support/manual-clock.js';

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
  const clock = new ManualClock();
  const SETTINGS = { clock, timeoutMs: 2000 };
  const signal = new AbortController().signal;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'token-source-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the file at every login, trimmed, so a rotated token is picked up', async () => {
    const path = join(dir, 'token');
    await writeFile(path, '  header.payload.first\n');
    const source = new FileTokenSource(LOGIN, path, SETTINGS);
    await expect(source.token(signal)).resolves.toBe('header.payload.first');
    await writeFile(path, 'header.payload.second');
    await expect(source.token(signal)).resolves.toBe('header.payload.second');
  });

  it.each([
    ['a file that does not exist', (d: string) => join(d, 'absent'), 'token-file-missing', '(ENOENT)'],
    ['a path through a regular file', (d: string) => join(d, 'plain', 'token'), 'token-file-missing', '(ENOTDIR)'],
    ['a directory', (d: string) => d, 'token-file-not-regular', 'is a directory, not a regular file'],
    ['a FIFO', (d: string) => join(d, 'fifo'), 'token-file-not-regular', 'is a FIFO (named pipe), not a regular file'],
    ['a device', () => '/dev/zero', 'token-file-not-regular', 'is a device or another special file, not a regular file'],
    ['a file over 64 KB', (d: string) => join(d, 'big'), 'token-file-too-large', `(${MAX_TOKEN_FILE_BYTES + 1} bytes; the most read is ${MAX_TOKEN_FILE_BYTES})`],
  ])('%s: refused, naming the file, not transient', async (_name, pathOf, reason, words) => {
    await writeFile(join(dir, 'plain'), 'x');
    await writeFile(join(dir, 'big'), 'a'.repeat(MAX_TOKEN_FILE_BYTES + 1));
    if (!existsSync(join(dir, 'fifo'))) execFileSync('mkfifo', [join(dir, 'fifo')]);
    const path = pathOf(dir);
    const error = await failureOf(new FileTokenSource(LOGIN, path, SETTINGS).token(signal));
    expect(error).toBeInstanceOf(InfisicalPlatformCredentialError);
    expect(error.reason).toBe(reason);
    expect(error.transient).toBe(false);
    expect(error.detail).toEqual({ method: 'kubernetes', identityId: LOGIN.identityId, reason, where: path });
    expect(error.message).toContain(`the token file ${path}`);
    expect(error.message).toContain(words);
    expect(error.message).toContain('INFISICAL_KUBERNETES_TOKEN_PATH / auth.kubernetes.tokenPath');
  });

  it('the size cap can be set lower (maxBytes)', async () => {
    const path = join(dir, 'small-cap');
    await writeFile(path, 'header.payload.sig');
    const error = await failureOf(new FileTokenSource(LOGIN, path, { ...SETTINGS, maxBytes: 10 }).token(signal));
    expect(error.reason).toBe('token-file-too-large');
  });

  it('a read cut short (deadline, shutdown, timeout) is a transient "token-file-timeout" naming the file', async () => {
    const aborted = new AbortController();
    aborted.abort(new Error('deadline'));
    const path = join(dir, 'token');
    const error = await failureOf(new FileTokenSource(LOGIN, path, SETTINGS).token(aborted.signal));
    expect(error).toMatchObject({ reason: 'token-file-timeout', transient: true });
    expect(error.message).toContain(`the token file ${path} (INFISICAL_KUBERNETES_TOKEN_PATH / auth.kubernetes.tokenPath) could not be read in time`);
  });

  it('a JWT file names INFISICAL_JWT_FILE and the option of its method', async () => {
    const jwtLogin: KeylessLogin = { method: 'jwt', label: 'JWT Auth', identityId: LOGIN.identityId };
    const error = await failureOf(new FileTokenSource(jwtLogin, '/dev/zero', SETTINGS).token(signal));
    expect(error.message).toContain('(INFISICAL_JWT_FILE / auth.jwt.jwtFile)');
    expect(error.fix).toBe('point INFISICAL_JWT_FILE / auth.jwt.jwtFile at the regular file the platform writes the token to (Kubernetes: the projected service-account token).');
  });

  it('a file fixed after a failure is used at the next login (nothing cached)', async () => {
    const path = join(dir, 'swapped');
    execFileSync('mkfifo', [path]);
    const source = new FileTokenSource(LOGIN, path, SETTINGS);
    expect((await failureOf(source.token(signal))).reason).toBe('token-file-not-regular');
    await rm(path);
    await writeFile(path, 'header.payload.fixed\n');
    await expect(source.token(signal)).resolves.toBe('header.payload.fixed');
  });

  it.each([['empty', ''], ['blank', ' \n\t ']])('a file that is %s', async (_name, content) => {
    const path = join(dir, 'empty');
    await writeFile(path, content);
    const error = await failureOf(new FileTokenSource(LOGIN, path, SETTINGS).token(signal));
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
