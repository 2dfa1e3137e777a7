/** The HTTP admin surface (/__admin/*), the demo seed / standalone helper, and clean shutdown. */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { InfisicalSDK } from '@infisical/sdk';

import { DEV_IDENTITY, TEST_PROJECT_ID } from '../support/fixtures/test-seed.js';
import { DEMO_SEED_PATH, type LocalInfisicalServer, loadSeed, startDemoServer } from '../support/infisical-server/index.js';
import { errorOf, listPath, raw, rawLogin, sdkFor, startTestServer } from './contract-helpers.js';

const demoSeed = loadSeed(DEMO_SEED_PATH);

describe('contract: admin HTTP surface', () => {
  let server: LocalInfisicalServer;

  beforeEach(async () => {
    server = await startTestServer({ adminToken: 'let-me-in' });
  });
  afterEach(async () => {
    await server.close();
  });

  const admin = (path: string, method: string, body?: unknown, adminToken = 'let-me-in') =>
    raw(server, `/__admin${path}`, { method, ...(body === undefined ? {} : { body }), headers: { 'x-admin-token': adminToken } });

  it('requires x-admin-token when configured', async () => {
    const res = await admin('/time', 'GET', undefined, 'wrong');
    expect([res.status, res.body.message]).toEqual([401, 'Missing or invalid x-admin-token']);
    expect((await admin('/time', 'GET')).body).toEqual({ ok: true, now: server.now() });
  });

  it('secrets: set (versioned), read the version, delete', async () => {
    const set = await admin('/secrets', 'POST', { projectId: TEST_PROJECT_ID, environment: 'dev', path: '/app', key: 'APP_PORT', value: '7000' });
    expect(set.body).toEqual({ ok: true, version: 2 });
    const created = await admin('/secrets', 'POST', { projectId: TEST_PROJECT_ID, environment: 'dev', path: '/new/folder', key: 'NEW_KEY', value: 'v' });
    expect(created.body.version).toBe(1);
    const version = await admin(`/secrets/version?projectId=${TEST_PROJECT_ID}&environment=dev&path=/app&key=APP_PORT`, 'GET');
    expect(version.body.version).toBe(2);

    const sdk = await sdkFor(server, DEV_IDENTITY);
    const get = (secretName: string, secretPath: string) => sdk.secrets().getSecret({ projectId: TEST_PROJECT_ID, environment: 'dev', secretName, secretPath });
    expect((await get('APP_PORT', '/app')).secretValue).toBe('7000');
    expect((await get('NEW_KEY', '/new/folder')).secretValue).toBe('v');

    expect((await admin('/secrets', 'DELETE', { projectId: TEST_PROJECT_ID, environment: 'dev', path: '/app', key: 'APP_PORT' })).status).toBe(200);
    await expect(get('APP_PORT', '/app')).rejects.toThrow("[StatusCode=404] Secret with name 'APP_PORT' not found");
    const missing = await admin('/secrets', 'DELETE', { projectId: TEST_PROJECT_ID, environment: 'dev', path: '/app', key: 'APP_PORT' });
    expect(missing.status).toBe(404);
  });

  it('time, token revocation, client secrets, identities and permissions', async () => {
    const token = await rawLogin(server, DEV_IDENTITY);
    await admin('/permissions', 'POST', { identityId: DEV_IDENTITY.id, projectId: TEST_PROJECT_ID, read: ['prod'] });
    expect((await raw(server, listPath({ secretPath: '/app' }), { token })).body.secrets).toEqual([]);

    await admin('/tokens/revoke', 'POST', { accessToken: token });
    expect((await raw(server, listPath(), { token })).body.message).toBe('Failed to authorize: token has been revoked');

    const token2 = await rawLogin(server, DEV_IDENTITY);
    expect((await admin('/time/advance', 'POST', { seconds: 2592000 })).body.now).toBe(server.now());
    expect((await raw(server, listPath(), { token: token2 })).body.message).toBe('Your token has expired. Please re-authenticate.');

    await admin('/client-secrets/revoke', 'POST', { clientId: DEV_IDENTITY.clientId });
    const denied = await raw(server, '/api/v1/auth/universal-auth/login', { body: { clientId: DEV_IDENTITY.clientId, clientSecret: DEV_IDENTITY.clientSecret } });
    expect(denied.body.message).toBe('Invalid credentials');
    await admin('/client-secrets/restore', 'POST', { clientId: DEV_IDENTITY.clientId, secret: DEV_IDENTITY.clientSecret });
    const token3 = await rawLogin(server, DEV_IDENTITY);

    await admin(`/identities/${DEV_IDENTITY.id}/delete`, 'POST');
    expect((await raw(server, listPath(), { token: token3 })).status).toBe(401);
  });

  it('faults, rate limit and the request log over HTTP (admin calls are not logged)', async () => {
    const token = await rawLogin(server, DEV_IDENTITY);
    await admin('/requests', 'DELETE');
    const fault = await admin('/faults', 'POST', { kind: 'status', status: 502, message: 'upstream down', error: 'BadGateway', times: 1 });
    expect(fault.body.id).toEqual(expect.any(String));
    const failed = await raw(server, listPath(), { token });
    expect([failed.status, failed.body.message, failed.body.error]).toEqual([502, 'upstream down', 'BadGateway']);
    expect((await admin('/faults', 'POST', { kind: 'nonsense' })).status).toBe(400);

    await admin('/rate-limit', 'POST', { limit: 1, windowSeconds: 10 });
    expect((await raw(server, listPath({ secretPath: '/app' }), { token })).status).toBe(200);
    expect((await raw(server, listPath({ secretPath: '/app' }), { token })).status).toBe(429);
    await admin('/rate-limit', 'POST', { limit: null });
    expect((await raw(server, listPath({ secretPath: '/app' }), { token })).status).toBe(200);

    const log = await admin('/requests', 'GET');
    expect(log.body.requests.map((r: { status: number }) => r.status)).toEqual([502, 200, 429, 200]);
    expect(log.body.requests.every((r: { path: string }) => r.path === '/api/v3/secrets/raw')).toBe(true);
    expect(log.body.requests[1]).toMatchObject({ method: 'GET', query: { secretPath: '/app', environment: 'dev' }, identityId: DEV_IDENTITY.id });
  });

  it('a fault with `query` hits only the requests with those parameters; the log has start and end times', async () => {
    const token = await rawLogin(server, DEV_IDENTITY);
    server.clearRequests();
    server.injectFault({ kind: 'status', status: 503, path: '/api/v3/secrets/raw', query: { secretPath: '/app' } });
    server.injectFault({ kind: 'latency', ms: 50, path: '/api/v3/secrets/raw', query: { secretPath: '/' }, times: 1 });
    expect(() => server.injectFault({ kind: 'drop', query: { secretPath: 1 as unknown as string } })).toThrow('query must map parameter names to string values');
    const [root, app] = await Promise.all([raw(server, listPath({ secretPath: '/' }), { token }), raw(server, listPath({ secretPath: '/app' }), { token })]);
    expect([root.status, app.status]).toEqual([200, 503]);
    const logged = server.requestsTo('/api/v3/secrets/raw');
    const slow = logged.find((r) => r.query.secretPath === '/')!;
    const failed = logged.find((r) => r.query.secretPath === '/app')!;
    expect(slow.endedAt! - slow.startedAt).toBeGreaterThanOrEqual(45);
    expect(failed.startedAt).toBeLessThan(slow.endedAt!); // both requests were open at the same time
    expect(failed.endedAt).toBeGreaterThanOrEqual(failed.startedAt);
  });

  it('close() destroys hung sockets and resolves promptly', async () => {
    const token = await rawLogin(server, DEV_IDENTITY);
    server.injectFault({ kind: 'hang' });
    const pending = raw(server, listPath(), { token }).then(() => 'answered', () => 'failed');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toBe('failed');
  });
});

describe('contract: demo seed and standalone helper', () => {
  const project = demoSeed.projects[0]!;
  const demoApp = demoSeed.identities.find((i) => i.name === 'demo-app')!;
  const prodApp = demoSeed.identities.find((i) => i.name === 'prod-app')!;

  it('demo values are clearly fake but realistically formatted', () => {
    expect(project.slug).toBe('demo-shop');
    expect(project.environments.map((e) => e.slug)).toEqual(['dev', 'staging', 'prod']);
    const formats: Record<string, RegExp> = {
      GEMINI_API_KEY: /^AIza[0-9A-Za-z_-]{35}$/,
      NOTION_API_KEY: /^ntn_[0-9A-Za-z]{46}$/,
      GMAIL_CLIENT_ID: /^\d+-[a-z0-9]+\.apps\.googleusercontent\.com$/,
      GMAIL_CLIENT_SECRET: /^GOCSPX-[A-Za-z0-9_-]{28}$/,
      GMAIL_REFRESH_TOKEN: /^1\/\/[A-Za-z0-9_-]{40,}$/,
    };
    for (const env of ['dev', 'staging', 'prod']) {
      for (const [key, format] of Object.entries(formats)) {
        const secret = project.secrets.find((s) => s.environment === env && s.key === key && (s.path ?? '/') === '/');
        expect(secret?.value).toMatch(format);
        expect(secret!.value.toUpperCase()).toContain('DEMO');
      }
    }
    const values = project.secrets.filter((s) => s.key === 'GEMINI_API_KEY').map((s) => s.value);
    expect(new Set(values).size).toBe(3);
  });

  it('startDemoServer(0) serves the demo seed: demo-app reads dev+staging (with /shared imports), prod-app only prod', async () => {
    const { server, connection } = await startDemoServer(0);
    try {
      expect(connection).toEqual({
        INFISICAL_SITE_URL: server.url,
        INFISICAL_CLIENT_ID: demoApp.clientId,
        INFISICAL_CLIENT_SECRET: demoApp.clientSecrets[0]!.secret,
        INFISICAL_PROJECT_ID: project.id,
        INFISICAL_ENVIRONMENT: 'dev',
      });
      const sdk = new InfisicalSDK({ siteUrl: server.url });
      await sdk.auth().universalAuth.login({ clientId: connection.INFISICAL_CLIENT_ID, clientSecret: connection.INFISICAL_CLIENT_SECRET });
      const dev = await sdk.secrets().listSecretsWithImports({ projectId: project.id, environment: 'dev' });
      expect(dev.map((s) => s.secretKey).sort()).toEqual(
        ['APP_GREETING', 'COMPANY_NAME', 'GEMINI_API_KEY', 'GMAIL_CLIENT_ID', 'GMAIL_CLIENT_SECRET', 'GMAIL_REFRESH_TOKEN', 'LOG_LEVEL', 'NOTION_API_KEY', 'SUPPORT_EMAIL'],
      );
      const staging = await sdk.secrets().getSecret({ projectId: project.id, environment: 'staging', secretName: 'APP_GREETING' });
      expect(staging.secretValue).toBe('Hello from demo-shop (staging)');
      const prodDenied = await errorOf(() => sdk.secrets().getSecret({ projectId: project.id, environment: 'prod', secretName: 'APP_GREETING' }));
      expect(prodDenied.message).toMatch(/\[StatusCode=403\]/);

      const prod = new InfisicalSDK({ siteUrl: server.url });
      await prod.auth().universalAuth.login({ clientId: prodApp.clientId, clientSecret: prodApp.clientSecrets[0]!.secret });
      expect((await prod.secrets().listSecrets({ projectId: project.id, environment: 'dev' })).secrets).toEqual([]);
      expect((await prod.secrets().listSecrets({ projectId: project.id, environment: 'prod' })).secrets.length).toBe(7);
    } finally {
      await server.close();
    }
  });
});

describe('the admin routes', () => {
  it('are each documented in docs/local-server.md, in order, with nothing documented that does not exist', async () => {
    const { createAdminRouter } = await import('../support/infisical-server/routes/admin.routes.js');
    const { readFileSync } = await import('node:fs');
    const guide = readFileSync(new URL('../../docs/local-server.md', import.meta.url), 'utf8');
    const documented = [...guide.matchAll(/^\| `((?:GET|POST|DELETE) \/__admin[^`]*)` \|/gm)].map((m) => m[1]);
    const routes = createAdminRouter({} as LocalInfisicalServer).list();
    expect(routes.length).toBeGreaterThan(20);
    expect(documented).toEqual(routes);
  });

  it('GET /__admin/ (the URL the standalone server prints) and /__admin answer the index: method and path of every route', async () => {
    const { createAdminRouter } = await import('../support/infisical-server/routes/admin.routes.js');
    const server = await startTestServer({ adminToken: 'let-me-in' });
    try {
      const expected = createAdminRouter({} as LocalInfisicalServer)
        .list()
        .map((route) => ({ method: route.split(' ')[0], path: route.split(' ')[1] }));
      for (const path of ['/__admin/', '/__admin']) {
        const res = await raw(server, path, { method: 'GET', headers: { 'x-admin-token': 'let-me-in' } });
        expect([res.status, res.body]).toEqual([200, { ok: true, routes: expected }]);
      }
      expect(expected).toContainEqual({ method: 'GET', path: '/__admin' });
      expect(expected).toContainEqual({ method: 'POST', path: '/__admin/time/advance' });
      expect(expected).toContainEqual({ method: 'DELETE', path: '/__admin/faults/:id' });
      const refused = await raw(server, '/__admin/', { method: 'GET', headers: { 'x-admin-token': 'wrong' } });
      expect([refused.status, refused.body.message]).toEqual([401, 'Missing or invalid x-admin-token']);
      expect((await raw(server, '/__admin/', { method: 'POST', headers: { 'x-admin-token': 'let-me-in' } })).status).toBe(404);
      expect(server.requests).toEqual([]); // admin calls are not logged
    } finally {
      await server.close();
    }
  });
});

describe('npm run infisical:local', () => {
  it('on a busy port prints one line naming the port and what to change, and exits 1', async () => {
    const { createServer } = await import('node:net');
    const { execFile } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const root = fileURLToPath(new URL('../..', import.meta.url));
      const run = (args: string[], env: NodeJS.ProcessEnv) =>
        new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
          execFile(process.execPath, ['--import', 'tsx', 'test/support/infisical-server/main.ts', ...args], { cwd: root, env: { ...process.env, ...env } }, (error, stdout, stderr) =>
            resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
          );
        });
      const fromFlag = await run(['--port', String(port)], {});
      expect(fromFlag).toEqual({
        code: 1,
        stdout: '',
        stderr:
          `Port ${port} on 127.0.0.1 (from --port) is already in use — is another local Infisical or npm run demo running? ` +
          'Choose another port: npm run infisical:local -- --port 8082, or INFISICAL_LOCAL_PORT=8082 (0 = any free port).\n',
      });
      const fromEnv = await run([], { INFISICAL_LOCAL_PORT: String(port) });
      expect(fromEnv.stderr).toContain(`Port ${port} on 127.0.0.1 (from INFISICAL_LOCAL_PORT) is already in use`);
      expect(fromEnv.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      busy.close();
    }
  });
});
