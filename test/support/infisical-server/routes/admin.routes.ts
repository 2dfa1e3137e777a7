/**
 * HTTP admin surface under /__admin/ mirroring the in-process admin API (JSON bodies), for
 * driving the standalone server from another process; GET /__admin/ lists its routes. Not logged in
 * `requests`, never faulted, not rate limited. If the server has an adminToken, every call needs header
 * `x-admin-token`. Every route is documented in docs/local-server.md (a contract test keeps them in step).
 */
import { HttpError } from '../errors.js';
import type { RequestContext } from '../http-context.js';
import type { LocalInfisicalServer } from '../local-infisical.server.js';
import { Router } from '../router.js';
import type { Fault, RateLimitConfig, SeedDynamicSecret } from '../seed.types.js';
import { AdminInputError } from '../store.js';
import type { KeylessConfig, KeylessMethod } from '../keyless-auth.service.js';

type Body = Record<string, unknown>;

const adminError = (status: number, message: string): HttpError =>
  new HttpError(status, status === 404 ? 'NotFound' : status === 401 ? 'UnauthorizedError' : 'BadRequest', message);

async function objectBody(ctx: RequestContext): Promise<Body> {
  const raw = (await ctx.readBody()).toString('utf8').trim();
  if (raw.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw adminError(400, 'Body must be JSON');
  }
  if (parsed === null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw adminError(400, 'Body must be a JSON object');
  return parsed as Body;
}

function str(body: Body, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value.length === 0) throw adminError(400, `'${name}' must be a non-empty string`);
  return value;
}

function optStr(body: Body, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw adminError(400, `'${name}' must be a string`);
  return value;
}

function secretLocator(body: Body): { projectId: string; environment: string; path?: string; key: string } {
  const path = optStr(body, 'path');
  return { projectId: str(body, 'projectId'), environment: str(body, 'environment'), key: str(body, 'key'), ...(path ? { path } : {}) };
}

export function createAdminRouter(server: LocalInfisicalServer): Router {
  const router = new Router();
  const ok = (ctx: RequestContext, extra: Record<string, unknown> = {}): void => ctx.sendJson(200, { ok: true, ...extra });

  // The index (GET /__admin or /__admin/, the URL the standalone server prints): every admin route, this one included.
  router.add('GET', '/__admin', (ctx) => ok(ctx, { routes: adminRouteIndex(router) }));

  router.add('GET', '/__admin/state', (ctx) =>
    ok(ctx, { now: server.now(), faults: server.listFaults(), rateLimit: server.rateLimit, requestCount: server.requests.length }),
  );

  router.add('POST', '/__admin/secrets', async (ctx) => {
    const body = await objectBody(ctx);
    const value = body['value'];
    if (typeof value !== 'string') throw adminError(400, "'value' must be a string");
    const comment = optStr(body, 'comment');
    const tags = body['tags'];
    if (tags !== undefined && !(Array.isArray(tags) && tags.every((t) => typeof t === 'string'))) {
      throw adminError(400, "'tags' must be an array of strings");
    }
    const result = server.setSecret({
      ...secretLocator(body),
      value,
      ...(comment === undefined ? {} : { comment }),
      ...(tags === undefined ? {} : { tags: tags as string[] }),
    });
    ok(ctx, result);
  });

  router.add('DELETE', '/__admin/secrets', async (ctx) => {
    server.deleteSecret(secretLocator(await objectBody(ctx)));
    ok(ctx);
  });

  router.add('GET', '/__admin/secrets/version', (ctx) => {
    const q = Object.fromEntries(Object.entries(ctx.query).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
    ok(ctx, { version: server.getSecretVersion(secretLocator(q)) ?? null });
  });

  router.add('POST', '/__admin/folders', async (ctx) => {
    const body = await objectBody(ctx);
    server.createFolder({ projectId: str(body, 'projectId'), environment: str(body, 'environment'), path: str(body, 'path') });
    ok(ctx);
  });

  router.add('POST', '/__admin/dynamic-secrets', async (ctx) => {
    const { projectId, ...definition } = await objectBody(ctx);
    if (typeof projectId !== 'string') throw adminError(400, "'projectId' must be a non-empty string");
    ok(ctx, { dynamicSecret: server.dynamicSecrets.add(projectId, definition as unknown as SeedDynamicSecret) });
  });

  router.add('DELETE', '/__admin/dynamic-secrets', async (ctx) => {
    const body = await objectBody(ctx);
    const path = optStr(body, 'path');
    await server.dynamicSecrets.remove({ projectId: str(body, 'projectId'), environment: str(body, 'environment'), name: str(body, 'name'), ...(path ? { path } : {}) });
    ok(ctx);
  });

  router.add('GET', '/__admin/dynamic-secrets/leases', (ctx) => ok(ctx, { leases: server.dynamicSecrets.leases() }));

  router.add('POST', '/__admin/dynamic-secrets/sweep', async (ctx) => ok(ctx, { revoked: await server.dynamicSecrets.sweep() }));

  router.add('GET', '/__admin/faults', (ctx) => ok(ctx, { faults: server.listFaults() }));

  router.add('POST', '/__admin/faults', async (ctx) => {
    const body = await objectBody(ctx);
    try {
      ok(ctx, { id: server.injectFault(body as unknown as Fault) });
    } catch (err) {
      throw adminError(400, (err as Error).message);
    }
  });

  router.add('DELETE', '/__admin/faults', async (ctx) => {
    const id = optStr(await objectBody(ctx), 'id');
    if (id) server.clearFault(id);
    else server.clearFaults();
    ok(ctx);
  });

  router.add('DELETE', '/__admin/faults/:id', (ctx) => {
    server.clearFault(ctx.params['id'] ?? '');
    ok(ctx);
  });

  router.add('POST', '/__admin/tokens/revoke', async (ctx) => {
    const body = await objectBody(ctx);
    const accessToken = optStr(body, 'accessToken');
    const identityId = optStr(body, 'identityId');
    if (accessToken) server.revokeToken(accessToken);
    else if (identityId) server.revokeIdentityTokens(identityId);
    else throw adminError(400, "Provide 'accessToken' or 'identityId'");
    ok(ctx);
  });

  router.add('POST', '/__admin/identities/auth', async (ctx) => {
    const body = await objectBody(ctx);
    const { identityId, ...config } = body;
    if (typeof identityId !== 'string') throw adminError(400, "'identityId' must be a non-empty string");
    server.configureKeylessAuth(identityId, config as unknown as KeylessConfig);
    ok(ctx);
  });

  router.add('POST', '/__admin/identities/auth/remove', async (ctx) => {
    const body = await objectBody(ctx);
    server.removeKeylessAuth(str(body, 'identityId'), str(body, 'method') as KeylessMethod);
    ok(ctx);
  });

  router.add('POST', '/__admin/google-certs', async (ctx) => {
    const certs = (await objectBody(ctx))['certs'];
    if (!Array.isArray(certs) || certs.some((c) => typeof c !== 'string')) throw adminError(400, "'certs' must be an array of PEM public keys");
    server.setGoogleCerts(certs as string[]);
    ok(ctx);
  });

  router.add('POST', '/__admin/aws-principals', async (ctx) => {
    const body = await objectBody(ctx);
    server.addAwsPrincipal({ accessKeyId: str(body, 'accessKeyId'), secretAccessKey: str(body, 'secretAccessKey'), arn: str(body, 'arn'), account: str(body, 'account'), userId: str(body, 'userId') });
    ok(ctx);
  });

  router.add('POST', '/__admin/tokens/mint', async (ctx) => {
    const body = await objectBody(ctx);
    const ttlSeconds = body['ttlSeconds'];
    const issuedSecondsAgo = body['issuedSecondsAgo'];
    ok(
      ctx,
      server.mintAccessToken(str(body, 'identityId'), {
        ...(typeof ttlSeconds === 'number' ? { ttlSeconds } : {}),
        ...(typeof issuedSecondsAgo === 'number' ? { issuedSecondsAgo } : {}),
      }) as unknown as Record<string, unknown>,
    );
  });

  router.add('POST', '/__admin/client-secrets/revoke', async (ctx) => {
    const body = await objectBody(ctx);
    server.revokeClientSecret(str(body, 'clientId'), optStr(body, 'secret'));
    ok(ctx);
  });

  router.add('POST', '/__admin/client-secrets/restore', async (ctx) => {
    const body = await objectBody(ctx);
    server.restoreClientSecret(str(body, 'clientId'), str(body, 'secret'));
    ok(ctx);
  });

  router.add('POST', '/__admin/identities/:id/delete', (ctx) => {
    server.deleteIdentity(ctx.params['id'] ?? '');
    ok(ctx);
  });

  router.add('POST', '/__admin/identities/:id/clear-lockout', (ctx) => {
    server.clearLockout(ctx.params['id'] ?? '');
    ok(ctx);
  });

  router.add('POST', '/__admin/permissions', async (ctx) => {
    const body = await objectBody(ctx);
    const identityId = str(body, 'identityId');
    const projectId = str(body, 'projectId');
    if (body['member'] === false) {
      server.removeProjectMembership(identityId, projectId);
    } else {
      const read = body['read'];
      if (!(read === '*' || (Array.isArray(read) && read.every((r) => typeof r === 'string')))) {
        throw adminError(400, "'read' must be '*' or an array of environment slugs");
      }
      server.setReadPermission(identityId, projectId, read as string[] | '*');
    }
    ok(ctx);
  });

  router.add('DELETE', '/__admin/permissions', async (ctx) => {
    const body = await objectBody(ctx);
    server.removeProjectMembership(str(body, 'identityId'), str(body, 'projectId'));
    ok(ctx);
  });

  router.add('POST', '/__admin/rate-limit', async (ctx) => {
    const body = await objectBody(ctx);
    const cfg = body['limit'] === undefined || body['limit'] === null ? null : (body as unknown as RateLimitConfig);
    try {
      server.setRateLimit(cfg);
    } catch (err) {
      throw adminError(400, (err as Error).message);
    }
    ok(ctx, { rateLimit: server.rateLimit });
  });

  router.add('POST', '/__admin/time/advance', async (ctx) => {
    const body = await objectBody(ctx);
    const ms = typeof body['ms'] === 'number' ? body['ms'] : typeof body['seconds'] === 'number' ? body['seconds'] * 1000 : NaN;
    if (!Number.isFinite(ms) || ms < 0) throw adminError(400, "Provide 'ms' or 'seconds' (>= 0)");
    server.advanceTime(ms);
    ok(ctx, { now: server.now() });
  });

  router.add('GET', '/__admin/time', (ctx) => ok(ctx, { now: server.now() }));

  router.add('GET', '/__admin/requests', (ctx) => {
    const path = typeof ctx.query['path'] === 'string' ? ctx.query['path'] : undefined;
    const method = typeof ctx.query['method'] === 'string' ? ctx.query['method'] : undefined;
    ok(ctx, { requests: path ? server.requestsTo(path, method) : server.requests });
  });

  router.add('DELETE', '/__admin/requests', (ctx) => {
    server.clearRequests();
    ok(ctx);
  });

  return router;
}

/** `{method, path}` of every route of `router`, in registration order (paths with `:param` segments as registered). */
export function adminRouteIndex(router: Router): Array<{ method: string; path: string }> {
  return router.list().map((route) => {
    const space = route.indexOf(' ');
    return { method: route.slice(0, space), path: route.slice(space + 1) };
  });
}

/** Dispatches one /__admin request. */
export async function handleAdminRequest(
  ctx: RequestContext,
  router: Router,
  adminToken: string | undefined,
): Promise<void> {
  try {
    if (adminToken !== undefined && ctx.header('x-admin-token') !== adminToken) {
      throw adminError(401, 'Missing or invalid x-admin-token');
    }
    const match = router.match(ctx.method, ctx.pathname);
    if (!match) throw adminError(404, `Unknown admin route ${ctx.method}:${ctx.pathname}`);
    ctx.params = match.params;
    await match.route.handler(ctx);
  } catch (err) {
    if (err instanceof AdminInputError) ctx.sendError(adminError(err.status, err.message));
    else if (err instanceof HttpError) ctx.sendError(err);
    else ctx.sendError(adminError(400, err instanceof Error ? err.message : String(err)));
  }
}
