/** A tiny method + path-pattern router (`/api/v3/secrets/raw/:secretName`). */
import type { AuthService } from './auth-service.js';
import type { RequestContext } from './http-context.js';
import type { InfisicalStore } from './store.js';

export type RouteHandler = (ctx: RequestContext) => Promise<void> | void;

export interface RouteOptions {
  /** verifyAuth: identity access token required (401 "Token missing" otherwise). Default true. */
  auth?: boolean;
  /** Subject to the rate limiter. Default true. */
  rateLimited?: boolean;
  /**
   * Counted in its own per-IP window of the rate limiter (same limit), like Infisical's `writeLimit` routes.
   * Default: the shared window.
   */
  rateBucket?: 'write';
}

export interface Route {
  method: string;
  segments: string[];
  handler: RouteHandler;
  auth: boolean;
  rateLimited: boolean;
  rateBucket: 'write' | undefined;
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: RouteHandler, options: RouteOptions = {}): this {
    this.routes.push({
      method: method.toUpperCase(),
      segments: pattern.split('/').filter((s) => s.length > 0),
      handler,
      auth: options.auth ?? true,
      rateLimited: options.rateLimited ?? true,
      rateBucket: options.rateBucket,
    });
    return this;
  }

  /** `METHOD /path/:param` of every route, in registration order (what the admin README documents). */
  list(): string[] {
    return this.routes.map((r) => `${r.method} /${r.segments.join('/')}`);
  }

  /** HEAD falls back to GET routes (fastify exposeHeadRoutes). */
  match(method: string, pathname: string): RouteMatch | undefined {
    const parts = pathname.split('/').filter((s) => s.length > 0);
    const wanted = method === 'HEAD' ? ['HEAD', 'GET'] : [method];
    for (const candidateMethod of wanted) {
      for (const route of this.routes) {
        if (route.method !== candidateMethod || route.segments.length !== parts.length) continue;
        const params: Record<string, string> = {};
        let ok = true;
        for (let i = 0; i < parts.length; i += 1) {
          const segment = route.segments[i]!;
          const part = parts[i]!;
          if (segment.startsWith(':')) {
            try {
              params[segment.slice(1)] = decodeURIComponent(part);
            } catch {
              params[segment.slice(1)] = part;
            }
          } else if (segment !== part) {
            ok = false;
            break;
          }
        }
        if (ok) return { route, params };
      }
    }
    return undefined;
  }
}

/** What route modules get to work with. */
export interface RouteDeps {
  store: InfisicalStore;
  auth: AuthService;
  now: () => number;
}
