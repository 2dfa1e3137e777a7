import type { InfisicalClock } from '../interfaces/infisical-clock.interface.js';
import { LogThrottle } from '../store/log-throttle.js';

/** Default shortest time between two lines about a Redis connection that keeps failing: 60 s. */
export const REDIS_FAILURE_SUMMARY_INTERVAL_MS = 60_000;

/** Where the lines go. */
export interface RedisFailureLogger {
  warn(message: string): void;
  log(message: string): void;
}

/**
 * The log of the Redis connection's background reconnects (node-redis reports every failed attempt, about two a second
 * per client while Redis is down): the first failure is a warning with its cause; later ones are counted and summed up
 * in at most one warning per `intervalMs` (checked when a failure arrives, no timer); one line when the connection is
 * back. Every line has the Redis URL's password (and the URL itself) masked.
 */
export class RedisFailureLog {
  #failing = false;
  #attempts = 0;
  readonly #lines: LogThrottle<'failing'>;

  constructor(
    private readonly logger: RedisFailureLogger,
    private readonly clock: Pick<InfisicalClock, 'now'>,
    private readonly redisUrl: string,
    /** Shortest time between two lines while failing; default {@link REDIS_FAILURE_SUMMARY_INTERVAL_MS}. */
    private readonly intervalMs = REDIS_FAILURE_SUMMARY_INTERVAL_MS,
  ) {
    this.#lines = new LogThrottle(intervalMs);
  }

  /** A failed (re)connection attempt or a connection error. */
  failed(error: Error): void {
    this.#attempts++;
    this.#failing = true;
    const line = this.#lines.pass('failing', this.clock.now());
    if (!line) return;
    const cause = maskRedisUrl(error.message, this.redisUrl);
    if (line.first) {
      this.logger.warn(
        `Redis connection failed (${cause}); it keeps reconnecting in the background, further failures are summed up at most once per ${Math.round(this.intervalMs / 1000)} s.`,
      );
    } else {
      this.logger.warn(`Redis connection still failing: ${line.held + 1} more failed attempts in ${Math.round(line.sinceMs / 1000)} s (latest: ${cause}).`);
    }
  }

  /** The connection is ready (again): one line when it had failed, nothing otherwise. */
  ready(): void {
    if (!this.#failing) return;
    this.logger.log(`Redis connection is back after ${this.#attempts} failed attempts.`);
    this.#failing = false;
    this.#attempts = 0;
    this.#lines.reset('failing');
  }
}

/** `text` with `url` (as given and as parsed) and its password replaced by masked forms. Pure. @internal */
export function maskRedisUrl(text: string, url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return text.split(url).join('[redis url]');
  }
  const masked = `${parsed.protocol}//${parsed.host}`;
  let out = text.split(url).join(masked).split(parsed.href).join(masked);
  for (const secret of new Set([parsed.password, safeDecode(parsed.password)])) {
    if (secret) out = out.split(secret).join('***');
  }
  return out;
}

const safeDecode = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};
