import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';

/** What loading a `.env` file did: variable names only, never values. */
export interface EnvFileResult {
  path: string;
  /** Variables taken from the file. */
  loaded: string[];
  /** Variables in the file that were already set in the process environment (the environment wins). */
  overridden: string[];
}

/**
 * Loads `file` (relative to `cwd`) into `env` the way `@nestjs/config` does for the app: dotenv syntax (Node's
 * `util.parseEnv`), and a variable that is already set keeps its value. Returns undefined when there is no file.
 */
export function loadEnvFile(file: string, cwd: string, env: NodeJS.ProcessEnv): EnvFileResult | undefined {
  const path = resolve(cwd, file);
  if (!existsSync(path)) return undefined;
  const parsed = parseEnv(readFileSync(path, 'utf8'));
  const loaded: string[] = [];
  const overridden: string[] = [];
  for (const [name, value] of Object.entries(parsed)) {
    if (value === undefined) continue;
    if (env[name] !== undefined) {
      overridden.push(name);
      continue;
    }
    env[name] = value;
    loaded.push(name);
  }
  return { path, loaded, overridden };
}
