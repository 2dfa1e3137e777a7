import { InfisicalUnreachableError } from '../errors/transport.errors.js';
import type { InfisicalTarget } from '../interfaces/infisical-source.interface.js';
import { mapApiError, mapHttpFailure } from './api-error.mapper.js';
import { HttpFailure, performRequest, type HttpRequest, type HttpResponse } from './http-request.js';
import type { InfisicalApiSettings } from './infisical-api.js';
import { mapLeaseError, type LeaseErrorAnswer } from './lease-error.mapper.js';
import {
  parseCreatedLease,
  parseLeaseAnswer,
  parseProjectSlug,
  type CreatedLease,
  type ParsedDynamicSecret,
  type ParsedLease,
} from './lease-response.parser.js';
import { MalformedAnswerError } from './malformed-answer.error.js';
import { parseRetryAfter } from './retry-after.js';

/** Which dynamic secret a lease call is about: its name, the project's slug and (in `target`) environment and folder. */
export interface DynamicSecretAddress {
  /** Name of the dynamic secret (Infisical lower-cases it). */
  name: string;
  /** The project's slug (the lease routes take no project ID), see {@link DynamicSecretsApi.projectSlug}. */
  projectSlug: string;
  /** `environment` and `secretPath` are the dynamic secret's; all of it names the place in errors. */
  target: InfisicalTarget;
}

type LeaseOperation = LeaseErrorAnswer['operation'];

/** `/db/` → `/db`, as Infisical normalises `path` (the root stays `/`). */
const folderOf = (path: string) => path.replace(/\/+$/, '') || '/';

/**
 * Infisical's dynamic-secret lease routes (`/api/v1/dynamic-secrets/leases`) and the project-slug lookup they need,
 * over the module's HTTP request layer: the caller's signal, the per-attempt timeout, size and depth limits, no
 * redirects. A non-2xx answer becomes a named error ({@link mapLeaseError}); a malformed 2xx answer an
 * `invalid-response` error naming the field, never a credential. No retries here: the lease lifecycle decides.
 */
export class DynamicSecretsApi {
  constructor(private readonly settings: InfisicalApiSettings) {}

  /** `GET /api/v1/workspace/:projectId`: the project's slug. */
  async projectSlug(accessToken: string, target: InfisicalTarget, signal: AbortSignal): Promise<string> {
    const url = `${this.settings.siteUrl}/api/v1/workspace/${encodeURIComponent(target.projectId)}`;
    let response: HttpResponse;
    try {
      response = await performRequest({ method: 'GET', url, headers: bearer(accessToken), signal }, this.settings.http);
    } catch (error) {
      throw error instanceof HttpFailure ? mapHttpFailure(error, 'project', target) : error;
    }
    if (response.status >= 400) {
      throw mapApiError({ ...this.#answer(response, target), operation: 'project' });
    }
    return this.#parsed('project', target, response, parseProjectSlug);
  }

  /** `POST /api/v1/dynamic-secrets/leases`: a new lease and its credentials; without `ttl`, the dynamic secret's default TTL. */
  async createLease(accessToken: string, address: DynamicSecretAddress, ttl: string | undefined, signal: AbortSignal): Promise<CreatedLease> {
    // JSON leaves an undefined ttl out: none is sent.
    const json = { dynamicSecretName: address.name, ...this.#scope(address), ttl };
    const response = await this.#call('lease-create', address, undefined, { method: 'POST', url: this.#url(''), json, headers: bearer(accessToken), signal });
    return this.#parsed('lease-create', address.target, response, parseCreatedLease);
  }

  /** `POST /api/v1/dynamic-secrets/leases/:id/renew`: Infisical adds `ttl` (or the default TTL) to the lease's expiry. */
  async renewLease(accessToken: string, address: DynamicSecretAddress, leaseId: string, ttl: string | undefined, signal: AbortSignal): Promise<ParsedLease> {
    const json = { ...this.#scope(address), ttl };
    const url = this.#url(`/${encodeURIComponent(leaseId)}/renew`);
    const response = await this.#call('lease-renew', address, leaseId, { method: 'POST', url, json, headers: bearer(accessToken), signal });
    return this.#parsed('lease-renew', address.target, response, (body) => parseLeaseAnswer(body).lease);
  }

  /** `DELETE /api/v1/dynamic-secrets/leases/:id` with a JSON body; `isForced` drops it without asking the provider. */
  async revokeLease(accessToken: string, address: DynamicSecretAddress, leaseId: string, signal: AbortSignal, isForced = false): Promise<void> {
    const json = { ...this.#scope(address), isForced };
    await this.#call('lease-revoke', address, leaseId, { method: 'DELETE', url: this.#url(`/${encodeURIComponent(leaseId)}`), json, headers: bearer(accessToken), signal });
  }

  /** `GET /api/v1/dynamic-secrets/leases/:id`: the lease's current expiry, with its dynamic secret. */
  async getLease(accessToken: string, address: DynamicSecretAddress, leaseId: string, signal: AbortSignal): Promise<{ lease: ParsedLease; dynamicSecret: ParsedDynamicSecret }> {
    const query = new URLSearchParams(this.#scope(address));
    const url = this.#url(`/${encodeURIComponent(leaseId)}?${query}`);
    const response = await this.#call('lease-get', address, leaseId, { method: 'GET', url, headers: bearer(accessToken), signal });
    return this.#parsed('lease-get', address.target, response, parseLeaseAnswer);
  }

  #scope(address: DynamicSecretAddress): { projectSlug: string; environmentSlug: string; path: string } {
    return { projectSlug: address.projectSlug, environmentSlug: address.target.environment, path: folderOf(address.target.secretPath) };
  }

  #url(rest: string): string {
    return `${this.settings.siteUrl}/api/v1/dynamic-secrets/leases${rest}`;
  }

  #answer(response: HttpResponse, target: InfisicalTarget) {
    const { sanitize, http } = this.settings;
    return { status: response.status, body: response.body, retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after'), http.clock.now()), target, sanitize };
  }

  async #call(operation: LeaseOperation, address: DynamicSecretAddress, leaseId: string | undefined, request: HttpRequest): Promise<HttpResponse> {
    let response: HttpResponse;
    try {
      response = await performRequest(request, this.settings.http);
    } catch (error) {
      throw error instanceof HttpFailure ? mapHttpFailure(error, operation, address.target) : error;
    }
    // 3xx never arrive here (never followed: an HttpFailure); 1xx are not answers.
    if (response.status < 400) return response;
    throw mapLeaseError({ ...this.#answer(response, address.target), operation, dynamicSecret: address.name, leaseId });
  }

  /** Parses a 2xx answer; a body that is not JSON means `siteUrl` is not the Infisical API. */
  #parsed<T>(operation: LeaseOperation | 'project', target: InfisicalTarget, response: HttpResponse, parse: (body: unknown) => T): T {
    if (response.bodyProblem === 'not-json') {
      throw new InfisicalUnreachableError(target, 'not-infisical', `the ${operation} request got a body that is not JSON (an HTML page or another service?)`);
    }
    try {
      return parse(response.body);
    } catch (error) {
      if (!(error instanceof MalformedAnswerError)) throw error;
      throw new InfisicalUnreachableError(target, 'invalid-response', `${this.settings.sanitize(error.problem)} (${operation} request)`);
    }
  }
}

function bearer(accessToken: string): Record<string, string> {
  return { authorization: `Bearer ${accessToken}` };
}
