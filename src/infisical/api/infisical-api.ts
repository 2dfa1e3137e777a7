import type { KeylessLogin } from '../errors/keyless-login.errors.js';
import { InfisicalUnreachableError } from '../errors/transport.errors.js';
import type { InfisicalTarget } from '../interfaces/infisical-source.interface.js';
import { mapApiError, mapHttpFailure, type ApiOperation } from './api-error.mapper.js';
import { HttpFailure, performRequest, type HttpRequest, type HttpResponse, type HttpSettings } from './http-request.js';
import { parseListResponse, type ParsedList } from './list-response.parser.js';
import { parseLoginAnswer, type LoginAnswer } from './login-response.parser.js';
import { MalformedAnswerError } from './malformed-answer.error.js';
import { parseRetryAfter } from './retry-after.js';

/** What one list call reads. */
export interface ListQuery {
  projectId: string;
  environment: string;
  secretPath: string;
  recursive: boolean;
  includeImports: boolean;
  expandSecretReferences: boolean;
  /** `false` lists names only (values stay on the server). @default true */
  viewSecretValue?: boolean;
}

/** What `GET /api/status` told about the server (no credentials involved). */
export interface InfisicalServerStatus {
  /** The server's `message` (`Ok` on a healthy instance). */
  message: string;
  date: string | undefined;
  /** Longest access token lifetime the server issues (seconds), when reported. */
  maxIdentityAccessTokenTTL: number | undefined;
}

/** Name and environment slugs of a project, as the identity sees it. */
export interface InfisicalProjectInfo {
  name: string | undefined;
  environments: string[];
}

export interface InfisicalApiSettings {
  siteUrl: string;
  http: HttpSettings;
  /** Masks and shortens server text before it enters an error. */
  sanitize: (text: string) => string;
  /** Client ID of a Universal Auth identity (not a secret), named in login failures. */
  clientId?: string;
  /** A keyless login's method and identity, named in login failures. */
  keyless?: KeylessLogin;
}

/**
 * Infisical's HTTP API, as the module uses it: each method is one request with the caller's signal, the
 * per-attempt timeout, the size and depth limits and no redirects; a non-2xx answer or a failed attempt becomes the
 * module's named error ({@link mapApiError}), a malformed 2xx answer an `invalid-response` error. No retries here:
 * the session and the scheduler decide what to repeat.
 */
export class InfisicalApi {
  constructor(private readonly settings: InfisicalApiSettings) {}

  /** Logs in at `path` (e.g. `/api/v1/auth/universal-auth/login`) with the method's JSON body. */
  async login(path: string, body: Record<string, unknown>, target: InfisicalTarget, signal: AbortSignal): Promise<LoginAnswer> {
    const response = await this.#call('login', target, { method: 'POST', url: this.#url(path), json: body, signal });
    return this.#parsed('login', target, () => parseLoginAnswer(response.body, 'login'), response);
  }

  /** `POST /api/v1/auth/token/renew`: a token with a new lifetime (a new JWT on current servers). */
  async renew(accessToken: string, target: InfisicalTarget, signal: AbortSignal): Promise<LoginAnswer> {
    const response = await this.#call('renew', target, { method: 'POST', url: this.#url('/api/v1/auth/token/renew'), json: { accessToken }, signal });
    return this.#parsed('renew', target, () => parseLoginAnswer(response.body, 'renew'), response);
  }

  /** `POST /api/v1/auth/token/revoke`. */
  async revoke(accessToken: string, target: InfisicalTarget, signal: AbortSignal): Promise<void> {
    await this.#call('revoke', target, { method: 'POST', url: this.#url('/api/v1/auth/token/revoke'), json: { accessToken }, signal });
  }

  /** `GET /api/v3/secrets/raw`: one folder (plus sub-folders / imports as asked), merged by Infisical's rules. */
  async listSecrets(accessToken: string, query: ListQuery, target: InfisicalTarget, signal: AbortSignal): Promise<ParsedList> {
    const params = new URLSearchParams({
      workspaceId: query.projectId,
      environment: query.environment,
      secretPath: query.secretPath,
      recursive: String(query.recursive),
      include_imports: String(query.includeImports),
      expandSecretReferences: String(query.expandSecretReferences),
      viewSecretValue: String(query.viewSecretValue ?? true),
    });
    const response = await this.#call('list', target, { method: 'GET', url: this.#url(`/api/v3/secrets/raw?${params}`), headers: bearer(accessToken), signal });
    return this.#parsed('list', target, () => parseListResponse(response.body, query), response);
  }

  /** `GET /api/v1/workspace/:id`: the project's name and environment slugs. */
  async getProject(accessToken: string, target: InfisicalTarget, signal: AbortSignal): Promise<InfisicalProjectInfo> {
    const url = this.#url(`/api/v1/workspace/${encodeURIComponent(target.projectId)}`);
    const response = await this.#call('project', target, { method: 'GET', url, headers: bearer(accessToken), signal });
    return this.#parsed('project', target, () => {
      const workspace = (response.body as { workspace?: { name?: unknown; environments?: unknown } } | undefined)?.workspace;
      if (!workspace || !Array.isArray(workspace.environments)) throw new MalformedAnswerError('the project answer has no "environments" array');
      return {
        name: typeof workspace.name === 'string' ? workspace.name : undefined,
        environments: (workspace.environments as Array<{ slug?: unknown }>).map((e) => e?.slug).filter((s): s is string => typeof s === 'string'),
      };
    }, response);
  }

  /** `GET /api/v1/folders`: names of the folders directly inside `path` of the target's environment. */
  async listFolders(accessToken: string, target: InfisicalTarget, path: string, signal: AbortSignal): Promise<string[]> {
    const params = new URLSearchParams({ workspaceId: target.projectId, environment: target.environment, path });
    const response = await this.#call('folders', target, { method: 'GET', url: this.#url(`/api/v1/folders?${params}`), headers: bearer(accessToken), signal });
    return this.#parsed('folders', target, () => {
      const folders = (response.body as { folders?: unknown } | undefined)?.folders;
      if (!Array.isArray(folders)) throw new MalformedAnswerError('the folder answer has no "folders" array');
      return (folders as Array<{ name?: unknown }>).map((f) => f?.name).filter((n): n is string => typeof n === 'string');
    }, response);
  }

  /** `GET /api/status` (no credentials): whether `siteUrl` is an Infisical API. */
  async status(target: InfisicalTarget, signal: AbortSignal): Promise<InfisicalServerStatus> {
    const response = await this.#call('status', target, { method: 'GET', url: this.#url('/api/status'), signal });
    const status = response.body as { message?: unknown; date?: unknown; maxIdentityAccessTokenTTL?: unknown } | undefined;
    if (typeof status !== 'object' || status === null || (typeof status.message !== 'string' && typeof status.date !== 'string')) {
      if (response.bodyProblem === 'not-json') throw new InfisicalUnreachableError(target, 'not-infisical', NOT_JSON);
      throw new InfisicalUnreachableError(target, 'not-infisical', `GET /api/status answered with ${response.body === undefined ? 'an empty body' : 'JSON without the status fields'}`);
    }
    return {
      message: typeof status.message === 'string' ? this.settings.sanitize(status.message) : '',
      date: typeof status.date === 'string' ? this.settings.sanitize(status.date) : undefined,
      maxIdentityAccessTokenTTL: typeof status.maxIdentityAccessTokenTTL === 'number' ? status.maxIdentityAccessTokenTTL : undefined,
    };
  }

  #url(path: string): string {
    return `${this.settings.siteUrl}${path}`;
  }

  async #call(operation: ApiOperation, target: InfisicalTarget, request: HttpRequest): Promise<HttpResponse> {
    let response: HttpResponse;
    try {
      response = await performRequest(request, this.settings.http);
    } catch (error) {
      if (error instanceof HttpFailure) throw mapHttpFailure(error, operation, target);
      throw error;
    }
    if (response.status >= 200 && response.status < 300) return response;
    throw mapApiError({
      operation,
      status: response.status,
      body: response.body,
      retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after'), this.settings.http.clock.now()),
      target,
      clientId: this.settings.clientId,
      keyless: this.settings.keyless,
      sanitize: this.settings.sanitize,
    });
  }

  /** Parses a 2xx answer; one that is not JSON at all (a web page) means `siteUrl` is not the Infisical API. */
  #parsed<T>(operation: ApiOperation, target: InfisicalTarget, parse: () => T, response: HttpResponse): T {
    if (response.bodyProblem === 'not-json') throw new InfisicalUnreachableError(target, 'not-infisical', NOT_JSON);
    try {
      return parse();
    } catch (error) {
      if (error instanceof MalformedAnswerError) {
        throw new InfisicalUnreachableError(target, 'invalid-response', `${this.settings.sanitize(error.problem)} (${operation} request)`);
      }
      throw error;
    }
  }
}

/** A 2xx answer that is not JSON at all: a web page or another service at `siteUrl`, never the Infisical API. */
const NOT_JSON = 'it answered with a body that is not JSON (an HTML page or another service?), which the Infisical API never does';

function bearer(accessToken: string): Record<string, string> {
  return { authorization: `Bearer ${accessToken}` };
}
