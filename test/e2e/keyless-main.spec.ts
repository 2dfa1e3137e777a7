/**
 * Keyless deployment as Cloud Run / Kubernetes / CI / AWS run it: `node dist/main.js` and `verify-infisical`
 * configured only through the environment (no client secret), against the local server and the platform fakes.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AppProcess, runNode } from '../support/app-process.js';
import { APP_DEV, APP_PROD, APP_PROJECT_ID, appSeedSecrets, createAppSeed } from '../support/fixtures/app-seed.js';
import { closedPortUrl } from '../support/infisical-app.js';
import { freePort } from '../support/free-port.js';
import { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { AWS_TEST_PRINCIPAL } from '../support/keyless/fake-aws-credentials.server.js';
import { GCP_SERVICE_ACCOUNT } from '../support/keyless/fake-gcp-metadata.server.js';
import { startKeylessWorld, type KeylessWorld } from '../support/keyless/keyless-world.js';
import { findLeaks } from '../support/log-capture.js';
import { codeBlocks } from '../../scripts/doc-blocks.mjs';

const CLI = resolve(process.cwd(), 'dist/infisical/cli/verify-infisical.js');
const CLI_ARGS = ['--schema', resolve(process.cwd(), 'dist/config/app-environment.js#AppEnvironment'), '--credentials', 'gmail,gemini,notion'];
/** Any JWT — none may ever be printed. */
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/;

/**
 * The keyless deploy of docs/cloud-run.md as bash runs it: the guide's bash blocks that call gcloud, in order up to
 * the `gcloud run deploy` with INFISICAL_AUTH_METHOD=gcp-id-token, run as written (`set -eu`: every variable they use
 * is set by them) with `gcloud` recording its arguments and nothing else on the PATH. Returns that deploy's
 * --service-account and the variables of its --set-env-vars.
 */
function keylessCloudRunRecipe(): { serviceAccount: string; env: Record<string, string> } {
  const guide = resolve(process.cwd(), 'docs/cloud-run.md');
  const blocks = codeBlocks(readFileSync(guide, 'utf8'), guide).filter((b) => b.lang === 'bash' && /^\s*gcloud /m.test(b.code));
  const last = blocks.findIndex((b) => /gcloud run deploy[\s\S]*INFISICAL_AUTH_METHOD=gcp-id-token/.test(b.code));
  expect(last).toBeGreaterThanOrEqual(0);
  const script = [
    'set -eu',
    "gcloud() { printf '%s\\037' \"$@\"; printf '\\036'; }",
    'command_not_found_handle() { echo "the recipe runs $1, which this test does not stand in for" >&2; return 127; }',
    ...blocks.slice(0, last + 1).map((b) => b.code),
  ].join('\n');
  const run = spawnSync('/bin/bash', ['--noprofile', '--norc', '-c', script], { env: { PATH: '/nonexistent' }, encoding: 'utf8' });
  expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
  const calls = run.stdout.split('\x1e').filter((call) => call.length > 0).map((call) => call.split('\x1f').slice(0, -1));
  const deploy = calls.filter((args) => args[0] === 'run' && args[1] === 'deploy' && args.some((a) => a.includes('gcp-id-token'))).at(-1)!;
  const flag = (name: string): string => {
    const inline = deploy.find((a) => a.startsWith(`--${name}=`));
    const value = inline === undefined ? deploy[deploy.indexOf(`--${name}`) + 1] : inline.slice(name.length + 3);
    expect(value).toBeDefined();
    return value!;
  };
  const env = Object.fromEntries(flag('set-env-vars').split(',').map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
  return { serviceAccount: flag('service-account'), env };
}

describe('keyless deployment: node dist/main.js and verify-infisical with only non-secret variables', () => {
  let server: LocalInfisicalServer;
  let world: KeylessWorld;
  let app: AppProcess | undefined;
  const cwd = mkdtempSync(join(tmpdir(), 'keyless-main-'));
  const jwtFile = join(cwd, 'ci-token');

  const base = () => ({ INFISICAL_SITE_URL: server.url, INFISICAL_PROJECT_ID: APP_PROJECT_ID, INFISICAL_ENVIRONMENT: 'dev', INFISICAL_IDENTITY_ID: APP_DEV.id });
  const methods: Record<string, () => Record<string, string>> = {
    'gcp-id-token': () => ({ ...base(), INFISICAL_AUTH_METHOD: 'gcp-id-token', GCE_METADATA_HOST: world.metadata.host }),
    kubernetes: () => ({ ...base(), INFISICAL_AUTH_METHOD: 'kubernetes', INFISICAL_KUBERNETES_TOKEN_PATH: world.kubernetes.path }),
    oidc: () => ({ ...base(), INFISICAL_AUTH_METHOD: 'oidc', INFISICAL_JWT: world.ciToken(world.oidc, {}, 3600) }),
    jwt: () => (writeFileSync(jwtFile, world.ciToken(world.jwt, {}, 3600)), { ...base(), INFISICAL_AUTH_METHOD: 'jwt', INFISICAL_JWT_FILE: jwtFile }),
    'aws-iam': () => ({ ...base(), INFISICAL_AUTH_METHOD: 'aws-iam', AWS_ACCESS_KEY_ID: AWS_TEST_PRINCIPAL.accessKeyId, AWS_SECRET_ACCESS_KEY: AWS_TEST_PRINCIPAL.secretAccessKey, AWS_REGION: 'us-west-2' }),
    token: () => {
      const { INFISICAL_IDENTITY_ID: _, ...rest } = base();
      return { ...rest, INFISICAL_TOKEN: server.mintAccessToken(APP_DEV.id, { ttlSeconds: 3600 }).accessToken };
    },
  };
  const expectNoLeaks = (output: string) => {
    expect(findLeaks(output, [...world.platformSecrets(), ...server.issuedAccessTokens(), ...appSeedSecrets()])).toEqual([]);
    expect(output).not.toMatch(JWT);
  };

  beforeAll(async () => {
    server = await LocalInfisicalServer.start({ seed: createAppSeed() });
    world = await startKeylessWorld(server, Date.now, APP_DEV.id);
  });
  afterEach(() => {
    app?.kill();
    app = undefined;
  });
  afterAll(async () => {
    await world.close();
    await server.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it.each(Object.keys(methods))('INFISICAL_AUTH_METHOD=%s: the app boots healthy, verify-infisical passes', async (method) => {
    const env = methods[method]!();
    app = new AppProcess(await freePort(), env, cwd);
    const ready = await app.waitFor('/health/infisical', (r) => r.status === 200);
    expect(ready.body).toMatchObject({ status: 'ok', info: { infisical: { status: 'up', source: 'infisical' } } });
    expect((await app.stop()).code).toBe(0);
    expectNoLeaks(app.output);

    const run = await runNode(CLI, CLI_ARGS, env, cwd);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(method === 'token' ? /Token Auth/ : new RegExp(`login \\(${['GCP ID Token Auth', 'Kubernetes Auth', 'OIDC Auth', 'JWT Auth', 'AWS IAM Auth'].find((l) => run.stdout.includes(l))}\\)`));
    expectNoLeaks(run.stdout);
  });

  it("runs docs/cloud-run.md's keyless recipe: the service account it deploys with, only the variables it sets", async () => {
    const { serviceAccount, env } = keylessCloudRunRecipe();
    expect(env['INFISICAL_AUTH_METHOD']).toBe('gcp-id-token');
    expect(Object.keys(env).some((name) => /SECRET|TOKEN$/.test(name))).toBe(false);
    // Only what the recipe leaves for the reader to fill in, or names Infisical Cloud by, points at the local world.
    const local: Record<string, string> = { INFISICAL_IDENTITY_ID: APP_PROD.id, INFISICAL_PROJECT_ID: APP_PROJECT_ID, INFISICAL_SITE_URL: server.url };
    expect(env['INFISICAL_SITE_URL']).toBe('https://app.infisical.com');
    for (const name of Object.keys(local)) expect(env).toHaveProperty(name);
    server.configureKeylessAuth(APP_PROD.id, { method: 'gcp-id-token', allowedServiceAccounts: serviceAccount });
    world.metadata.email = serviceAccount; // Cloud Run's metadata server speaks for the service account of the deploy
    try {
      app = new AppProcess(await freePort(), { ...env, ...local, GCE_METADATA_HOST: world.metadata.host }, cwd);
      const ready = await app.waitFor('/health/infisical', (r) => r.status === 200);
      expect(ready.body).toMatchObject({ info: { infisical: { status: 'up', environment: env['INFISICAL_ENVIRONMENT'] } } });
      expect((await app.stop()).code).toBe(0);
      expectNoLeaks(app.output);
    } finally {
      world.metadata.email = GCP_SERVICE_ACCOUNT;
      server.removeKeylessAuth(APP_PROD.id, 'gcp-id-token');
    }
  });

  const failures: Array<[string, () => Promise<Record<string, string>>, number, RegExp[]]> = [
    ['not on Google Cloud', async () => ({ ...methods['gcp-id-token']!(), GCE_METADATA_HOST: new URL(await closedPortUrl()).host }), 12, [/GCP metadata server at http:\/\/127\.0\.0\.1:\d+ \(GCE_METADATA_HOST\) did not answer/, /Fix: run on Google Cloud/]],
    ['identity without the method', async () => ({ ...methods['gcp-id-token']!(), INFISICAL_IDENTITY_ID: APP_PROD.id }), 13, [/has no GCP ID Token Auth for machine identity/, /did you configure GCP auth\?/]],
    ['token file missing', async () => ({ ...methods.kubernetes!(), INFISICAL_KUBERNETES_TOKEN_PATH: join(cwd, 'no-such-token') }), 12, [/the token file .*no-such-token does not exist \(ENOENT\)/, /INFISICAL_KUBERNETES_TOKEN_PATH/]],
    ['a client secret beside gcp-id-token', async () => ({ ...methods['gcp-id-token']!(), INFISICAL_CLIENT_SECRET: APP_DEV.clientSecret }), 2, [/INFISICAL_CLIENT_SECRET \(option auth\): is set, but the login method is gcp-id-token \(GCP ID Token Auth\), which does not use it: remove it/]],
    ['identity ID missing', async () => {
      const { INFISICAL_IDENTITY_ID: _, ...env } = methods['gcp-id-token']!();
      return env;
    }, 2, [/INFISICAL_IDENTITY_ID \(option auth\.gcpIdToken\.identityId\): is required with INFISICAL_AUTH_METHOD=gcp-id-token/]],
    ['a cache file without INFISICAL_CACHE_KEY', async () => {
      return { ...methods['gcp-id-token']!(), INFISICAL_CACHE_FILE: join(cwd, 'snapshot.bin') };
    }, 2, [/INFISICAL_CACHE_KEY \(option persistentCache\.key\): is required with this login method/]],
  ];
  it.each(failures)('%s: the app exits 1, verify-infisical exits with the documented code, both with the same message', async (_name, env, cliExit, says) => {
    const variables = await env();
    app = new AppProcess(await freePort(), variables, cwd);
    const exit = await app.exited;
    expect(exit.code).toBe(1);
    for (const fragment of says) expect(app.stderr).toMatch(fragment);
    expectNoLeaks(app.output);

    const run = await runNode(CLI, CLI_ARGS, variables, cwd);
    expect(run.code).toBe(cliExit);
    for (const fragment of says) expect(run.stdout + run.stderr).toMatch(fragment);
    expectNoLeaks(run.stdout + run.stderr);
  });
});
