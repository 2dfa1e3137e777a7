/**
 * `npm run build:lib`: builds the npm package of the Infisical module in dist-package/, which is what
 * `npm pack ./dist-package` and `npm publish ./dist-package` ship:
 *
 *   package.json        this repository's package.json without the fields only the repository uses (private, type,
 *                       scripts, dependencies and devDependencies of the sample app, overrides)
 *   README.md           the repository README, and
 *   docs/*.md           the user guides: every docs/*.md but docs/CONTRIBUTING.md, which is about this repository
 *                       (layout, tests, packaging), not about using the package. Links to it are the only change to
 *                       the texts: a list item or table row that only points at it is left out, any other such
 *                       link becomes its text followed by the path in a code span (see packageDocumentation below)
 *   LICENSE             copied
 *   lib/                src/infisical compiled once, to CommonJS, with declarations (tsconfig.lib.json) from which
 *                       what is marked `@internal` is left out; lib/package.json says "type": "commonjs"
 *
 * The package is staged rather than packed from the repository root because consumers install a package's
 * `dependencies`: the sample app's (@nestjs/* 12, …) would put a second copy of Nest next to the consumer's own.
 * The package declares what src/infisical needs at runtime as peerDependencies instead.
 *
 * Importing this file builds nothing: it exports packageDocumentation(root), the README and guides as the package
 * holds them (test/docs/links.spec.ts checks their links without a build).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeBlocks, readDocumentation } from './doc-blocks.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'dist-package');
const REPOSITORY_ONLY_FIELDS = ['private', 'type', 'scripts', 'dependencies', 'devDependencies', 'overrides'];
/** The guide for maintainers of this repository: not shipped. */
const REPOSITORY_ONLY_GUIDE = 'docs/CONTRIBUTING.md';
const json = (value) => `${JSON.stringify(value, null, 2)}\n`;

function build() {
  rmSync(out, { recursive: true, force: true });

  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.lib.json')], { stdio: 'inherit' });
  } catch {
    console.error('build:lib: the TypeScript compilation failed (see above)');
    process.exit(1);
  }
  writeFileSync(join(out, 'lib', 'package.json'), json({ type: 'commonjs' }));

  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  if (process.argv.includes('--check-declarations')) checkDeclarations(manifest, tsc);
  for (const field of REPOSITORY_ONLY_FIELDS) delete manifest[field];
  writeFileSync(join(out, 'package.json'), json(manifest));
  copyFileSync(join(root, 'LICENSE'), join(out, 'LICENSE'));
  for (const { path, text } of packageDocumentation(root)) {
    mkdirSync(dirname(join(out, path)), { recursive: true });
    writeFileSync(join(out, path), text);
  }
}

/**
 * The package's documentation, `{ path, text }` with `path` relative to the package ('README.md', 'docs/sources.md'):
 * README.md and docs/*.md of `repositoryRoot` but docs/CONTRIBUTING.md, each as it is except for its links to
 * docs/CONTRIBUTING.md (which the package does not hold): outside fenced code blocks, a list item or table row whose
 * links all point there is left out (a table of contents entry), and any other such link
 * `[text](…CONTRIBUTING.md#…)` becomes "text in the repository's `docs/CONTRIBUTING.md`".
 */
export function packageDocumentation(repositoryRoot) {
  const base = resolve(repositoryRoot);
  return readDocumentation(base)
    .map(({ file, text }) => ({ path: relative(base, file).split('\\').join('/'), text }))
    .filter(({ path }) => path !== REPOSITORY_ONLY_GUIDE)
    .map(({ path, text }) => ({ path, text: withoutRepositoryOnlyLinks(path, text) }));
}

/** Inline Markdown links `[text](target)` of one line, outside code spans: where they are, their text and target. */
const INLINE_LINK = /(?<!!)\[((?:[^[\]`]|`[^`]*`|\[[^\]]*\])*)\]\(\s*<?([^()\s<>]*)>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g;

function withoutRepositoryOnlyLinks(path, text) {
  const fenced = new Set();
  for (const block of codeBlocks(text, path)) for (let line = block.line; line <= block.endLine; line++) fenced.add(line);
  const pointsAtGuide = (target) => {
    if (/^[a-z][a-z0-9+.-]*:|^\/\/|^#/i.test(target)) return false;
    let file = target.split('#')[0];
    try {
      file = decodeURI(file);
    } catch {
      // a malformed escape: compared as written
    }
    return posix.normalize(posix.join(posix.dirname(path), file)) === REPOSITORY_ONLY_GUIDE;
  };
  const lines = text.split('\n');
  const kept = [];
  lines.forEach((line, index) => {
    if (fenced.has(index + 1)) return kept.push(line);
    const spans = [...line.matchAll(/(`+)[^`]*?\1/g)].map((m) => [m.index, m.index + m[0].length]);
    const inCode = (at) => spans.some(([from, to]) => at >= from && at < to);
    const links = [...line.matchAll(INLINE_LINK)].filter((m) => !inCode(m.index));
    const toGuide = links.filter((m) => pointsAtGuide(m[2]));
    if (toGuide.length === 0) return kept.push(line);
    // a list item or table row that only points there: an entry of a table of contents
    if (/^\s*(?:[-*+]|\d+[.)])\s|^\s*\|/.test(line) && toGuide.length === links.length) return;
    let rewritten = line;
    for (const m of toGuide.reverse()) {
      rewritten = `${rewritten.slice(0, m.index)}${m[1]} in the repository's \`${REPOSITORY_ONLY_GUIDE}\`${rewritten.slice(m.index + m[0].length)}`;
    }
    kept.push(rewritten);
  });
  return kept.join('\n');
}

/**
 * `node scripts/build-lib.mjs --check-declarations` (test/consumers/run.sh checks the same, slower, by type-checking
 * the consumer applications): the declarations of the two entry points must compile as a consumer's build sees
 * them (`skipLibCheck: false`, without the optional peers installed). A public declaration that names one marked
 * `@internal` (left out of the declarations) fails the compilation; one that reaches an optional peer is refused.
 */
function checkDeclarations(manifest, tsc) {
  const entries = [join(out, 'lib', 'index.d.ts'), join(out, 'lib', 'cli', 'index.d.ts')];
  const flags = ['--ignoreConfig', '--noEmit', '--listFiles', '--skipLibCheck', 'false', '--strict', '--experimentalDecorators', '--types', 'node'];
  const options = ['--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2023'];
  let files;
  try {
    files = execFileSync(process.execPath, [tsc, ...flags, ...options, ...entries], { cwd: root, encoding: 'utf8' }).split('\n');
  } catch (error) {
    console.error(`${error.stdout ?? ''}`.split('\n').filter((line) => !line.startsWith('/')).join('\n'));
    console.error('build:lib: the declarations of lib/index.d.ts or lib/cli/index.d.ts do not compile on their own (see above)');
    process.exit(1);
  }
  const peers = Object.entries(manifest.peerDependenciesMeta ?? {}).filter(([, meta]) => meta.optional).map(([name]) => name);
  // node-redis 5 types live in its @redis/* packages.
  const homes = (peer) => (peer === 'redis' ? ['/node_modules/redis/', '/node_modules/@redis/'] : [`/node_modules/${peer}/`]);
  const reached = peers.filter((peer) => files.some((file) => homes(peer).some((home) => file.includes(home))));
  if (reached.length) {
    console.error(`build:lib: the public declarations reach the optional peer dependencies ${reached.join(', ')}`);
    process.exit(1);
  }
}

// Run as a script (not when imported): build the package.
if (process.argv[1] && realpathSync(resolve(process.argv[1])) === realpathSync(fileURLToPath(import.meta.url))) build();
