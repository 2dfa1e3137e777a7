/**
 * `npm run build`: the sample app (and the module inside it) compiled to dist/ with tsconfig.build.json, from a
 * clean dist/ (so a deleted source file leaves no stale output). Plain `tsc`: nothing else is needed to build a
 * Nest application, and the Nest CLI's dependencies declare Node versions this repository does not require.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(join(root, 'dist'), { recursive: true, force: true });
try {
  execFileSync(process.execPath, [createRequire(import.meta.url).resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
} catch {
  console.error('build: the TypeScript compilation failed (see above)');
  process.exit(1);
}
