/**
 * Dynamic secret leases — /api/v1/dynamic-secrets/leases (Infisical's backend/src/ee/routes/v1/dynamic-secret-lease-router.ts):
 * create, renew and delete (JSON body, also on DELETE) count against the write bucket, the GET against the shared one.
 * Bodies are checked like the router's zod schemas, issues in schema field order (422 ValidationFailure):
 * `dynamicSecretName` min 1 and lower-cased, `projectSlug` / `environmentSlug` min 1, `path` trimmed with its trailing
 * `/` removed (default "/"), `ttl` refined to "1m" ≤ ttl ≤ "10y", `isForced` boolean.
 */
import type { DynamicSecretsService, LeaseScope } from '../dynamic-secrets.service.js';
import type { RequestContext } from '../http-context.js';
import { MAX_LEASE_TTL_MS, MIN_LEASE_TTL_MS, parseDuration } from '../ms-duration.js';
import type { Router } from '../router.js';
import { bodyValidator, removeTrailingSlash, Validator } from '../validation.js';

const BASE = '/api/v1/dynamic-secrets/leases';

/** The `superRefine` of the router's `ttl`: an absent or empty TTL passes; one that does not parse passes too (NaN). */
function ttlField(v: Validator): string | undefined {
  const ttl = v.optionalString('ttl');
  if (!ttl) return ttl;
  const ms = parseDuration(ttl);
  if (ms < MIN_LEASE_TTL_MS) v.custom('ttl', 'TTL must be a greater than 1min');
  if (ms > MAX_LEASE_TTL_MS) v.custom('ttl', 'TTL must be less than 10 years');
  return ttl;
}

/** `path`: `z.string().trim().default("/")` (create, GET) or with `.min(1)` first (renew, delete). */
function pathField(v: Validator, nonEmpty: boolean): string {
  const path = nonEmpty ? v.optionalNonEmptyString('path') : v.optionalString('path');
  return removeTrailingSlash(path ?? '/');
}

function scopeOf(projectSlug: string, environmentSlug: string, path: string): LeaseScope {
  return { projectSlug, environmentSlug, path };
}

export function registerDynamicSecretRoutes(router: Router, service: DynamicSecretsService): void {
  const write = { rateBucket: 'write' } as const;

  router.add(
    'POST',
    BASE,
    async (ctx: RequestContext) => {
      const body = await ctx.jsonBody();
      const v = bodyValidator(body);
      const name = v.nonEmptyString('dynamicSecretName').toLowerCase();
      const projectSlug = v.nonEmptyString('projectSlug');
      const ttl = ttlField(v);
      const path = pathField(v, false);
      const environmentSlug = v.nonEmptyString('environmentSlug');
      v.done();
      const config = (body as Record<string, unknown>)['config'];
      const scope = scopeOf(projectSlug, environmentSlug, path);
      ctx.sendJson(200, await service.create(ctx.identity!, { ...scope, name, ...(ttl ? { ttl } : {}), config }));
    },
    write,
  );

  router.add(
    'POST',
    `${BASE}/:leaseId/renew`,
    async (ctx: RequestContext) => {
      const v = bodyValidator(await ctx.jsonBody());
      const ttl = ttlField(v);
      const projectSlug = v.nonEmptyString('projectSlug');
      const path = pathField(v, true);
      const environmentSlug = v.nonEmptyString('environmentSlug');
      v.done();
      const scope = scopeOf(projectSlug, environmentSlug, path);
      ctx.sendJson(200, await service.renew(ctx.identity!, ctx.params['leaseId'] ?? '', { ...scope, ...(ttl ? { ttl } : {}) }));
    },
    write,
  );

  router.add(
    'DELETE',
    `${BASE}/:leaseId`,
    async (ctx: RequestContext) => {
      const v = bodyValidator(await ctx.jsonBody());
      const projectSlug = v.nonEmptyString('projectSlug');
      const path = pathField(v, true);
      const environmentSlug = v.nonEmptyString('environmentSlug');
      const isForced = v.booleanValue('isForced', false);
      v.done();
      const scope = scopeOf(projectSlug, environmentSlug, path);
      ctx.sendJson(200, await service.revoke(ctx.identity!, ctx.params['leaseId'] ?? '', { ...scope, isForced }));
    },
    write,
  );

  router.add('GET', `${BASE}/:leaseId`, async (ctx: RequestContext) => {
    const q = new Validator(ctx.query);
    const projectSlug = q.nonEmptyString('projectSlug');
    const path = pathField(q, false);
    const environmentSlug = q.nonEmptyString('environmentSlug');
    q.done();
    ctx.sendJson(200, await service.get(ctx.identity!, ctx.params['leaseId'] ?? '', scopeOf(projectSlug, environmentSlug, path)));
  });
}
