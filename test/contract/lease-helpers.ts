/** Raw calls of the four lease routes, scoped to the test project's dev `/` unless a test says otherwise. */
import { DYNAMIC_SECRET_NAME } from '../support/fixtures/dynamic-secret-seed.js';
import { TEST_PROJECT_SLUG } from '../support/fixtures/test-seed.js';
import type { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { raw, type RawResponse } from './contract-helpers.js';

export const LEASES = '/api/v1/dynamic-secrets/leases';
export const SCOPE = { projectSlug: TEST_PROJECT_SLUG, environmentSlug: 'dev', path: '/' };

/** The keys of a lease as Infisical answers it (DynamicSecretLeasesSchema). */
export const LEASE_KEYS = ['config', 'createdAt', 'dynamicSecretId', 'expireAt', 'externalEntityId', 'id', 'status', 'statusDetails', 'updatedAt', 'version'];

export interface LeaseCalls {
  create(body?: Record<string, unknown>, token?: string): Promise<RawResponse>;
  renew(leaseId: string, body?: Record<string, unknown>): Promise<RawResponse>;
  revoke(leaseId: string, body?: Record<string, unknown>): Promise<RawResponse>;
  get(leaseId: string, query?: Record<string, string>): Promise<RawResponse>;
}

export function leaseCalls(server: () => LocalInfisicalServer, token: () => string): LeaseCalls {
  return {
    create: (body = {}, bearer = token()) => raw(server(), LEASES, { token: bearer, body: { dynamicSecretName: DYNAMIC_SECRET_NAME, ...SCOPE, ...body } }),
    renew: (leaseId, body = {}) => raw(server(), `${LEASES}/${leaseId}/renew`, { token: token(), body: { ...SCOPE, ...body } }),
    revoke: (leaseId, body = {}) => raw(server(), `${LEASES}/${leaseId}`, { method: 'DELETE', token: token(), body: { ...SCOPE, ...body } }),
    get: (leaseId, query = {}) => raw(server(), `${LEASES}/${leaseId}?${new URLSearchParams({ ...SCOPE, ...query }).toString()}`, { token: token() }),
  };
}

/** Milliseconds between two ISO timestamps. */
export const msBetween = (from: string, to: string): number => Date.parse(to) - Date.parse(from);
