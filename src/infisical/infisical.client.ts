import { InfisicalSDK } from '@infisical/sdk';
import {
  InfisicalAuthenticationError,
  InfisicalEnvironmentNotFoundError,
  InfisicalError,
  InfisicalIdentityLockedError,
  InfisicalProjectAccessError,
  InfisicalRateLimitError,
  InfisicalRequestError,
  InfisicalSecretPathNotFoundError,
  InfisicalTokenError,
  InfisicalUnreachableError,
} from './infisical.errors.js';
import type { ResolvedInfisicalOptions } from './infisical-options.resolver.js';
import { runInTransportScope, TransportScope, type AttemptOutcome } from './infisical.transport.js';
import { closestMatch } from './closest-match.js';
import type { InfisicalClock } from './interfaces/infisical-clock.interface.js';
import type { InfisicalTarget } from './interfaces/infisical-target.interface.js';
import type { SecretRedactor } from './secret-redactor.js';

/** One secret as delivered by Infisical (after imports and sub-folders were merged). */
export interface FetchedSecret {
  key: string;
  value: string;
  version: number;
  /** Folder and environment the value really lives in (an import's, for imported secrets). */
  secretPath: string;
  environment: string;
  imported: boolean;
}

/** The result of one list call. */
export interface FetchedSecrets {
  secrets: FetchedSecret[];
  /** Keys whose value Infisical hid (the identity may describe but not read them). */
  hiddenKeys: string[];
}

/** What `GET /api/status` told about the server (no credentials involved). */
export interface InfisicalServerStatus {
  /** The server's `message` (`Ok` on a healthy instance). */
  message: string;
  /** The server's clock, when reported. */
  date: string | undefined;
  /** Longest access token lifetime the server issues (seconds), when reported. */
  maxIdentityAccessTokenTTL: number | undefined;
}

/** Name and environment slugs of the configured project, as the identity sees it. */
export interface InfisicalProjectInfo {
  name: string | undefined;
  environments: string[];
}

/** What the client knows about its access token (never the token itself). */
export interface AccessTokenInfo {
  issuedAt: number;
  expiresAt: number | undefined;
  maxExpiresAt: number | undefined;
}

interface Session extends AccessTokenInfo {
  sdk: InfisicalSDK;
  /** False once a renewal did not extend the token (max TTL reached, or a server that renews in place). */
  renewable: boolean;
}

type Operation = 'login' | 'renew' | 'list' | 'project' | 'revoke' | 'status' | 'folders';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Talks to Infisical through `@infisical/sdk`: Universal Auth login, token renewal and re-login, one list call per
 * read, and the mapping of every failure to a named, actionable {@link InfisicalError}.
 *
 * The SDK is used for every request; each call runs in a {@link TransportScope} so that the module, not the SDK,
 * owns timeouts, cancellation and retries.
 */
export class InfisicalClient {
  #session: Session | undefined;

  constructor(
    private readonly options: ResolvedInfisicalOptions,
    private readonly clock: InfisicalClock,
    private readonly redactor: SecretRedactor,
  ) {
    redactor.add(options.clientSecret);
  }

  get target(): InfisicalTarget {
    return this.options.target;
  }

  /** Expiry information of the current access token, if logged in. */
  get token(): AccessTokenInfo | undefined {
    const s = this.#session;
    return s && { issuedAt: s.issuedAt, expiresAt: s.expiresAt, maxExpiresAt: s.maxExpiresAt };
  }

  /**
   * Reads the configured folder in one list call, logging in or renewing the token first when needed. A token the
   * server rejects (expired → 403 TokenError, revoked → 401) leads to one fresh login and one retry, never more.
   */
  async fetchSecrets(signal: AbortSignal): Promise<FetchedSecrets> {
    await this.ensureSession(signal);
    try {
      return await this.list(signal);
    } catch (error) {
      if (!(error instanceof InfisicalTokenError)) throw error;
      this.#session = undefined;
      await this.login(signal);
      try {
        return await this.list(signal);
      } catch (retryError) {
        // A token refused right after a fresh login is no longer a matter of expiry: it needs a human.
        if (retryError instanceof InfisicalTokenError) throw new InfisicalAuthenticationError(this.target, 'access-token-rejected');
        throw retryError;
      }
    }
  }

  /** Logs in with a fresh SDK instance (so no stale `Authorization` header is sent along). */
  async login(signal: AbortSignal): Promise<AccessTokenInfo> {
    const { clientId, clientSecret } = this.options;
    const sdk = new InfisicalSDK({ siteUrl: this.target.siteUrl });
    const { body } = await this.call('login', signal, () => sdk.auth().universalAuth.login({ clientId, clientSecret }));
    const accessToken = sdk.auth().getAccessToken();
    if (typeof accessToken !== 'string' || accessToken === '') {
      throw new InfisicalUnreachableError(this.target, 'invalid-response', 'the login response carried no access token');
    }
    this.redactor.add(accessToken);
    this.#session = { sdk, renewable: true, ...this.lifetime(body) };
    return this.token as AccessTokenInfo;
  }

  /** Revokes the current access token (best effort, used at shutdown). */
  async revoke(signal: AbortSignal): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    const token = session?.sdk.auth().getAccessToken();
    if (!token) return;
    await this.call('revoke', signal, () =>
      fetch(`${this.target.siteUrl}/api/v1/auth/token/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ accessToken: token }),
      }).then((r) => this.assertOk(r)),
    );
  }

  /** The project's environment slugs, or undefined when the identity may not see the project. */
  async listEnvironments(signal: AbortSignal): Promise<string[] | undefined> {
    try {
      return (await this.describeProject(signal)).environments;
    } catch {
      return undefined;
    }
  }

  /**
   * Which of `environments` this identity can read something in (root folder). Used only to explain a list that
   * came back without the required keys: Infisical filters unreadable secrets instead of refusing.
   */
  async findReadableEnvironments(signal: AbortSignal, environments: readonly string[]): Promise<string[]> {
    const readable: string[] = [];
    for (const environment of environments.slice(0, 5)) {
      try {
        const sdk = this.#session?.sdk;
        if (!sdk) break;
        const { result } = await this.call('list', signal, () =>
          // names are enough: values stay on the server
          sdk.secrets().listSecrets({ projectId: this.target.projectId, environment, secretPath: '/', expandSecretReferences: false, viewSecretValue: false }),
        );
        if (Array.isArray(result?.secrets) && result.secrets.length > 0) readable.push(environment);
      } catch {
        // not readable, or not reachable: either way not evidence of readability
      }
    }
    return readable;
  }

  /** Explains a 404 on the list: an unknown environment slug (with a suggestion) or a missing folder. */
  async explainNotFound(signal: AbortSignal): Promise<InfisicalError> {
    const environments = await this.listEnvironments(signal);
    const { environment, secretPath } = this.target;
    if (environments && !environments.includes(environment)) {
      return new InfisicalEnvironmentNotFoundError(this.target, environments, closestMatch(environment, environments));
    }
    if (!environments && secretPath === '/') {
      return new InfisicalEnvironmentNotFoundError(this.target, undefined, undefined);
    }
    return new InfisicalSecretPathNotFoundError(this.target);
  }

  /**
   * Asks `GET /api/status` (unauthenticated) whether `siteUrl` is an Infisical API. Throws
   * {@link InfisicalUnreachableError}: `network` / `timeout` when nothing answers, `invalid-response` when something
   * answers that is not Infisical (HTML, another API, a status other than 200).
   */
  async checkStatus(signal: AbortSignal): Promise<InfisicalServerStatus> {
    const notInfisical = (what: string) =>
      new InfisicalUnreachableError(
        this.target,
        'invalid-response',
        `GET /api/status answered with ${what}, which is not how the Infisical API answers (check siteUrl / INFISICAL_SITE_URL)`,
      );
    let answered: number | undefined;
    let body: unknown;
    try {
      ({ body } = await this.call('status', signal, () =>
        fetch(`${this.target.siteUrl}/api/status`).then((response) => {
          answered = response.status;
          return this.assertOk(response);
        }),
      ));
    } catch (error) {
      // Network trouble, timeouts and 5xx keep their own explanation; any other refusal means "not Infisical".
      if (error instanceof InfisicalUnreachableError || answered === undefined) throw error;
      throw notInfisical(`HTTP ${answered}`);
    }
    const status = body as { message?: unknown; date?: unknown; maxIdentityAccessTokenTTL?: unknown } | undefined;
    if (typeof status !== 'object' || status === null || (typeof status.message !== 'string' && typeof status.date !== 'string')) {
      throw notInfisical(body === undefined ? 'a body that is not JSON' : 'JSON without the status fields');
    }
    return {
      message: typeof status.message === 'string' ? status.message : '',
      date: typeof status.date === 'string' ? status.date : undefined,
      maxIdentityAccessTokenTTL: typeof status.maxIdentityAccessTokenTTL === 'number' ? status.maxIdentityAccessTokenTTL : undefined,
    };
  }

  /**
   * Name and environment slugs of the configured project (logging in first when needed). Unlike
   * {@link listEnvironments} it throws the mapped error: an unknown project ({@link InfisicalProjectAccessError}
   * `project-not-found`), an identity that is not a member (`not-a-member`), or an unreachable server.
   */
  async describeProject(signal: AbortSignal): Promise<InfisicalProjectInfo> {
    const body = await this.authorizedGet('project', signal, `/api/v1/workspace/${encodeURIComponent(this.target.projectId)}`);
    const workspace = (body as { workspace?: { name?: unknown; environments?: Array<{ slug?: unknown }> } } | undefined)?.workspace;
    if (!workspace || !Array.isArray(workspace.environments)) {
      throw new InfisicalUnreachableError(this.target, 'invalid-response', 'the project response has no "environments" array');
    }
    return {
      name: typeof workspace.name === 'string' ? workspace.name : undefined,
      environments: workspace.environments.map((e) => e.slug).filter((s): s is string => typeof s === 'string'),
    };
  }

  /**
   * Names of the folders directly inside `path` of `environment` (logging in first when needed); an unknown
   * path yields an empty list. Infisical may refuse folder listing to an identity that can read secrets (it is a
   * separate permission): callers should treat a refusal as "cannot tell", not as a missing folder.
   */
  async listFolders(signal: AbortSignal, environment: string, path: string): Promise<string[]> {
    const query = new URLSearchParams({ workspaceId: this.target.projectId, environment, path });
    const body = await this.authorizedGet('folders', signal, `/api/v1/folders?${query}`);
    const folders = (body as { folders?: Array<{ name?: unknown }> } | undefined)?.folders;
    if (!Array.isArray(folders)) {
      throw new InfisicalUnreachableError(this.target, 'invalid-response', 'the folder list response has no "folders" array');
    }
    return folders.map((f) => f?.name).filter((n): n is string => typeof n === 'string');
  }

  /**
   * A GET the SDK has no call for (project details, folders), made with the session's token inside a transport
   * scope like every SDK request; returns the parsed body.
   */
  private async authorizedGet(operation: Operation, signal: AbortSignal, path: string): Promise<unknown> {
    await this.ensureSession(signal);
    const token = this.#session?.sdk.auth().getAccessToken();
    const { body } = await this.call(operation, signal, () =>
      fetch(`${this.target.siteUrl}${path}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => this.assertOk(r)),
    );
    return body;
  }

  private async ensureSession(signal: AbortSignal): Promise<void> {
    const session = this.#session;
    if (!session) {
      await this.login(signal);
      return;
    }
    if (session.expiresAt === undefined) return;
    const now = this.clock.now();
    const lifetime = session.expiresAt - session.issuedAt;
    const margin = Math.max(lifetime / 3, 1000);
    if (session.expiresAt - now > margin) return;
    const renewalCanExtend =
      session.renewable && session.expiresAt - now > 1000 && (session.maxExpiresAt === undefined || session.maxExpiresAt - now > margin);
    if (renewalCanExtend) {
      try {
        await this.renew(session, signal);
        return;
      } catch (error) {
        if (error instanceof InfisicalError && error.transient && !(error instanceof InfisicalTokenError)) throw error;
      }
    }
    this.#session = undefined;
    await this.login(signal);
  }

  private async renew(session: Session, signal: AbortSignal): Promise<void> {
    const previousToken = session.sdk.auth().getAccessToken();
    const { body } = await this.call('renew', signal, () => session.sdk.auth().universalAuth.renew());
    const accessToken = session.sdk.auth().getAccessToken();
    if (typeof accessToken === 'string') this.redactor.add(accessToken);
    const renewed = this.lifetime(body);
    const previousExpiry = session.expiresAt ?? 0;
    // Older servers renew in place: the same JWT comes back, its own expiry unchanged, whatever expiresIn says.
    const sameToken = accessToken === previousToken;
    session.renewable = !sameToken && (renewed.expiresAt === undefined || renewed.expiresAt > previousExpiry + 1000);
    if (sameToken) return;
    session.expiresAt = renewed.expiresAt;
    session.issuedAt = renewed.issuedAt;
  }

  private lifetime(body: unknown): AccessTokenInfo {
    const now = this.clock.now();
    const { expiresIn, accessTokenMaxTTL } = (body ?? {}) as { expiresIn?: unknown; accessTokenMaxTTL?: unknown };
    const seconds = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined);
    const ttl = seconds(expiresIn);
    const maxTtl = seconds(accessTokenMaxTTL);
    return {
      issuedAt: now,
      expiresAt: ttl === undefined ? undefined : now + ttl * 1000,
      maxExpiresAt: this.#session?.maxExpiresAt ?? (maxTtl === undefined ? undefined : now + maxTtl * 1000),
    };
  }

  private async list(signal: AbortSignal): Promise<FetchedSecrets> {
    const sdk = this.#session?.sdk as InfisicalSDK;
    const { projectId, environment, secretPath } = this.target;
    const { result } = await this.call('list', signal, () =>
      sdk.secrets().listSecrets({
        projectId,
        environment,
        secretPath,
        recursive: this.options.recursive,
        includeImports: this.options.includeImports,
        expandSecretReferences: this.options.expandSecretReferences,
        viewSecretValue: true,
      }),
    );
    return this.parseList(result);
  }

  /** Validates the list response as a whole (a malformed item rejects all of it) and merges imports. */
  private parseList(body: unknown): FetchedSecrets {
    const invalid = (what: string) => new InfisicalUnreachableError(this.target, 'invalid-response', `the list response ${what}`);
    if (typeof body !== 'object' || body === null || !Array.isArray((body as { secrets?: unknown }).secrets)) {
      throw invalid('has no "secrets" array');
    }
    const { secrets, imports } = body as { secrets: unknown[]; imports?: unknown };
    const hiddenKeys: string[] = [];
    const byKey = new Map<string, FetchedSecret>();
    const parse = (item: unknown, imported: boolean, fallback: { environment: string; secretPath: string }) => {
      const s = item as Record<string, unknown>;
      if (typeof s !== 'object' || s === null || typeof s.secretKey !== 'string' || s.secretKey === '') {
        throw invalid('contains an item without a "secretKey"');
      }
      if (typeof s.secretValue !== 'string') throw invalid(`has no string "secretValue" for ${s.secretKey}`);
      if (s.version !== undefined && typeof s.version !== 'number') throw invalid(`has a non-numeric "version" for ${s.secretKey}`);
      return {
        key: s.secretKey,
        value: s.secretValue,
        version: typeof s.version === 'number' ? s.version : 0,
        secretPath: typeof s.secretPath === 'string' ? s.secretPath : fallback.secretPath,
        environment: typeof s.environment === 'string' ? s.environment : fallback.environment,
        imported,
        hidden: s.secretValueHidden === true,
      };
    };
    const accept = (secret: ReturnType<typeof parse>, override: boolean) => {
      if (FORBIDDEN_KEYS.has(secret.key)) return;
      if (secret.hidden) {
        hiddenKeys.push(secret.key);
        return;
      }
      const existing = byKey.get(secret.key);
      if (existing && !override) return;
      // In the configured folder itself, the folder's own secret wins over the same key from a sub-folder.
      if (existing && existing.secretPath === this.target.secretPath && secret.secretPath !== this.target.secretPath) return;
      const { hidden: _hidden, ...clean } = secret;
      byKey.set(secret.key, clean);
    };
    const own = secrets.map((item) => parse(item, false, this.target));
    own.filter((s) => s.secretPath === this.target.secretPath).forEach((s) => accept(s, true));
    own.filter((s) => s.secretPath !== this.target.secretPath).forEach((s) => accept(s, false));
    if (imports !== undefined) {
      if (!Array.isArray(imports)) throw invalid('has an "imports" field that is not an array');
      // Like the Infisical server and CLI: among imports the last one wins; local secrets always win.
      const imported = new Map<string, ReturnType<typeof parse>>();
      for (const block of imports as Array<Record<string, unknown>>) {
        if (!Array.isArray(block?.secrets)) throw invalid('has an import without a "secrets" array');
        const where = {
          environment: typeof block.environment === 'string' ? block.environment : this.target.environment,
          secretPath: typeof block.secretPath === 'string' ? block.secretPath : '/',
        };
        for (const item of block.secrets) {
          const secret = parse(item, true, where);
          imported.set(secret.key, { ...secret, secretPath: where.secretPath, environment: where.environment });
        }
      }
      for (const secret of imported.values()) accept(secret, false);
    }
    return { secrets: [...byKey.values()], hiddenKeys };
  }

  private async assertOk(response: Response): Promise<void> {
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    await response.arrayBuffer();
  }

  private async call<T>(operation: Operation, signal: AbortSignal, run: () => Promise<T>): Promise<{ result: T; body: unknown }> {
    const scope = new TransportScope({
      signal,
      attemptTimeoutMs: this.options.requestTimeoutMs,
      clock: this.clock,
      // a list answer holds every secret: the SDK parses it, the scope never keeps it
      keepSuccessBody: operation !== 'list',
    });
    try {
      const result = await runInTransportScope(scope, run);
      return { result, body: scope.takeBody() };
    } catch (error) {
      const outcome = scope.outcome;
      scope.takeBody();
      throw this.redactor.redactError(this.toError(operation, outcome, error, signal));
    }
  }

  /** Maps what the server really answered (recorded by the transport scope) to a named error. */
  private toError(operation: Operation, outcome: AttemptOutcome | undefined, error: unknown, signal: AbortSignal): Error {
    const target = this.target;
    if (signal.aborted && signal.reason instanceof Error) return signal.reason;
    if (!outcome) {
      const detail = error instanceof Error ? error.message : String(error);
      return new InfisicalUnreachableError(target, 'invalid-response', `the Infisical SDK failed before sending a request: ${this.redactor.redact(detail)}`);
    }
    switch (outcome.kind) {
      case 'cancelled':
        return new InfisicalUnreachableError(target, 'timeout', `the ${operation} request was cancelled`);
      case 'timeout':
        return new InfisicalUnreachableError(target, 'timeout', `no complete answer to the ${operation} request within ${this.options.requestTimeoutMs} ms`);
      case 'too-large':
        return new InfisicalUnreachableError(target, 'invalid-response', `the ${operation} response exceeded the size limit`);
      case 'network':
        return new InfisicalUnreachableError(target, 'network', outcome.detail);
      case 'response':
        return this.fromStatus(operation, outcome.status, outcome.body, outcome.retryAfterSeconds);
    }
  }

  private fromStatus(operation: Operation, status: number, body: unknown, retryAfter: number | undefined): InfisicalError {
    const target = this.target;
    const envelope = (typeof body === 'object' && body !== null ? body : {}) as { message?: unknown; error?: unknown; reqId?: unknown };
    const message = typeof envelope.message === 'string' ? envelope.message : '';
    const name = typeof envelope.error === 'string' ? envelope.error : '';
    const text = `${name} ${message}`;
    if (status === 429) {
      const fromMessage = /try again in (\d+) second/i.exec(message)?.[1];
      return new InfisicalRateLimitError(target, retryAfter ?? (fromMessage ? Number(fromMessage) : undefined));
    }
    if (status >= 500) {
      const what = body === undefined ? 'a body that is not JSON' : message ? `"${this.redactor.redact(message)}"` : 'an error';
      return new InfisicalUnreachableError(target, 'server-error', `HTTP ${status} with ${what} for the ${operation} request`);
    }
    if (body === undefined || (status === 404 && /^Route /.test(message))) {
      return new InfisicalUnreachableError(
        target,
        'invalid-response',
        `HTTP ${status} for the ${operation} request from something that does not answer like the Infisical API (check siteUrl / INFISICAL_SITE_URL)`,
      );
    }
    if (status === 403 && name === 'TokenError') {
      return new InfisicalTokenError(target, /expired/i.test(message) ? 'expired' : 'invalid');
    }
    if (operation === 'login') {
      if (status === 401 && /temporarily locked/i.test(message)) return new InfisicalIdentityLockedError(target);
      if (status === 401 && /expired client secret/i.test(message)) return new InfisicalAuthenticationError(target, 'client-secret-expired');
      if (status === 401 && /usage limit/i.test(message)) return new InfisicalAuthenticationError(target, 'client-secret-exhausted');
      if (status === 401 || status === 404) return new InfisicalAuthenticationError(target, 'invalid-credentials');
    }
    if (status === 401) {
      if (/revoked/i.test(message)) return new InfisicalTokenError(target, 'revoked');
      if (/max TTL/i.test(message)) return new InfisicalTokenError(target, 'max-ttl');
      if (/usage limit|exhausted/i.test(message)) return new InfisicalTokenError(target, 'exhausted');
      return new InfisicalTokenError(target, 'invalid');
    }
    if (status === 403) {
      if (/not (a )?member|does not belong/i.test(text)) return new InfisicalProjectAccessError(target, 'not-a-member');
      if (name === 'PermissionDenied' || /describeSecret|readValue/i.test(message)) return new InfisicalProjectAccessError(target, 'no-secret-access');
    }
    // Folder / environment first: "Environment with slug 'x' in project with ID … not found" names a project too.
    if (status === 404 && (/SecretPathNotFound|GetSecretByName/.test(name) || /folder with path|environment with slug/i.test(message))) {
      return new InfisicalSecretPathNotFoundError(target);
    }
    if ((status === 404 || status === 400) && /^project with id .* not found|^project not found/i.test(message)) {
      return new InfisicalProjectAccessError(target, 'project-not-found');
    }
    if (status === 400 && /folder not found/i.test(message)) return new InfisicalSecretPathNotFoundError(target);
    const detail = Array.isArray(envelope.message)
      ? (envelope.message as Array<{ message?: string }>).map((m) => m?.message).filter(Boolean).join('; ')
      : message || name || 'no message';
    return new InfisicalRequestError(target, status, this.redactor.redact(detail));
  }
}
