import type { ManualClock } from '../manual-clock.js';

/** How the fake server answers every request while it is set: 200, a 5xx, a 429 with Retry-After, 401, 403, or never. */
export type ServerMode = { kind: 'ok' } | { kind: '5xx' } | { kind: '429'; retryAfterSeconds: number } | { kind: '401' } | { kind: '403' } | { kind: 'hang' };

/** One request as the fake saw it: when it was sent and answered, and what it was answered with. */
export interface SentRequest {
  /** Order of sending, over all requests. */
  seq: number;
  route: 'login' | 'list' | 'other';
  /** The folder of a list. */
  path?: string;
  at: number;
  mode: ServerMode;
  /** Order in which the answer (or the abort of a hanging request) was delivered; undefined while pending. */
  answeredSeq?: number;
  answeredAt?: number;
  /** The folder's values as answered (a 200 list). */
  values?: Readonly<Record<string, string>>;
  /** Whether the answer was a failure (non-2xx, or a hanging request aborted). */
  failed?: boolean;
}

const TOKEN = { accessToken: 'model-access-token', expiresIn: 10_000_000, accessTokenMaxTTL: 20_000_000, tokenType: 'Bearer' };

/**
 * A `fetch` for the module's `fetch` option that plays Infisical for the model-based test: the folders hold what an
 * operator set in Infisical, `mode` decides how every request is answered, and each request is recorded (send and
 * answer order, clock time, answer) so the test can hold the refresh policy to what it allows.
 */
export class ModelInfisical {
  readonly folders: Record<string, Record<string, string>> = {};
  readonly versions: Record<string, Record<string, number>> = {};
  mode: ServerMode = { kind: 'ok' };
  readonly requests: SentRequest[] = [];
  #seq = 0;

  constructor(private readonly clock: ManualClock) {}

  set(path: string, key: string, value: string): void {
    (this.folders[path] ??= {})[key] = value;
    const versions = (this.versions[path] ??= {});
    versions[key] = (versions[key] ?? 0) + 1;
  }

  delete(path: string, key: string): void {
    if (this.folders[path]) delete this.folders[path][key];
  }

  /** Requests sent and not yet answered. */
  get pending(): SentRequest[] {
    return this.requests.filter((r) => r.answeredSeq === undefined);
  }

  readonly fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const route = url.pathname === '/api/v1/auth/universal-auth/login' ? 'login' : url.pathname === '/api/v3/secrets/raw' ? 'list' : 'other';
    const request: SentRequest = { seq: ++this.#seq, route, at: this.clock.now(), mode: this.mode };
    if (route === 'list') request.path = url.searchParams.get('secretPath') ?? '';
    this.requests.push(request);
    const answered = (failed: boolean) => {
      request.answeredSeq = ++this.#seq;
      request.answeredAt = this.clock.now();
      request.failed = failed;
    };
    const mode = this.mode;
    if (mode.kind === 'hang') {
      const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
      return new Promise<Response>((_resolve, reject) => {
        const abort = () => {
          answered(true);
          reject(signal?.reason ?? new Error('aborted'));
        };
        if (signal?.aborted) abort();
        else signal?.addEventListener('abort', abort, { once: true });
      });
    }
    // An answer travels: every request of one burst (the lists of a refresh) is sent before any answer arrives.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const { status, body, headers } = this.#answer(route, request.path, mode);
    if (status === 200 && route === 'list') request.values = { ...(this.folders[request.path!] ?? {}) };
    answered(status !== 200);
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
  }) as typeof fetch;

  #answer(route: SentRequest['route'], path: string | undefined, mode: ServerMode): { status: number; body: unknown; headers?: Record<string, string> } {
    switch (mode.kind) {
      case '5xx':
        return { status: 503, body: { message: 'Service unavailable' } };
      case '429':
        return { status: 429, body: { message: 'Too many requests' }, headers: { 'retry-after': String(mode.retryAfterSeconds) } };
      case '401':
        return { status: 401, body: { statusCode: 401, message: 'Invalid credentials', error: 'UnauthorizedError' } };
      case '403':
        return { status: 403, body: { statusCode: 403, message: 'You are not allowed to describeSecret on this resource', error: 'PermissionDenied' } };
      default:
        break;
    }
    if (route === 'login') return { status: 200, body: TOKEN };
    if (route === 'list') {
      const values = this.folders[path!] ?? {};
      const versions = this.versions[path!] ?? {};
      const secrets = Object.entries(values).map(([secretKey, secretValue]) => ({ secretKey, secretValue, version: versions[secretKey] ?? 1 }));
      return { status: 200, body: { secrets, imports: [] } };
    }
    return { status: 404, body: { message: 'Route not found' } };
  }
}
