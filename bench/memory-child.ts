/**
 * Child process of the memory scenario (run with `node --expose-gc`):
 *   memory-child <siteUrl> <environment> [idleMs]
 * Boots a first module app reading `dev` (loads and warms every module, grows the heap to its working size), collects
 * garbage and reads `process.memoryUsage()`; then boots a second, identical app reading `<environment>` (kept alive
 * next to the first), optionally waits `idleMs`, collects garbage and reads it again. Prints both readings as one JSON line.
 * The increment of the second app is what the scenario compares between `dev` (6 keys) and `bulk` (6 + 1,000 keys):
 * measured in an already warm process, it is far less noisy than comparing the RSS of two cold processes.
 */
import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SecretStore } from '../src/infisical/index.js';
import { infisicalApp, moduleOptions } from './lib/bench-app.js';
import { sleep } from './lib/stats.js';

const [siteUrl, environment] = process.argv.slice(2);
if (!siteUrl || !environment) throw new Error('usage: memory-child <siteUrl> <environment>');
if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');

async function settle(): Promise<NodeJS.MemoryUsage> {
  // Several collections with pauses: concurrent sweeping and compilation finish, and V8 / malloc hand back the
  // memory they no longer need. With fewer or shorter pauses, RSS readings scatter by ±10–20 MB.
  for (let i = 0; i < 5; i++) {
    globalThis.gc?.();
    await sleep(100);
  }
  return process.memoryUsage();
}

async function boot(env: string): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(infisicalApp(moduleOptions(siteUrl as string, env)), { logger: false });
  await app.init();
  return app;
}

const first = await boot('dev');
const before = await settle();
const second = await boot(environment);
const keys = second.get(SecretStore).keys().length;
const idleMs = Number(process.argv[4] ?? 0);
if (idleMs > 0) await sleep(idleMs); // e.g. until the keep-alive connection to Infisical has closed
const after = await settle();
process.stdout.write(`${JSON.stringify({ keys, before, after })}\n`);
await second.close();
await first.close();
