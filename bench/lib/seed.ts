/**
 * The benchmark's seed for the local Infisical-compatible server: the test suite's app seed plus
 * - environment `bulk`: the dev credentials and 1,000 extra secrets of 200 bytes each (memory scenario);
 * - environment `many`: the dev credentials; the refresh-stall scenario writes its 10,000 keys there;
 * - 50 machine identities `fleet-NN` reading `dev` (one per simulated instance, so the request log tells them apart);
 * - for the several-sources scenario, the app seed's folder `/shared` of `dev` and its second project (`platform`,
 *   folder `/shared` of `dev`); the dev identity reads both.
 */
import { createHash } from 'node:crypto';
import { APP_DEV, APP_PROJECT_ID, APP_VALUES, createAppSeed, PLATFORM_PROJECT_ID } from '../../test/support/fixtures/app-seed.js';
import type { SeedFile } from '../../test/support/infisical-server/index.js';

export const BULK_ENVIRONMENT = 'bulk';
export const BULK_SECRET_COUNT = 1000;
export const BULK_SECRET_BYTES = 200;
/** Environment of the refresh-stall scenario: the dev credentials, then whatever the scenario rotates in. */
export const MANY_ENVIRONMENT = 'many';

export const SHARED_PATH = '/shared';
export { PLATFORM_PROJECT_ID, PLATFORM_VALUES } from '../../test/support/fixtures/app-seed.js';

export interface FleetIdentity {
  id: string;
  clientId: string;
  clientSecret: string;
}

const hex12 = (n: number) => n.toString(16).padStart(12, '0');

/** Identity `n` (1-based) of the simulated fleet. */
export function fleetIdentity(n: number): FleetIdentity {
  return {
    id: `f0000000-0000-4000-8000-${hex12(n)}`,
    clientId: `f1000000-0000-4000-8000-${hex12(n)}`,
    clientSecret: `fleet-${String(n).padStart(3, '0')}-client-secret-${createHash('sha256').update(String(n)).digest('hex').slice(0, 16)}`,
  };
}

/** Key and 200-byte value of bulk secret `i` (deterministic, ASCII, distinct). */
export function bulkSecret(i: number): { key: string; value: string } {
  const key = `BULK_SECRET_${String(i).padStart(4, '0')}`;
  let value = '';
  for (let block = 0; value.length < BULK_SECRET_BYTES; block++) {
    value += createHash('sha256').update(`${key}:${block}`).digest('base64url');
  }
  return { key, value: value.slice(0, BULK_SECRET_BYTES) };
}

export function createBenchSeed(fleetSize: number): SeedFile {
  const seed = createAppSeed();
  const project = seed.projects.find((p) => p.id === APP_PROJECT_ID);
  if (!project) throw new Error('app seed without the app project');
  project.environments.push({ slug: BULK_ENVIRONMENT, name: 'Bulk' }, { slug: MANY_ENVIRONMENT, name: 'Many' });
  for (const [key, value] of Object.entries(APP_VALUES.dev)) project.secrets.push({ environment: BULK_ENVIRONMENT, key, value }, { environment: MANY_ENVIRONMENT, key, value });
  for (let i = 1; i <= BULK_SECRET_COUNT; i++) project.secrets.push({ environment: BULK_ENVIRONMENT, ...bulkSecret(i) });
  const dev = seed.identities.find((i) => i.id === APP_DEV.id);
  if (!dev) throw new Error('app seed without the dev identity');
  dev.projects = [
    { projectId: APP_PROJECT_ID, read: ['dev', BULK_ENVIRONMENT, MANY_ENVIRONMENT] },
    { projectId: PLATFORM_PROJECT_ID, read: ['dev'] },
  ];
  for (let n = 1; n <= fleetSize; n++) {
    const f = fleetIdentity(n);
    seed.identities.push({
      id: f.id,
      name: `fleet-${n}`,
      clientId: f.clientId,
      clientSecrets: [{ secret: f.clientSecret }],
      projects: [{ projectId: APP_PROJECT_ID, read: ['dev'] }],
    });
  }
  return seed;
}
