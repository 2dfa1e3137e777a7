/**
 * Standalone local Infisical: `npm run infisical:local [-- --port 8081] [-- --seed file.json] [-- --keyless gcp]`.
 * Port: --port, else env INFISICAL_LOCAL_PORT, else 8081. Seed: --seed, else the demo seed.
 * --keyless <method> (gcp, kubernetes, oidc, jwt, aws): also starts that platform's fake, attaches the method to the
 * seed's first identity and prints the variables of a login without a client secret (test/support/keyless/local-keyless.ts).
 * Prints how to point an app at it (never the seeded secret values). Stops on SIGINT/SIGTERM.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { localKeylessMethod, startLocalKeyless, type LocalKeyless } from '../keyless/local-keyless.js';
import { DEFAULT_LOCAL_PORT, DEMO_SEED_PATH, startDemoServer } from './demo-server.js';

export { startDemoServer } from './demo-server.js';

function argValue(args: string[], name: string): string | undefined {
  const idx = args.indexOf(name);
  if (idx >= 0) return args[idx + 1];
  const inline = args.find((a) => a.startsWith(`${name}=`));
  return inline?.slice(name.length + 1);
}

/** One line for a busy port: which port, where it came from, and what to change. */
function portInUse(port: number, fromFlag: boolean): Error {
  const source = fromFlag ? '--port' : process.env['INFISICAL_LOCAL_PORT'] !== undefined ? 'INFISICAL_LOCAL_PORT' : `the default ${DEFAULT_LOCAL_PORT}`;
  return new Error(
    `Port ${port} on 127.0.0.1 (from ${source}) is already in use — is another local Infisical or npm run demo running? ` +
      'Choose another port: npm run infisical:local -- --port 8082, or INFISICAL_LOCAL_PORT=8082 (0 = any free port).',
  );
}

export async function main(args: string[] = process.argv.slice(2)): Promise<void> {
  const rawPort = argValue(args, '--port') ?? process.env['INFISICAL_LOCAL_PORT'] ?? String(DEFAULT_LOCAL_PORT);
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid port: ${rawPort}`);
  const seedArg = argValue(args, '--seed');
  const seedPath = seedArg ? resolve(seedArg) : DEMO_SEED_PATH;
  const keylessArg = argValue(args, '--keyless');
  const keylessMethod = keylessArg === undefined ? undefined : localKeylessMethod(keylessArg);

  const { server, seed, connection } = await startDemoServer(port, seedPath).catch((error: unknown) => {
    throw (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? portInUse(port, argValue(args, '--port') !== undefined) : error;
  });
  let keyless: LocalKeyless | undefined;
  if (keylessMethod) {
    const identity = seed.identities.find((i) => i.clientId === connection.INFISICAL_CLIENT_ID)!;
    keyless = await startLocalKeyless(server, identity, keylessMethod, connection);
  }
  const projects = `Projects: ${seed.projects.map((p) => `${p.slug} (${p.id}; envs ${p.environments.map((e) => e.slug).join(', ')})`).join('; ')}`;
  const admin = `Admin routes: ${server.url}/__admin/ lists them (e.g. POST /__admin/secrets changes a secret). Ctrl+C to stop.`;
  const lines = keyless
    ? [
        `Local Infisical listening on ${server.url}  (seed: ${seedPath})`,
        '',
        ...keyless.description,
        '',
        'Point an app at it (keyless: no client secret):',
        ...Object.entries(keyless.env).map(([k, v]) => `  export ${k}=${v}`),
        '',
        projects,
        'Universal Auth works too: start without --keyless to see the client ID and secret.',
        '',
        admin,
      ]
    : [
        `Local Infisical listening on ${server.url}  (seed: ${seedPath})`,
        '',
        'Point an app at it:',
        ...Object.entries(connection).map(([k, v]) => `  export ${k}=${v}`),
        '',
        projects,
        `Identities: ${seed.identities.map((i) => `${i.name} (clientId ${i.clientId})`).join('; ')}`,
        '',
        'Try it:',
        `  TOKEN=$(curl -s -X POST ${server.url}/api/v1/auth/universal-auth/login -H 'Content-Type: application/json' \\`,
        `    -d '{"clientId":"${connection.INFISICAL_CLIENT_ID}","clientSecret":"${connection.INFISICAL_CLIENT_SECRET}"}' \\`,
        `    | sed -E 's/.*"accessToken":"([^"]+)".*/\\1/')`,
        `  curl -s -H "Authorization: Bearer $TOKEN" \\`,
        `    '${server.url}/api/v3/secrets/raw?workspaceId=${connection.INFISICAL_PROJECT_ID}&environment=${connection.INFISICAL_ENVIRONMENT}&include_imports=true'`,
        '',
        'Keyless logins: --keyless gcp (or kubernetes, oidc, jwt, aws) also starts that platform\'s fake.',
        admin,
      ];
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal} received, stopping local Infisical...\n`);
    void Promise.all([keyless?.close(), server.close()]).then(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
