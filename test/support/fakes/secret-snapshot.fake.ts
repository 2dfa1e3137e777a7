import type { KeyInfo } from '../../../src/infisical/interfaces/infisical-status.interface.js';
import { SecretSnapshot, type AnswerSecret, type SnapshotSource } from '../../../src/infisical/store/secret-snapshot.js';

/** A snapshot of `values` (version 1 each, from Infisical unless `source` says otherwise). */
export function snapshotOf(values: Record<string, string>, source: SnapshotSource = 'infisical', confirmedAt?: number, version = 1): SecretSnapshot {
  const keys: Record<string, KeyInfo> = {};
  const answer: AnswerSecret[] = [];
  for (const [key, value] of Object.entries(values)) {
    keys[key] = source === 'env' ? ({ source: 'env' } as KeyInfo) : ({ source, version, projectId: 'p', environment: 'dev', secretPath: '/' } as KeyInfo);
    answer.push({ key, value, version, projectId: 'p', environment: 'dev', secretPath: '/' });
  }
  return new SecretSnapshot({ values, keys } as never, source, confirmedAt, source === 'env' ? [] : answer);
}
