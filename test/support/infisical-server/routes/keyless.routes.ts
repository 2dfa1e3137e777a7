/**
 * Keyless logins — /api/v1/auth/{gcp-auth,kubernetes-auth,oidc-auth,jwt-auth,aws-auth}/login — with Infisical's
 * body schemas (`identityId` and `jwt`, or the three `iam*` fields for AWS; 422 otherwise). No Bearer header needed.
 */
import type { RequestContext } from '../http-context.js';
import type { KeylessAuthService } from '../keyless-auth.service.js';
import type { Router } from '../router.js';
import { bodyValidator } from '../validation.js';

export function registerKeylessRoutes(router: Router, keyless: KeylessAuthService): void {
  const jwtLogin = (path: string, login: (identityId: string, jwt: string) => unknown) =>
    router.add(
      'POST',
      path,
      async (ctx: RequestContext) => {
        const v = bodyValidator(await ctx.jsonBody());
        const identityId = v.requiredString('identityId');
        const jwt = v.requiredString('jwt');
        v.optionalString('organizationSlug');
        v.done();
        ctx.sendJson(200, login(identityId, jwt));
      },
      { auth: false },
    );
  jwtLogin('/api/v1/auth/gcp-auth/login', (id, jwt) => keyless.loginGcp(id, jwt));
  jwtLogin('/api/v1/auth/kubernetes-auth/login', (id, jwt) => keyless.loginKubernetes(id, jwt));
  jwtLogin('/api/v1/auth/oidc-auth/login', (id, jwt) => keyless.loginJwt('oidc', id, jwt));
  jwtLogin('/api/v1/auth/jwt-auth/login', (id, jwt) => keyless.loginJwt('jwt', id, jwt));

  router.add(
    'POST',
    '/api/v1/auth/aws-auth/login',
    async (ctx: RequestContext) => {
      const v = bodyValidator(await ctx.jsonBody());
      const identityId = v.requiredString('identityId');
      const method = v.requiredString('iamHttpRequestMethod');
      const body = v.requiredString('iamRequestBody');
      const headers = v.requiredString('iamRequestHeaders');
      v.optionalString('subOrganizationName');
      v.done();
      ctx.sendJson(200, await keyless.loginAws(identityId, method, body, headers));
    },
    { auth: false },
  );
}
