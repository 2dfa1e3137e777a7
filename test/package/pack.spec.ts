import { beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The npm package as `npm run build:lib` stages it in dist-package/ and `npm pack ./dist-package` ships it: the
 * CommonJS build of src/infisical in lib/, the user documentation (README.md and the guides docs/*.md but
 * docs/CONTRIBUTING.md) and nothing else but package.json and LICENSE; a manifest whose entry points and bin exist;
 * and dependencies that are exactly the packages the build requires at runtime. (test/docs/links.spec.ts checks the
 * links and anchors of the same documentation.)
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const staged = join(root, 'dist-package');

interface Manifest {
  private?: boolean;
  main: string;
  types: string;
  exports: Record<string, string | Record<string, string>>;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies: Record<string, string>;
  [field: string]: unknown;
}
const read = (...path: string[]): string => readFileSync(join(...path), 'utf8');
const npm = (...args: string[]): string => execFileSync('npm', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [relative(root, join(dir, entry.name)).split('\\').join('/')],
  );
const normalize = (path: string): string => path.replace(/^\.\//, '');
/** The user guides of the repository: docs/*.md but CONTRIBUTING.md (about this repository, not the package). */
const guides = (): string[] =>
  (existsSync(join(root, 'docs')) ? readdirSync(join(root, 'docs')) : [])
    .filter((name) => name.endsWith('.md') && name !== 'CONTRIBUTING.md')
    .map((name) => `docs/${name}`)
    .sort();
/** The lines of a Markdown text that do not mention docs/CONTRIBUTING.md (the only lines the package changes). */
const withoutContributing = (text: string): string[] => text.split('\n').filter((line) => !line.includes('CONTRIBUTING.md'));

describe('the npm package', () => {
  let packed: string[];
  let manifest: Manifest;

  beforeAll(() => {
    npm('run', '--silent', 'build:lib');
    const [pack] = JSON.parse(npm('pack', './dist-package', '--dry-run', '--json')) as Array<{ files: Array<{ path: string }> }>;
    packed = pack!.files.map((file) => file.path).sort();
    manifest = JSON.parse(read(staged, 'package.json')) as Manifest;
  }, 120_000);

  it('holds the compiled module (JavaScript + declarations for every source file), package.json, README.md, the user guides and LICENSE', () => {
    const modules = walk(join(root, 'src', 'infisical'))
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
      .map((file) => file.replace(/^src\/infisical\//, 'lib/').replace(/\.ts$/, ''));
    const expected = [
      ...modules.flatMap((module) => [`${module}.js`, `${module}.d.ts`]),
      'lib/package.json',
      'package.json',
      'README.md',
      ...guides(),
      'LICENSE',
    ].sort();
    expect(packed).toEqual(expected);
  });

  it('ships the repository README and every user guide as they are, without links to docs/CONTRIBUTING.md', () => {
    const shipped = ['README.md', ...guides()];
    expect(shipped.length).toBeGreaterThanOrEqual(7);
    for (const path of shipped) {
      const text = read(staged, path);
      // the same text but the lines about the maintainers' guide, which the package does not hold
      expect(withoutContributing(text)).toEqual(withoutContributing(read(root, path)));
      expect(text).not.toMatch(/\]\([^)]*CONTRIBUTING\.md/);
      // repository files the package does not hold are code spans, never links
      expect(text).not.toMatch(/\]\([^)]*\.env\.example/);
    }
    expect(packed).not.toContain('docs/CONTRIBUTING.md');
  });

  it("holds exactly build-lib's packageDocumentation(), the texts whose links test/docs/links.spec.ts checks", async () => {
    const buildLib = join(root, 'scripts', 'build-lib.mjs');
    const { packageDocumentation } = (await import(buildLib)) as { packageDocumentation(root: string): Array<{ path: string; text: string }> };
    const documentation = packageDocumentation(root);
    expect(documentation.map((doc) => doc.path).sort()).toEqual(['README.md', ...guides()].sort());
    for (const { path, text } of documentation) expect(read(staged, path)).toBe(text);
  });

  it('ships the LICENSE of the repository and marks lib/ as CommonJS', () => {
    expect(read(staged, 'LICENSE')).toBe(read(root, 'LICENSE'));
    expect(JSON.parse(read(staged, 'lib', 'package.json'))).toEqual({ type: 'commonjs' });
    expect(read(staged, 'lib', 'index.js')).toMatch(/^"use strict";/);
  });

  it("has the repository's package.json without the fields only the repository uses", () => {
    const repository = JSON.parse(read(root, 'package.json')) as Manifest;
    const { private: _private, type, scripts, dependencies, devDependencies, overrides, ...published } = repository;
    expect(manifest).toEqual(published);
    // the root stays unpublishable: its dependencies are the sample app's
    expect(repository.private).toBe(true);
  });

  it('points main, types, every export condition and every bin at packed files', () => {
    const targets = [
      manifest.main,
      manifest.types,
      ...Object.values(manifest.exports).flatMap((target) => (typeof target === 'string' ? [target] : Object.values(target))),
      ...Object.values(manifest.bin ?? {}),
    ].map(normalize);
    expect(targets.filter((target) => !packed.includes(target))).toEqual([]);
    expect(manifest.exports['.']).toEqual({
      types: './lib/index.d.ts',
      require: './lib/index.js',
      import: './lib/index.js',
      default: './lib/index.js',
    });
  });

  it('ships the verify-infisical bin as a node script (#!/usr/bin/env node)', () => {
    expect(manifest.bin).toEqual({ 'verify-infisical': './lib/cli/verify-infisical.js' });
    expect(read(staged, 'lib', 'cli', 'verify-infisical.js')).toMatch(/^#!\/usr\/bin\/env node\n/);
  });

  it('declares exactly the packages the build requires at runtime', () => {
    const builtins = new Set(builtinModules);
    const required = new Set<string>();
    for (const file of packed.filter((path) => path.endsWith('.js'))) {
      const code = read(staged, file);
      for (const [, specifier] of code.matchAll(/\brequire\(["']([^"']+)["']\)/g)) {
        if (specifier!.startsWith('.') || specifier!.startsWith('node:') || builtins.has(specifier!)) continue;
        const parts = specifier!.split('/');
        required.add(specifier!.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
      }
      // decorator metadata (constructor injection) needs the Reflect.metadata polyfill
      if (code.includes('Reflect.metadata')) required.add('reflect-metadata');
    }
    const dependencies = Object.keys(manifest.dependencies ?? {});
    const peers = Object.keys(manifest.peerDependencies);
    expect(dependencies.filter((name) => peers.includes(name))).toEqual([]);
    expect([...dependencies, ...peers].sort()).toEqual([...required].sort());
  });
});

interface LockEntry {
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/**
 * The lock-file paths an application installs with the app's dependencies and the library's peers: those packages and
 * what they need (dependencies, optional dependencies, peers not marked optional), resolved as npm does (nearest
 * node_modules first). Test-only packages such as typeorm or pg — optional peers of @nestjs/terminus, which the lock
 * file marks `devOptional`, not `dev` — are not among them.
 */
function runtimePackages(packages: Record<string, LockEntry>, roots: string[]): Set<string> {
  const found = new Set<string>();
  const resolve = (name: string, from: string): string | undefined => {
    for (let dir = from; ; ) {
      const path = `${dir ? `${dir}/` : ''}node_modules/${name}`;
      if (packages[path]) return path;
      if (!dir) return undefined;
      const parent = dir.lastIndexOf('/node_modules/');
      dir = parent < 0 ? '' : dir.slice(0, parent);
    }
  };
  const visit = (name: string, from: string): void => {
    const path = resolve(name, from);
    if (!path || found.has(path)) return;
    found.add(path);
    const entry = packages[path]!;
    const peers = Object.keys(entry.peerDependencies ?? {}).filter((peer) => !entry.peerDependenciesMeta?.[peer]?.optional);
    for (const dependency of [...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.optionalDependencies ?? {}), ...peers]) visit(dependency, path);
  };
  for (const root of roots) visit(root, '');
  return found;
}

describe('engines', () => {
  it('the range is the one the runtime dependencies accept (file-type, used only by ParseFilePipe, excepted) and includes this Node', async () => {
    const { createRequire } = await import('node:module');
    const semver = createRequire(import.meta.url)('semver') as { satisfies: (version: string, range: string) => boolean; minVersion: (range: string) => { version: string } };
    const repository = JSON.parse(read(root, 'package.json')) as Manifest & { engines: { node: string } };
    const range = repository.engines.node;
    expect(range).toBe('^20.19.0 || ^22.12.0 || >=24.0.0');
    expect(semver.satisfies(process.version, range)).toBe(true);
    const lowest = range.split('||').map((part) => semver.minVersion(part.trim()).version);
    const lock = JSON.parse(read(root, 'package-lock.json')) as { packages: Record<string, LockEntry> };
    const refusing: string[] = [];
    for (const path of runtimePackages(lock.packages, [...Object.keys(repository.dependencies ?? {}), ...Object.keys(repository.peerDependencies)])) {
      const wanted = lock.packages[path]!.engines?.node;
      if (!wanted) continue;
      for (const version of lowest) if (!semver.satisfies(version, wanted)) refusing.push(`${path.replace(/^.*node_modules\//, '')} (${wanted}) refuses ${version}`);
    }
    expect(refusing).toEqual(['file-type (>=22) refuses 20.19.0']);
  });
});
