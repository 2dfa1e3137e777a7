/** Shared helpers for the contract tests (server start, SDK login, raw HTTP calls). */
import { InfisicalSDK } from '@infisical/sdk';

import { createTestSeed, TEST_PROJECT_ID, type TestIdentity } from '../support/fixtures/test-seed.js';
import { LocalInfisicalServer, type LocalInfisicalServerOptions } from '../support/infisical-server/index.js';

/** A fixed server clock: only advanceTime() moves it, so nothing expires in real time. */
export const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);

export const REQ_ID = /^req-[A-Za-z0-9]{14}$/;

export function startTestServer(options: LocalInfisicalServerOptions = {}): Promise<LocalInfisicalServer> {
  return LocalInfisicalServer.start({ seed: createTestSeed(), now: () => T0, ...options });
}

export async function sdkFor(server: LocalInfisicalServer, who: TestIdentity): Promise<InfisicalSDK> {
  const sdk = new InfisicalSDK({ siteUrl: server.url });
  await sdk.auth().universalAuth.login({ clientId: who.clientId, clientSecret: who.clientSecret });
  return sdk;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

export async function raw(
  server: LocalInfisicalServer,
  path: string,
  init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.token !== undefined) headers['authorization'] = `Bearer ${init.token}`;
  let body: string | undefined;
  if (init.body !== undefined) {
    body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${server.url}${path}`, {
    method: init.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    ...(body === undefined ? {} : { body }),
    ...(init.signal ? { signal: init.signal } : {}),
  });
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, text, body: parsed };
}

export async function rawLogin(server: LocalInfisicalServer, who: TestIdentity): Promise<string> {
  const res = await raw(server, '/api/v1/auth/universal-auth/login', {
    body: { clientId: who.clientId, clientSecret: who.clientSecret },
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
  return res.body.accessToken as string;
}

/** `/api/v3/secrets/raw?...` with the test project by default. */
export function listPath(params: Record<string, string> = {}): string {
  const query = new URLSearchParams({ workspaceId: TEST_PROJECT_ID, environment: 'dev', ...params });
  return `/api/v3/secrets/raw?${query.toString()}`;
}

export function getPath(name: string, params: Record<string, string> = {}): string {
  const query = new URLSearchParams({ workspaceId: TEST_PROJECT_ID, environment: 'dev', ...params });
  return `/api/v3/secrets/raw/${encodeURIComponent(name)}?${query.toString()}`;
}

/** Decodes a JWT payload without verifying it. */
export function jwtClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Runs `fn` and returns the error it throws (fails if it does not throw). */
export async function errorOf(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to throw');
}
