import { describe, expect, it } from '@jest/globals';
import { computeStatus, healthState, type StatusContext } from '../../src/infisical/store/health-status.js';
import { InfisicalUnreachableError } from '../../src/infisical/errors/transport.errors.js';
import { SecretSnapshot, type SnapshotSource } from '../../src/infisical/store/secret-snapshot.js';
import type { StoreState } from '../../src/infisical/store/store-state.js';

const NOW = 1_000_000;
const target = { siteUrl: 'http://127.0.0.1:1', projectId: 'p', environment: 'dev', secretPath: '/' };
const keyInfo = (key: string) => ({ source: 'infisical' as const, version: 1, projectId: 'p', environment: 'dev', secretPath: '/' , key });

function snapshot(source: SnapshotSource, confirmedAt: number | undefined, keys = ['A']): SecretSnapshot {
  const values = Object.fromEntries(keys.map((k) => [k, `value-of-${k}`]));
  const info = Object.fromEntries(keys.map((k) => [k, keyInfo(k)]));
  return new SecretSnapshot({ values, keys: info } as never, source, confirmedAt, []);
}
const EMPTY: StoreState = { snapshot: undefined, failures: 0, transportFailures: 0, lastError: undefined, nextRefreshAt: undefined, refreshStartedAt: undefined, closed: false };
const state = (patch: Partial<StoreState>): StoreState => ({ ...EMPTY, ...patch });
const context: StatusContext = {
  enabled: true,
  sources: [{ projectId: 'p', environment: 'dev', secretPath: '/', recursive: false, includeImports: true } as never],
  maxStaleSeconds: 600,
  requestTimeoutMs: 10_000,
  healthMaxKeys: 2,
  now: NOW,
  redact: (text) => text.replaceAll('value-of-A', '[redacted]'),
};

describe('healthState', () => {
  it('is down without a snapshot', () => expect(healthState(state({}), context)).toBe('down'));
  it('is up with fresh values', () => expect(healthState(state({ snapshot: snapshot('infisical', NOW - 5_000) }), context)).toBe('up'));
  it('is up when Infisical is disabled, whatever else', () => expect(healthState(state({ snapshot: snapshot('env', undefined), failures: 9 }), context)).toBe('up'));
  it('is degraded after a failed refresh', () => expect(healthState(state({ snapshot: snapshot('infisical', NOW - 5_000), failures: 1 }), context)).toBe('degraded'));
  it('is degraded while serving the last-known-good file', () => expect(healthState(state({ snapshot: snapshot('cache', NOW - 5_000) }), context)).toBe('degraded'));
  it('is degraded while a refresh is in flight longer than the request timeout (hung)', () => {
    expect(healthState(state({ snapshot: snapshot('infisical', NOW), refreshStartedAt: NOW - 10_001 }), context)).toBe('degraded');
    expect(healthState(state({ snapshot: snapshot('infisical', NOW), refreshStartedAt: NOW - 10_000 }), context)).toBe('up');
  });
  it('is down once stale values are older than maxStaleSeconds, degraded up to it', () => {
    expect(healthState(state({ snapshot: snapshot('infisical', NOW - 600_000), failures: 1 }), context)).toBe('degraded');
    expect(healthState(state({ snapshot: snapshot('infisical', NOW - 600_001), failures: 1 }), context)).toBe('down');
  });
  it('never goes down with maxStaleSeconds 0', () => {
    expect(healthState(state({ snapshot: snapshot('infisical', 0), failures: 3 }), { ...context, maxStaleSeconds: 0 })).toBe('degraded');
  });
  it('old but fresh values are up (age matters only while stale)', () => {
    expect(healthState(state({ snapshot: snapshot('infisical', NOW - 10_000_000) }), context)).toBe('up');
  });
});

describe('computeStatus', () => {
  it('lists at most healthMaxKeys keys, sorted, and counts the rest', () => {
    const status = computeStatus(state({ snapshot: snapshot('infisical', NOW, ['C', 'A', 'B']) }), context);
    expect(Object.keys(status.keys)).toEqual(['A', 'B']);
    expect(status.keyCount).toBe(3);
    expect(status.keysOmitted).toBe(1);
  });
  it('reports the last error only while failing, redacted', () => {
    const error = new InfisicalUnreachableError(target, 'server-error', 'HTTP 500 with "value-of-A" for the list request');
    const failing = computeStatus(state({ snapshot: snapshot('infisical', NOW), failures: 2, lastError: error }), context);
    expect(failing.lastError).toContain('[redacted]');
    expect(failing.lastError).not.toContain('value-of-A');
    expect(failing.consecutiveFailures).toBe(2);
    expect(computeStatus(state({ snapshot: snapshot('infisical', NOW), failures: 0, lastError: error }), context).lastError).toBeUndefined();
  });
  it('reports the fleet entry only when given (the fleet option), as given', () => {
    const fleet = { redis: 'down', role: 'reading alone' } as const;
    expect(computeStatus(state({ snapshot: snapshot('infisical', NOW) }), { ...context, fleet }).fleet).toEqual(fleet);
    expect(computeStatus(state({ snapshot: snapshot('infisical', NOW) }), context)).not.toHaveProperty('fleet');
  });
  it('never contains a value', () => {
    const status = computeStatus(state({ snapshot: snapshot('infisical', NOW, ['A']) }), context);
    expect(JSON.stringify(status)).not.toContain('value-of-A');
    expect(status.snapshotAgeSeconds).toBe(0);
    expect(status.sources).toEqual([{ projectId: 'p', environment: 'dev', secretPath: '/' }]);
  });
});

describe('healthState: what counts as stale', () => {
  it('is degraded when stale values have no confirmation time, whatever maxStaleSeconds', () => {
    expect(healthState(state({ snapshot: snapshot('cache', undefined) }), { ...context, maxStaleSeconds: 1 })).toBe('degraded');
  });
  it('goes down with the smallest maxStaleSeconds once the age exceeds it', () => {
    expect(healthState(state({ snapshot: snapshot('cache', NOW - 1_000) }), { ...context, maxStaleSeconds: 1 })).toBe('degraded');
    expect(healthState(state({ snapshot: snapshot('cache', NOW - 1_001) }), { ...context, maxStaleSeconds: 1 })).toBe('down');
  });
  it('counts the age from the confirmation time, not from zero', () => {
    expect(healthState(state({ snapshot: snapshot('infisical', NOW - 1_000), failures: 1 }), { ...context, maxStaleSeconds: 1 })).toBe('degraded');
    expect(healthState(state({ snapshot: snapshot('infisical', NOW + 700_000), failures: 1 }), context)).toBe('degraded');
  });
  it('a refresh that started just now is not hung', () => {
    expect(healthState(state({ snapshot: snapshot('infisical', NOW), refreshStartedAt: NOW }), context)).toBe('up');
    expect(healthState(state({ snapshot: snapshot('infisical', NOW), refreshStartedAt: NOW + 20_000 }), context)).toBe('up');
  });
  it('a hung refresh is down once the values are older than maxStaleSeconds', () => {
    expect(healthState(state({ snapshot: snapshot('infisical', NOW - 600_001), refreshStartedAt: NOW - 10_001 }), context)).toBe('down');
  });
});

describe('computeStatus: the whole payload', () => {
  it('without a snapshot and without sources', () => {
    expect(computeStatus(state({}), { ...context, enabled: false, sources: [] })).toEqual({
      state: 'down',
      enabled: false,
      source: 'none',
      environment: '',
      secretPath: '',
      sources: [],
      lastSuccessfulRefresh: undefined,
      snapshotAgeSeconds: undefined,
      keyCount: 0,
      keys: {},
      keysOmitted: 0,
      consecutiveFailures: 0,
      lastError: undefined,
      nextRefreshAt: undefined,
      refreshStartedAt: undefined,
    });
  });

  it('while failing, with several sources', () => {
    const error = new InfisicalUnreachableError(target, 'server-error', 'HTTP 502');
    const sources = [
      { projectId: 'p', environment: 'staging', secretPath: '/app', recursive: true, includeImports: false },
      { projectId: 'q', environment: 'prod', secretPath: '/shared', recursive: false, includeImports: true },
    ] as never;
    const status = computeStatus(
      state({ snapshot: snapshot('infisical', NOW - 61_499, ['B', 'A']), failures: 3, lastError: error, nextRefreshAt: NOW + 30_000, refreshStartedAt: NOW - 1_000 }),
      { ...context, sources, healthMaxKeys: 5 },
    );
    expect(status).toEqual({
      state: 'degraded',
      enabled: true,
      source: 'infisical',
      environment: 'staging',
      secretPath: '/app',
      sources: [
        { projectId: 'p', environment: 'staging', secretPath: '/app' },
        { projectId: 'q', environment: 'prod', secretPath: '/shared' },
      ],
      lastSuccessfulRefresh: new Date(NOW - 61_499).toISOString(),
      snapshotAgeSeconds: 61,
      keyCount: 2,
      keys: { A: keyInfo('A'), B: keyInfo('B') },
      keysOmitted: 0,
      consecutiveFailures: 3,
      lastError: `InfisicalUnreachableError: ${error.message}`,
      nextRefreshAt: new Date(NOW + 30_000).toISOString(),
      refreshStartedAt: new Date(NOW - 1_000).toISOString(),
    });
    expect(Object.keys(status.keys)).toEqual(['A', 'B']);
  });

  it('rounds the snapshot age, never below zero', () => {
    expect(computeStatus(state({ snapshot: snapshot('infisical', NOW - 1_500) }), context).snapshotAgeSeconds).toBe(2);
    expect(computeStatus(state({ snapshot: snapshot('infisical', NOW + 5_000) }), context).snapshotAgeSeconds).toBe(0);
  });

  it('a failure without a recorded error reports none', () => {
    expect(computeStatus(state({ snapshot: snapshot('infisical', NOW), failures: 1 }), context).lastError).toBeUndefined();
  });

  it('cuts a long error to 2000 characters', () => {
    const error = new InfisicalUnreachableError(target, 'server-error', 'x'.repeat(5_000));
    const full = `InfisicalUnreachableError: ${error.message}`;
    const status = computeStatus(state({ snapshot: snapshot('infisical', NOW), failures: 1, lastError: error }), context);
    expect(status.lastError).toBe(`${full.slice(0, 2000)}… (${full.length - 2000} more characters)`);
  });

  it('lists no key with healthMaxKeys 0', () => {
    const status = computeStatus(state({ snapshot: snapshot('infisical', NOW, ['A', 'B']) }), { ...context, healthMaxKeys: 0 });
    expect(status.keys).toEqual({});
    expect(status.keysOmitted).toBe(2);
    expect(status.keyCount).toBe(2);
  });
});
