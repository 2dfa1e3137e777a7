import { describe, expect, it } from '@jest/globals';
import { computeStatus, healthState, type StatusContext } from '../../src/infisical/health/health-status.js';
import { InfisicalUnreachableError } from '../../src/infisical/index.js';
import { SecretSnapshot, type SnapshotSource } from '../../src/infisical/store/secret-snapshot.js';
import { initialStoreState, type StoreState } from '../../src/infisical/store/store-state.js';

const NOW = 1_000_000;
const target = { siteUrl: 'http://127.0.0.1:1', projectId: 'p', environment: 'dev', secretPath: '/' };
const keyInfo = (key: string) => ({ source: 'infisical' as const, version: 1, projectId: 'p', environment: 'dev', secretPath: '/' , key });

function snapshot(source: SnapshotSource, confirmedAt: number | undefined, keys = ['A']): SecretSnapshot {
  const values = Object.fromEntries(keys.map((k) => [k, `value-of-${k}`]));
  const info = Object.fromEntries(keys.map((k) => [k, keyInfo(k)]));
  return new SecretSnapshot({ values, keys: info } as never, source, confirmedAt, []);
}
const state = (patch: Partial<StoreState>): StoreState => ({ ...initialStoreState(), ...patch });
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
  it('never contains a value', () => {
    const status = computeStatus(state({ snapshot: snapshot('infisical', NOW, ['A']) }), context);
    expect(JSON.stringify(status)).not.toContain('value-of-A');
    expect(status.snapshotAgeSeconds).toBe(0);
    expect(status.sources).toEqual([{ projectId: 'p', environment: 'dev', secretPath: '/' }]);
  });
});
