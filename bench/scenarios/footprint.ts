/**
 * 6. Footprint. (i) Size on disk of the production dependency tree (`npm ls --omit=dev --all --parseable`, each
 *    package directory without its nested node_modules, so nothing is counted twice), and what `@infisical/sdk`
 *    adds when it is a runtime dependency (its dependency closure from package-lock.json, minus what production
 *    already has). (ii) Import time of the library (`dist/infisical/index.js`) in a fresh process after its peers
 *    (`@nestjs/*`, class-validator, class-transformer) are loaded, so only the library's own files count; the same
 *    for `@infisical/sdk`, for comparison. (iii) The first two requests of a fresh process to a loopback server
 *    through the global `fetch` (Node loads and compiles its bundled undici on first use) and through `node:http`:
 *    the part of the whole-process overhead that is the runtime's, not the module's. Medians of interleaved fresh
 *    processes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { roundOrder, summary } from '../lib/stats.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const LIBRARY_ENTRY = join(ROOT, 'dist/infisical/index.js');
/** What every host app of the module loads anyway (its peers): imported before the timed import. */
const PEERS = ['reflect-metadata', '@nestjs/common', '@nestjs/core', '@nestjs/config', '@nestjs/terminus', 'class-validator', 'class-transformer'];

export interface FootprintResult {
  production: { packages: number; bytes: number };
  sdkExtra: { packages: number; bytes: number };
  importMs: Record<'library' | 'sdk', ReturnType<typeof summary>>;
  /** Two sequential loopback GETs in a fresh process: wall time of both, through fetch and through node:http. */
  firstRequestsMs: Record<'fetch' | 'http', ReturnType<typeof summary>>;
  peersImportMs: ReturnType<typeof summary>;
  runs: number;
}

/** Bytes of the files under `dir`, not following links and skipping nested node_modules. */
export function directoryBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += directoryBytes(path);
    else total += lstatSync(path).size;
  }
  return total;
}

function productionPackageDirs(): string[] {
  const out = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  return [...new Set(out.split('\n').map((l) => l.trim()).filter((l) => l && l !== ROOT.replace(/\/$/, '')))];
}

interface LockPackage {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/** Lockfile paths (`node_modules/a/node_modules/b`) of `start` and everything it depends on at run time. */
function lockClosure(start: string): Set<string> {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockPackage> };
  const resolve = (from: string, name: string): string | undefined => {
    for (let base = from; ; ) {
      const candidate = `${base ? `${base}/` : ''}node_modules/${name}`;
      if (lock.packages[candidate]) return candidate;
      if (!base) return undefined;
      const cut = base.lastIndexOf('/node_modules/');
      base = cut < 0 ? '' : base.slice(0, cut);
    }
  };
  const seen = new Set<string>();
  const queue = [start];
  while (queue.length) {
    const path = queue.pop() as string;
    if (seen.has(path)) continue;
    seen.add(path);
    const pkg = lock.packages[path] ?? {};
    for (const name of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
      const found = resolve(path, name);
      if (found) queue.push(found);
    }
  }
  return seen;
}

/** Milliseconds of importing `timed` in a fresh node process, after `before` is imported (untimed). */
function importMs(before: readonly string[], timed: readonly string[]): number {
  const imports = (list: readonly string[]) => list.map((p) => `await import(${JSON.stringify(p)});`);
  const script = [...imports(before), 'const t = process.hrtime.bigint();', ...imports(timed), 'process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));'].join('\n');
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`import timing failed: ${result.stderr}`);
  return Number(result.stdout);
}

/** A fresh process: a loopback server, then two GETs through `fetch` or `node:http`, timed together. */
function firstRequestsMs(client: 'fetch' | 'http'): number {
  const get =
    client === 'fetch'
      ? 'const get = async () => (await fetch(url)).text();'
      : "const get = () => new Promise((ok, ko) => http.get(url, (r) => { r.resume(); r.on('end', ok); }).on('error', ko));";
  const script = [
    "import http from 'node:http';",
    "const server = http.createServer((q, r) => r.end('{}'));",
    "await new Promise((r) => server.listen(0, '127.0.0.1', r));",
    'const url = `http://127.0.0.1:${server.address().port}/`;',
    get,
    'const t = process.hrtime.bigint();',
    'await get(); await get();',
    'process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));',
    'server.closeAllConnections(); server.close();',
  ].join('\n');
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`request timing failed: ${result.stderr}`);
  return Number(result.stdout);
}

export function runFootprint(opts: { rounds: number }): FootprintResult {
  const production = productionPackageDirs();
  const productionRelative = new Set(production.map((d) => d.slice(ROOT.length)));
  const sdkOnly = [...lockClosure('node_modules/@infisical/sdk')].filter((p) => !productionRelative.has(p));
  const bytes = (dirs: string[]) => dirs.reduce((sum, d) => sum + directoryBytes(d), 0);

  const variants = ['library', 'sdk', 'peers', 'fetch', 'http'] as const;
  const samples: Record<(typeof variants)[number], number[]> = { library: [], sdk: [], peers: [], fetch: [], http: [] };
  const targets = { library: pathToFileURL(LIBRARY_ENTRY).href, sdk: '@infisical/sdk' };
  for (let round = -1; round < opts.rounds; round++) {
    for (const variant of roundOrder(variants, round)) {
      const ms =
        variant === 'peers' ? importMs([], PEERS) : variant === 'fetch' || variant === 'http' ? firstRequestsMs(variant) : importMs(PEERS, [targets[variant]]);
      if (round >= 0) samples[variant].push(ms);
    }
  }
  return {
    production: { packages: production.length, bytes: bytes(production) },
    sdkExtra: { packages: sdkOnly.length, bytes: bytes(sdkOnly.map((p) => join(ROOT, p))) },
    importMs: { library: summary(samples.library), sdk: summary(samples.sdk) },
    peersImportMs: summary(samples.peers),
    firstRequestsMs: { fetch: summary(samples.fetch), http: summary(samples.http) },
    runs: opts.rounds,
  };
}
