/**
 * `npm run infisical:local -- --keyless <method>`: one command starts the local server with a platform's fake, and
 * the variables it prints (no client secret) are all the sample app (dist/main.js) needs to boot healthy.
 */
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppProcess } from '../support/app-process.js';
import { freePort } from '../support/free-port.js';

/** The login route of each method on the local server. */
const LOGIN_ROUTES: Record<string, string> = {
  'gcp-id-token': '/api/v1/auth/gcp-auth/login',
  kubernetes: '/api/v1/auth/kubernetes-auth/login',
  oidc: '/api/v1/auth/oidc-auth/login',
  jwt: '/api/v1/auth/jwt-auth/login',
  'aws-iam': '/api/v1/auth/aws-auth/login',
};

/** Starts `main.ts` with args; resolves with the child and the `export` lines it printed, as name → value. */
async function startLocal(args: string[]): Promise<{ child: ChildProcess; output: () => string; env: Record<string, string> }> {
  let output = '';
  const { INFISICAL_LOCAL_PORT: _port, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/infisical-server/main.ts', '--port', '0', ...args], { env: inherited, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const deadline = Date.now() + 20_000;
  while (!/Admin routes:/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL'); // never left running after a failed start
      throw new Error(`the local server did not start within 20 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const env = Object.fromEntries([...output.matchAll(/^ {2}export (\w+)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
  return { child, output: () => output, env };
}

const stop = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });

describe('npm run infisical:local -- --keyless <method>', () => {
  let local: ChildProcess | undefined;
  let app: AppProcess | undefined;
  const cwd = mkdtempSync(join(tmpdir(), 'local-keyless-'));

  afterEach(async () => {
    if (app) await app.stop();
    app = undefined;
    if (local) await stop(local);
    local = undefined;
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it.each([
    ['gcp', 'gcp-id-token', 'GCE_METADATA_HOST'],
    ['kubernetes', 'kubernetes', 'INFISICAL_KUBERNETES_TOKEN_PATH'],
    ['oidc', 'oidc', 'INFISICAL_JWT_FILE'],
    ['jwt', 'jwt', 'INFISICAL_JWT_FILE'],
    ['aws', 'aws-iam', 'AWS_ACCESS_KEY_ID'],
  ])('--keyless %s prints keyless variables (no client secret) with which the sample app boots healthy', async (flag, method, platformVariable) => {
    const started = await startLocal(['--keyless', flag]);
    local = started.child;
    const { env } = started;
    expect(env).toMatchObject({ INFISICAL_AUTH_METHOD: method, INFISICAL_ENVIRONMENT: 'dev' });
    expect(Object.keys(env)).toContain(platformVariable);
    expect(Object.keys(env)).not.toContain('INFISICAL_CLIENT_SECRET');
    expect(started.output()).not.toMatch(/clientSecret|INFISICAL_CLIENT_SECRET/);

    app = new AppProcess(await freePort(), env, cwd);
    const ready = await app.waitFor('/health/infisical', (r) => r.status === 200);
    expect(ready.body).toMatchObject({ status: 'ok', info: { infisical: { status: 'up', source: 'infisical' } } });
    const requests = (await (await fetch(`${env['INFISICAL_SITE_URL']}/__admin/requests`)).json()) as { requests: Array<{ path: string }> };
    expect(requests.requests.map((r) => r.path)).toContain(LOGIN_ROUTES[method]);
    expect((await app.stop()).code).toBe(0);
    app = undefined;
  });

  it('--keyless with an unknown method exits 1 naming the accepted ones, before listening', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/infisical-server/main.ts', '--port', '0', '--keyless', 'azure'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const code = await new Promise((resolve) => child.once('close', resolve));
    expect({ code, stdout, stderr }).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Unknown --keyless method "azure": use one of gcp, gcp-id-token, kubernetes, oidc, jwt, aws, aws-iam\n',
    });
  });
});
