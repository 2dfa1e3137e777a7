/**
 * Fixed-window rate limiter keyed by client IP (like @fastify/rate-limit with Infisical's
 * error builder): 429 RateLimitExceeded "Rate limit exceeded. Please try again in N seconds"
 * with `retry-after: N`; every limited response carries x-ratelimit-limit/remaining/reset.
 * Uses the server clock, so `advanceTime` moves windows.
 */
import { rateLimitExceeded } from './errors.js';
import type { RateLimitConfig } from './seed.types.js';

interface Window {
  count: number;
  resetAt: number;
}

export class RateLimiter {
  private config: RateLimitConfig | null = null;
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly now: () => number,
    config: RateLimitConfig | null | undefined,
  ) {
    this.configure(config ?? null);
  }

  configure(config: RateLimitConfig | null): void {
    if (config !== null) {
      if (!(Number.isInteger(config.limit) && config.limit >= 0)) throw new Error('rateLimit.limit must be a non-negative integer');
      if (!(typeof config.windowSeconds === 'number' && config.windowSeconds > 0)) throw new Error('rateLimit.windowSeconds must be > 0');
    }
    this.config = config ? { ...config } : null;
    this.windows.clear();
  }

  get current(): RateLimitConfig | null {
    return this.config ? { ...this.config } : null;
  }

  /** Counts one request; returns headers to add, or throws the 429 HttpError. */
  hit(key: string): Record<string, string> {
    if (!this.config) return {};
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + this.config.windowSeconds * 1000 };
      this.windows.set(key, window);
    }
    window.count += 1;
    const resetSeconds = Math.max(0, Math.ceil((window.resetAt - now) / 1000));
    const headers: Record<string, string> = {
      'x-ratelimit-limit': String(this.config.limit),
      'x-ratelimit-remaining': String(Math.max(0, this.config.limit - window.count)),
      'x-ratelimit-reset': String(resetSeconds),
    };
    if (window.count > this.config.limit) {
      throw rateLimitExceeded(`Rate limit exceeded. Please try again in ${resetSeconds} seconds`, {
        ...headers,
        'retry-after': String(resetSeconds),
      });
    }
    return headers;
  }
}
