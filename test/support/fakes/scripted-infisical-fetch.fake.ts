import type { ManualClock } from '../manual-clock.js';

/** The Universal Auth login route. */
export const LOGIN_PATH = '/api/v1/auth/universal-auth/login';

/** A refused connection, as Node reports it. */
export const refused = () => Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' });

/** A status and JSON body, or the error `fetch` rejects with. */
export type Answer = { status: number; body: unknown } | Error;

/**
 * A `fetch` (for the module's `fetch` option) answering the login, renew and list routes of Infisical from a script;
 * every request is recorded as `path` or `path?secretPath`.
 */
export class ScriptedInfisical {
  readonly sent: string[] = [];
  /** Values per secretPath. */
  folders: Record<string, Record<string, string>> = { '/app': { DATABASE_URL: 'postgres://db-secret-value' } };
  /** When set, every request is answered with this. */
  down: Answer | undefined;
  /** Milliseconds the clock moves while a list is answered. */
  listTakesMs = 0;
  /** Added to every version (a change in Infisical bumps it). */
  revision = 0;

  constructor(private readonly clock: ManualClock) {}

  readonly fetch = (async (input: string | URL | Request) => {
    const url = new URL(String(input));
    const secretPath = url.searchParams.get('secretPath');
    this.sent.push(secretPath === null ? url.pathname : `${url.pathname}?${secretPath}`);
    const answer = this.#answer(url.pathname, secretPath);
    if (answer instanceof Error) throw answer;
    return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;

  get logins(): number {
    return this.sent.filter((s) => s === LOGIN_PATH).length;
  }

  get lists(): string[] {
    return this.sent.filter((s) => s.startsWith('/api/v3/secrets/raw'));
  }

  #answer(path: string, secretPath: string | null): Answer {
    if (this.down) return this.down;
    if (path === '/api/v1/auth/token/renew') return { status: 200, body: { accessToken: 'access-token-2', expiresIn: 3600, accessTokenMaxTTL: 86_400, tokenType: 'Bearer' } };
    if (path === LOGIN_PATH) return { status: 200, body: { accessToken: 'access-token-1', expiresIn: 3600, accessTokenMaxTTL: 86_400, tokenType: 'Bearer' } };
    if (path === '/api/v3/secrets/raw') {
      this.clock.jump(this.listTakesMs);
      const values = this.folders[secretPath ?? ''] ?? {};
      const secrets = Object.entries(values).map(([secretKey, secretValue], i) => ({ secretKey, secretValue, version: i + 1 + this.revision }));
      return { status: 200, body: { secrets, imports: [] } };
    }
    return { status: 404, body: { message: 'no route' } };
  }
}

