/**
 * `npm run build:lib`: builds the npm package of the Infisical module in dist-package/, which is what
 * `npm pack ./dist-package` and `npm publish ./dist-package` ship:
 *
 *   package.json        this repository's package.json without the fields only the repository uses (private, type,
 *                       scripts, dependencies and devDependencies of the sample app, overrides)
 *   README.md           package/README.md, each `<!-- include README.md: ## Heading -->` line replaced by that section
 *                       of the repository README (up to the next heading of the same or a higher level)
 *   LICENSE             copied
 *   lib/                src/infisical compiled once, to CommonJS, with declarations (tsconfig.lib.json) from which
 *                       what is marked `@internal` is left out; lib/package.json says "type": "commonjs"
 *
 * The package is staged rather than packed from the repository root because consumers install a package's
 * `dependencies`: the sample app's (@nestjs/* 12, …) would put a second copy of Nest next to the consumer's own.
 * The package declares what src/infisical needs at runtime as peerDependencies instead.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'dist-package');
const REPOSITORY_ONLY_FIELDS = ['private', 'type', 'scripts', 'dependencies', 'devDependencies', 'overrides'];
const json = (value) => `${JSON.stringify(value, null, 2)}\n`;

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
if (process.argv.includes('--check-declarations')) checkDeclarations();
for (const field of REPOSITORY_ONLY_FIELDS) delete manifest[field];
writeFileSync(join(out, 'package.json'), json(manifest));
copyFileSync(join(root, 'LICENSE'), join(out, 'LICENSE'));
writeFileSync(join(out, 'README.md'), packageReadme(readFileSync(join(root, 'package', 'README.md'), 'utf8'), readFileSync(join(root, 'README.md'), 'utf8')));

/** The package README: the template with every include line replaced by the named section of the repository README. */
function packageReadme(template, readme) {
  const lines = readme.split('\n');
  const level = (line) => /^(#{1,6}) /.exec(line)?.[1].length;
  return template.replace(/^<!-- include README\.md: (#{1,6} .+) -->$/gm, (_, heading) => {
    let inFence = false;
    const start = lines.findIndex((line) => line === heading);
    if (start < 0) {
      console.error(`build:lib: package/README.md includes "${heading}", which README.md does not have`);
      process.exit(1);
    }
    let end = start + 1;
    for (; end < lines.length; end++) {
      if (lines[end].startsWith('```')) inFence = !inFence;
      if (!inFence && level(lines[end]) !== undefined && level(lines[end]) <= level(heading)) break;
    }
    return lines.slice(start, end).join('\n').trimEnd();
  });
}

/**
 * `node scripts/build-lib.mjs --check-declarations` (test/consumers/run.sh checks the same, slower, by type-checking
 * the consumer applications): the declarations of the two entry points must compile as a consumer's build sees
 * them (`skipLibCheck: false`, without the optional peers installed). A public declaration that names one marked
 * `@internal` (left out of the declarations) fails the compilation; one that reaches an optional peer is refused.
 */
function checkDeclarations() {
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
