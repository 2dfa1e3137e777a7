/**
 * `npm run demo`: starts the local Infisical-compatible server seeded with demo credentials and the sample app
 * (dist/main.js) pointed at it, then prints where /health/infisical answers. Ctrl+C stops both.
 *
 *   --check   exit 0 once /health/infisical is healthy (after printing it), non-zero otherwise
 *
 * Ports: INFISICAL_LOCAL_PORT (default 8081) for the server, PORT (default 3000) for the app; 0 picks a free one.
 */
import { spawn } from 'node:child_process';
import { freePort } from '../test/support/free-port.js';
import { startDemoServer } from '../test/support/infisical-server/index.js';

const check = process.argv.includes('--check');

async function waitUntilHealthy(url: string, child: { exitCode: number | null }, timeoutMs: number): Promise<unknown> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the app exited with code ${child.exitCode} before it became healthy`);
    try {
      const response = await fetch(url);
      if (response.status === 200) return response.json();
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not become healthy within ${timeoutMs / 1000} s`);
}

async function main(): Promise<void> {
  const serverPort = Number(process.env.INFISICAL_LOCAL_PORT ?? 8081);
  const appPort = Number(process.env.PORT ?? 3000) || (await freePort());
  const { server, connection } = await startDemoServer(serverPort);
  console.log(`Local Infisical-compatible server: ${server.url} (demo project, environment "${connection.INFISICAL_ENVIRONMENT}")`);

  const app = spawn(process.execPath, ['dist/main.js'], {
    env: { ...process.env, ...connection, PORT: String(appPort), INFISICAL_ENABLED: 'true' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const stop = async (code: number) => {
    if (app.exitCode === null) {
      app.kill('SIGTERM');
      await new Promise((resolve) => app.once('exit', resolve));
    }
    await server.close();
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  const healthUrl = `http://127.0.0.1:${appPort}/health/infisical`;
  try {
    const health = await waitUntilHealthy(healthUrl, app, 30_000);
    console.log(`\nDemo ready. Readiness (names, sources and versions only): ${healthUrl}`);
    console.log(`Liveness: http://127.0.0.1:${appPort}/health`);
    if (check) {
      console.log(JSON.stringify(health, null, 2));
      await stop(0);
    }
    console.log('Press Ctrl+C to stop.');
  } catch (error) {
    console.error(`Demo failed: ${(error as Error).message}`);
    await stop(1);
  }
}

void main();
