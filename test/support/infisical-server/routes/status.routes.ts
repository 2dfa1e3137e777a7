/** GET /api/status — unauthenticated health/status, exempt from rate limiting. */
import { MAX_IDENTITY_ACCESS_TOKEN_TTL } from '../auth-service.js';
import type { RouteDeps, Router } from '../router.js';

export function registerStatusRoutes(router: Router, deps: RouteDeps): void {
  router.add(
    'GET',
    '/api/status',
    (ctx) => {
      ctx.sendJson(200, {
        date: new Date(deps.now()).toISOString(),
        message: 'Ok',
        emailConfigured: false,
        inviteOnlySignup: false,
        redisConfigured: true,
        secretScanningConfigured: false,
        auditLogStorageDisabled: false,
        maxIdentityAccessTokenTTL: MAX_IDENTITY_ACCESS_TOKEN_TTL,
      });
    },
    { auth: false, rateLimited: false },
  );
}
