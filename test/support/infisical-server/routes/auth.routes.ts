/**
 * Universal Auth login and token renew/revoke — /api/v1/auth/*.
 * None of them require a Bearer header, but one that is sent is still validated (and counted)
 * by the global identity hook before these handlers run.
 */
import type { RequestContext } from '../http-context.js';
import type { RouteDeps, Router } from '../router.js';
import { bodyValidator } from '../validation.js';

export function registerAuthRoutes(router: Router, deps: RouteDeps): void {
  router.add(
    'POST',
    '/api/v1/auth/universal-auth/login',
    async (ctx: RequestContext) => {
      const v = bodyValidator(await ctx.jsonBody());
      const clientId = v.requiredString('clientId');
      const clientSecret = v.requiredString('clientSecret');
      v.optionalString('subOrganizationName');
      v.done();
      ctx.sendJson(200, deps.auth.login(clientId, clientSecret));
    },
    { auth: false },
  );

  router.add(
    'POST',
    '/api/v1/auth/token/renew',
    async (ctx: RequestContext) => {
      const v = bodyValidator(await ctx.jsonBody());
      const accessToken = v.requiredString('accessToken');
      v.done();
      ctx.sendJson(200, deps.auth.renew(accessToken));
    },
    { auth: false },
  );

  router.add(
    'POST',
    '/api/v1/auth/token/revoke',
    async (ctx: RequestContext) => {
      const v = bodyValidator(await ctx.jsonBody());
      const accessToken = v.requiredString('accessToken');
      v.done();
      deps.auth.revoke(accessToken);
      ctx.sendJson(200, { message: 'Successfully revoked access token' });
    },
    { auth: false },
  );
}
