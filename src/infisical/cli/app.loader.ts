import { collectAppRequirements, type AppRequirements } from './app-requirements.js';
import { importExport } from './schema.loader.js';
import { VerifyUsageError } from './verify-cli.args.js';

/** An application module loaded from `--app`, and what its module graph requires. */
export interface LoadedApp {
  /** `dist/app.module.js#AppModule`, as given. */
  spec: string;
  requirements: AppRequirements;
}

/**
 * Loads `<module>#<ExportName>` (e.g. `dist/app.module.js#AppModule`, path relative to `cwd`) and reads the keys its
 * module graph requires (see {@link collectAppRequirements}). Importing the file runs its top-level code and
 * decorators only: no provider is created, no application starts, Infisical is not contacted.
 */
export async function loadApp(spec: string, cwd: string): Promise<LoadedApp> {
  const { namespace, modulePart, exportName } = await importExport(spec, cwd, '--app');
  const root = namespace[exportName];
  if (typeof root !== 'function') {
    const exported = Object.keys(namespace).filter((k) => k !== 'default');
    throw new VerifyUsageError(
      root === undefined
        ? `--app: "${modulePart}" has no export "${exportName}" (it exports: ${exported.join(', ') || 'nothing'})`
        : `--app: "${exportName}" in "${modulePart}" is not a module class such as AppModule`,
    );
  }
  return { spec, requirements: await collectAppRequirements(root) };
}

/** The report line about `--app`: what the app requires, or how to have it checked. */
export function appLine(app: LoadedApp | undefined): string {
  if (!app) {
    return (
      'Note: keys that the app requires in code (InfisicalModule.forFeature, registerSecretsAs namespaces, credential classes) ' +
      'are checked only with --app <module>#<AppModule>, e.g. --app dist/app.module.js#AppModule (or list them with --require).'
    );
  }
  const { keys, credentials, modules } = app.requirements;
  const names = [...keys.keys()];
  const creds = credentials.length ? `; credentials: ${credentials.map((c) => c.name).join(', ')}` : '';
  return `Read ${app.spec} (${modules} modules): ${names.length ? `requires ${names.join(', ')}` : 'no key required by forFeature or namespaces'}${creds}`;
}
