/**
 * The local Infisical-compatible server in a process of its own, for the timing scenarios: its CPU work (JWT
 * signing, JSON) then runs beside the app under test, as a real Infisical would, instead of on the app's event loop.
 *   server-child [fleetSize]  → prints {"url": "..."} on stdout; driven through /__admin/*; exits when stdin closes.
 */
import { LocalInfisicalServer } from '../test/support/infisical-server/index.js';
import { createBenchSeed } from './lib/seed.js';

const server = await LocalInfisicalServer.start({ seed: createBenchSeed(Number(process.argv[2] ?? 0)) });
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
const stop = () => void server.close().then(() => process.exit(0));
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.once('SIGTERM', stop);
