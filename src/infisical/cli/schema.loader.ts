import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ConfigSchema } from '../interfaces/infisical-module-options.interface.js';
import { VerifyUsageError } from './verify-cli.args.js';

/** A schema loaded from `--schema`. */
export interface LoadedSchema {
  schema: ConfigSchema;
  /** `AppEnvironment (class-validator)` — for the report. */
  label: string;
}

/**
 * Loads `<module>#<ExportName>` (default export when `#…` is omitted). `<module>` is a file path relative to `cwd`
 * (e.g. `dist/config/app-environment.js`) or a package specifier. The export must be a class-validator class or a
 * Standard Schema (zod, valibot, …). Anything else is a usage error.
 */
export async function loadSchema(spec: string, cwd: string): Promise<LoadedSchema> {
  const { namespace, modulePart, exportName } = await importExport(spec, cwd, '--schema');
  const schema = namespace[exportName];
  if (typeof schema === 'function') return { schema: schema as ConfigSchema, label: `${exportName} (class-validator)` };
  if (typeof schema === 'object' && schema !== null && '~standard' in schema) {
    const vendor = (schema as { '~standard': { vendor?: unknown } })['~standard'].vendor;
    return { schema: schema as ConfigSchema, label: `${exportName} (Standard Schema${typeof vendor === 'string' ? `, ${vendor}` : ''})` };
  }
  const exported = Object.keys(namespace).filter((k) => k !== 'default');
  throw new VerifyUsageError(
    schema === undefined
      ? `--schema: "${modulePart}" has no export "${exportName}" (it exports: ${exported.join(', ') || 'nothing'})`
      : `--schema: "${exportName}" in "${modulePart}" is neither a class-validator class nor a Standard Schema`,
  );
}

/** `<module>#<ExportName>` (default export without `#…`) imported from `cwd`; a module that cannot load is a usage error of `flag`. */
export async function importExport(spec: string, cwd: string, flag: string): Promise<{ namespace: Record<string, unknown>; modulePart: string; exportName: string }> {
  const hash = spec.lastIndexOf('#');
  const modulePart = hash >= 0 ? spec.slice(0, hash) : spec;
  const exportName = hash >= 0 ? spec.slice(hash + 1) : 'default';
  if (!modulePart || !exportName) throw new VerifyUsageError(`${flag} must look like <module>#<ExportName> (got "${spec}")`);
  const specifier = resolveSpecifier(modulePart, cwd, flag);
  try {
    return { namespace: (await import(specifier)) as Record<string, unknown>, modulePart, exportName };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new VerifyUsageError(`${flag}: cannot load module "${modulePart}" (${reason}). Build the project first; a path is relative to ${cwd}.`);
  }
}

/**
 * What `import()` takes for a file: its URL in the ESM build; its path in the package's CommonJS build (lib/), where
 * TypeScript compiles `import()` to `require()`, which takes paths, not URLs (and loads ESM files too, Node >= 20.19).
 */
const importable = (file: string): string => (typeof require === 'function' ? file : pathToFileURL(file).href);

/** A file path (relative to `cwd`) → what `import()` loads it by; a package name → resolved from `cwd`, like the app would. */
function resolveSpecifier(modulePart: string, cwd: string, flag: string): string {
  const looksLikePath = modulePart.startsWith('.') || isAbsolute(modulePart) || /\.[cm]?[jt]s$/.test(modulePart);
  const file = isAbsolute(modulePart) ? modulePart : resolve(cwd, modulePart);
  if (existsSync(file)) return importable(file);
  if (looksLikePath) throw new VerifyUsageError(`${flag}: no such file ${file} (build the project first; a path is relative to ${cwd})`);
  try {
    return importable(createRequire(join(cwd, 'package.json')).resolve(modulePart));
  } catch {
    return modulePart;
  }
}
