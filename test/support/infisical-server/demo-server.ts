/**
 * The demo setup: the local server seeded with test/support/fixtures/demo-seed.json, plus the
 * connection values an app needs (without printing any secret values).
 */
import { fileURLToPath } from 'node:url';

import { LocalInfisicalServer, loadSeed } from './local-infisical.server.js';
import type { SeedFile } from './seed.types.js';

export const DEMO_SEED_PATH = fileURLToPath(new URL('../fixtures/demo-seed.json', import.meta.url));
export const DEFAULT_LOCAL_PORT = 8081;

export interface DemoConnectionInfo {
  INFISICAL_SITE_URL: string;
  INFISICAL_CLIENT_ID: string;
  INFISICAL_CLIENT_SECRET: string;
  INFISICAL_PROJECT_ID: string;
  INFISICAL_ENVIRONMENT: string;
}

/** Connection values for the first identity of a seed (by default `demo-app`, env `dev`). */
export function demoConnectionInfo(url: string, seed: SeedFile, identityName?: string): DemoConnectionInfo {
  const identity = (identityName ? seed.identities.find((i) => i.name === identityName) : undefined) ?? seed.identities[0];
  if (!identity) throw new Error('The seed has no identity');
  const membership = identity.projects[0];
  const project = seed.projects.find((p) => p.id === membership?.projectId) ?? seed.projects[0];
  if (!project) throw new Error('The seed has no project');
  const readable = membership?.read;
  const environment =
    readable === '*' || readable === undefined || readable.length === 0 ? project.environments[0]!.slug : readable[0]!;
  return {
    INFISICAL_SITE_URL: url,
    INFISICAL_CLIENT_ID: identity.clientId,
    INFISICAL_CLIENT_SECRET: identity.clientSecrets[0]!.secret,
    INFISICAL_PROJECT_ID: project.id,
    INFISICAL_ENVIRONMENT: environment,
  };
}

/** Starts the server with the demo seed (or another seed file) on 127.0.0.1. */
export async function startDemoServer(
  port: number = DEFAULT_LOCAL_PORT,
  seedPath: string = DEMO_SEED_PATH,
): Promise<{ server: LocalInfisicalServer; seed: SeedFile; connection: DemoConnectionInfo }> {
  const seed = loadSeed(seedPath);
  const server = await LocalInfisicalServer.start({ seed, host: '127.0.0.1', port });
  return { server, seed, connection: demoConnectionInfo(server.url, seed) };
}
