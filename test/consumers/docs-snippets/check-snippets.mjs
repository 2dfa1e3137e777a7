/**
 * Type-checks every `ts` code block of the repository's README.md and docs/*.md against the installed package
 * (test/consumers/run.sh installs the packed tarball here) and the packages of this fixture's package.json.
 *
 * Each Markdown file's blocks go into a folder of their own under snippets/: a block named by a
 * `<!-- file: src/app.module.ts -->` comment at that path, any other as snippet-<line>.ts. tsc checks each folder on
 * its own (strict, NodeNext ESM, decorators), so a block can import only what it imports itself and the named files
 * of its own Markdown file. One test per block: ok, or not ok with the tsc diagnostics at their Markdown file:line.
 *
 *   node check-snippets.mjs [--tap test-results.tap]
 *
 * The repository is NESTJS_INFISICAL_REPO (run.sh sets it), else the repository this fixture sits in.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(process.env.NESTJS_INFISICAL_REPO || join(here, '../../..'));
const reader = join(repo, 'scripts/doc-blocks.mjs');
const tapIndex = process.argv.indexOf('--tap');
const tapFile = tapIndex >= 0 ? resolve(process.argv[tapIndex + 1] ?? 'test-results.tap') : undefined;

if (!existsSync(reader)) {
  console.error(`${reader} not found: set NESTJS_INFISICAL_REPO to the repository (test/consumers/run.sh does)`);
  process.exit(1);
}
const { documentationBlocks } = await import(pathToFileURL(reader).href);

const COMPILER_OPTIONS = {
  module: 'nodenext',
  moduleResolution: 'nodenext',
  moduleDetection: 'force',
  target: 'ES2023',
  lib: ['ES2023'],
  types: ['node'],
  strict: true,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  isolatedModules: true,
  resolveJsonModule: true,
  forceConsistentCasingInFileNames: true,
  skipLibCheck: true,
  noEmit: true,
};

const out = join(here, 'snippets');
rmSync(out, { recursive: true, force: true });

/** Markdown file → { dir, files: Map<relative path, block>, tests: block[] } */
const folders = new Map();
const problems = [];
for (const block of documentationBlocks(repo)) {
  if (block.lang !== 'ts' && block.name === undefined) continue;
  let folder = folders.get(block.file);
  if (!folder) {
    folder = { dir: join(out, block.file.replace(/\.md$/i, '').replace(/[^A-Za-z0-9._-]+/g, '-')), files: new Map(), tests: [] };
    folders.set(block.file, folder);
  }
  const path = block.name ?? `snippet-${block.line}.ts`;
  const normalized = posix.normalize(path);
  if (normalized !== path || path.startsWith('/') || path.startsWith('..')) {
    if (block.lang === 'ts') problems.push({ block, diagnostics: [`${block.file}:${block.line}: file name "${path}" is not a plain relative path`] });
    continue;
  }
  if (folder.files.has(path)) {
    if (block.lang === 'ts') problems.push({ block, diagnostics: [`${block.file}:${block.line}: file name "${path}" is already used at ${block.file}:${folder.files.get(path).line}`] });
    continue;
  }
  folder.files.set(path, block);
  // Named blocks of other languages (a JSON file a snippet imports, say) are written too, but only ts blocks are tests.
  if (block.lang === 'ts') folder.tests.push(block);
}

for (const folder of folders.values()) {
  for (const [path, block] of folder.files) {
    mkdirSync(dirname(join(folder.dir, path)), { recursive: true });
    writeFileSync(join(folder.dir, path), block.code);
  }
  writeFileSync(join(folder.dir, 'tsconfig.json'), `${JSON.stringify({ compilerOptions: COMPILER_OPTIONS, include: ['**/*.ts', '**/*.mts', '**/*.cts'] }, null, 2)}\n`);
}

const tsc = join(here, 'node_modules/typescript/bin/tsc');
const runTsc = (dir) =>
  new Promise((done) => {
    const child = spawn(process.execPath, [tsc, '-p', 'tsconfig.json', '--pretty', 'false'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => done({ status: -1, output: String(error) }));
    child.on('close', (status) => done({ status, output }));
  });

/** tsc output → diagnostics per file (relative to the folder), and those of no file of the folder. */
function parseDiagnostics(output) {
  const byFile = new Map();
  const general = [];
  let last;
  for (const line of output.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const match = /^(.+?)\((\d+),(\d+)\): (error|warning) (TS\d+): (.*)$/.exec(line);
    if (match) {
      last = { line: Number(match[2]), column: Number(match[3]), code: match[5], message: match[6] };
      const list = byFile.get(match[1]) ?? [];
      list.push(last);
      byFile.set(match[1], list);
    } else if (/^\s/.test(line) && last) {
      last.message += `\n${line}`;
    } else {
      last = { line: 0, column: 0, code: '', message: line };
      general.push(last);
    }
  }
  return { byFile, general };
}

const entries = [...folders.entries()].filter(([, folder]) => folder.tests.length > 0);
const results = new Map();
let next = 0;
const workers = Array.from({ length: Math.max(1, Math.min(4, cpus().length, entries.length)) }, async () => {
  while (next < entries.length) {
    const [file, folder] = entries[next++];
    const started = Date.now();
    results.set(file, { ...(await runTsc(folder.dir)), ms: Date.now() - started });
  }
});
await Promise.all(workers);

const tests = [];
for (const [file, folder] of entries) {
  const { status, output, ms } = results.get(file);
  const { byFile, general } = parseDiagnostics(output);
  const known = new Set(folder.files.keys());
  const unplaced = [
    ...general.map((d) => d.message),
    ...[...byFile].filter(([path]) => !known.has(path)).flatMap(([path, list]) => list.map((d) => `${path}(${d.line},${d.column}): ${d.code} ${d.message}`)),
  ];
  if (status !== 0 && byFile.size === 0 && general.length === 0) unplaced.push(`tsc exited with ${status} and no diagnostics`);
  for (const block of folder.tests) {
    const path = block.name ?? `snippet-${block.line}.ts`;
    const diagnostics = (byFile.get(path) ?? []).map((d) => `${block.file}:${block.line + d.line}:${d.column} ${d.code} ${d.message}`);
    tests.push({ block, path, diagnostics: [...diagnostics, ...unplaced.map((message) => `${file} (tsc): ${message}`)], ms: ms / folder.tests.length });
  }
}
for (const { block, diagnostics } of problems) tests.push({ block, path: block.name ?? '', diagnostics, ms: 0 });
tests.sort((a, b) => (a.block.file === b.block.file ? a.block.line - b.block.line : a.block.file < b.block.file ? -1 : 1));

const title = ({ block, path }) => `${block.file}:${block.line} ${path} type-checks`.replace(/#/g, '\\#');
const failed = tests.filter((t) => t.diagnostics.length > 0);
const tap = ['TAP version 13'];
tests.forEach((test, i) => {
  tap.push(`${test.diagnostics.length ? 'not ok' : 'ok'} ${i + 1} - ${title(test)}`);
  tap.push('  ---', `  duration_ms: ${test.ms.toFixed(0)}`);
  if (test.diagnostics.length) tap.push('  diagnostics: |-', ...test.diagnostics.flatMap((d) => d.split('\n')).map((l) => `    ${l}`));
  tap.push('  ...');
});
tap.push(`1..${tests.length}`, `# tests ${tests.length}`, `# pass ${tests.length - failed.length}`, `# fail ${failed.length}`);
if (tapFile) writeFileSync(tapFile, `${tap.join('\n')}\n`);

for (const test of tests) console.log(`${test.diagnostics.length ? '✖' : '✔'} ${title(test)}`);
for (const test of failed) console.log(`\n${title(test)}:\n${test.diagnostics.map((d) => `  ${d.replace(/\n/g, '\n  ')}`).join('\n')}`);
console.log(`\n${tests.length} ts blocks in ${entries.length} Markdown files: ${tests.length - failed.length} passed, ${failed.length} failed`);
process.exitCode = failed.length > 0 || tests.length === 0 ? 1 : 0;
