/**
 * The local Infisical-compatible server in a process of its own, for the timing scenarios: its CPU work (JWT
 * signing, JSON) then runs beside the app under test, as a real Infisical would, instead of on the app's event loop.
 *   server-child [fleetSize]  → prints {"url": "..."} on stdout; driven through /__admin/*; exits when stdin closes.
 * Seeded with createBenchSeed(fleetSize), or with the seed JSON in $BENCH_SEED_JSON when set.
 * Bulk writes that would take thousands of admin requests arrive as JSON lines on stdin; each is answered by one
 * JSON line on stdout:
 *   {"op":"rotate","environment":"many","count":10000,"round":3,"style":"random"}  → {"ok":true,"written":10000}
 */
import { createInterface } from 'node:readline';
import { APP_PROJECT_ID } from '../test/support/fixtures/app-seed.js';
import { LocalInfisicalServer, type SeedFile } from '../test/support/infisical-server/index.js';
import { manyKey, manyValue, type ManyStyle } from './lib/many-secrets.js';
import { createBenchSeed } from './lib/seed.js';

interface RotateCommand {
  op: 'rotate';
  environment: string;
  count: number;
  round: number;
  style: ManyStyle;
}

const seedJson = process.env['BENCH_SEED_JSON'];
const seed = seedJson ? (JSON.parse(seedJson) as SeedFile) : createBenchSeed(Number(process.argv[2] ?? 0));
const server = await LocalInfisicalServer.start({ seed });
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
const stop = () => void server.close().then(() => process.exit(0));
createInterface({ input: process.stdin }).on('line', (line) => {
  try {
    const command = JSON.parse(line) as RotateCommand;
    if (command.op !== 'rotate') throw new Error(`unknown op ${String(command.op)}`);
    for (let i = 0; i < command.count; i++) {
      server.setSecret({ projectId: APP_PROJECT_ID, environment: command.environment, path: '/', key: manyKey(i), value: manyValue(i, command.round, command.style) });
    }
    process.stdout.write(`${JSON.stringify({ ok: true, written: command.count })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ ok: false, error: String(error) })}\n`);
  }
});
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.once('SIGTERM', stop);
