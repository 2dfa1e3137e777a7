/**
 * Secret reference expansion — a port of Infisical's expandSecretReferencesFactory
 * (backend/src/services/secret-v2-bridge/secret-reference-fns.ts):
 *
 * - `${KEY}` resolves in the referencing secret's environment + folder;
 *   `${env.a.b.KEY}` → environment `env`, folder `/a/b`, key `KEY`; `${env.KEY}` → root of `env`.
 * - Recursive up to depth 10; a reference back to a secret already on the current chain is
 *   substituted once but not expanded further (cycle stop).
 * - A reference to a missing secret is left literally in place.
 * - Reading a referenced secret the caller may not read → 403 ForbiddenError.
 * - Cross-project references (`${@slug.env.KEY}`) are left untouched (feature not emulated).
 * - skipMultilineEncoding + multi-line result → wrapped in double quotes with `\n` escapes.
 */
import { forbidden } from './errors.js';
import { normalizeFolderPath } from './paths.js';

export const MAX_SECRET_REFERENCE_DEPTH = 10;

const PATTERN = String.raw`\$\{([a-zA-Z0-9_.@-]+)\}`;
const TEST_REGEX = new RegExp(PATTERN);

export function containsSecretReference(value: string): boolean {
  return TEST_REGEX.test(value);
}

function matchSecretReferences(value: string): string[] {
  return [...value.matchAll(new RegExp(PATTERN, 'g'))].map((m) => m[0]);
}

function formatMultiValueEnv(value: string): string {
  if (!value) return '';
  if (!value.includes('\n')) return value;
  return `"${value.replaceAll('\n', '\\n')}"`;
}

export interface ReferenceContext {
  /** Current value of a shared secret, or exists=false. */
  fetchSecret(environment: string, secretPath: string, key: string): { value: string; exists: boolean };
  /** Whether the caller may read values in that environment/folder. */
  canExpand(environment: string, secretPath: string, key: string | undefined): boolean;
}

export interface ExpandInput {
  value: string;
  environment: string;
  secretPath: string;
  secretKey?: string;
  skipMultilineEncoding?: boolean;
}

interface Frame {
  value: string;
  environment: string;
  secretPath: string;
  depth: number;
  visited: Set<string>;
}

const secretId = (environment: string, secretPath: string, key: string | undefined): string =>
  `${environment}:${secretPath}:${key}`;

function recursivelyExpand(dto: ExpandInput, ctx: ReferenceContext): string {
  const rootFrame = (value: string): Frame => ({
    value,
    environment: dto.environment,
    secretPath: dto.secretPath,
    depth: 0,
    visited: new Set([secretId(dto.environment, dto.secretPath, dto.secretKey)]),
  });

  if (!ctx.canExpand(dto.environment, dto.secretPath, dto.secretKey)) {
    throw forbidden(
      `You do not have permission to read secret '${dto.secretKey}' in environment '${dto.environment}' at path '${dto.secretPath}'.`,
    );
  }

  const stack: Frame[] = [rootFrame(dto.value)];
  let expanded = dto.value;
  let refsBeforePass = new Set(matchSecretReferences(expanded));
  let pass = 0;

  while (stack.length > 0) {
    const frame = stack.pop()!;
    const refs = frame.depth > MAX_SECRET_REFERENCE_DEPTH ? [] : matchSecretReferences(frame.value);

    for (const syntax of refs) {
      const entities = syntax.slice(2, -1).trim().split('.');
      if (entities.length === 0 || entities[0]!.startsWith('@')) continue;

      let environment: string;
      let secretPath: string;
      let key: string;
      if (entities.length === 1) {
        environment = frame.environment;
        secretPath = frame.secretPath;
        key = entities[0]!;
      } else {
        environment = entities[0]!;
        secretPath = normalizeFolderPath(entities.slice(1, -1).join('/'));
        key = entities[entities.length - 1]!;
      }
      const referenced = ctx.fetchSecret(environment, secretPath, key);
      if (!ctx.canExpand(environment, secretPath, key)) {
        throw forbidden(
          `You do not have permission to read secret '${key}' in environment '${environment}' at path '${secretPath}', which is referenced by secret '${dto.secretKey}' in environment '${dto.environment}' at path '${dto.secretPath}'.`,
        );
      }

      const id = secretId(environment, secretPath, key);
      const isCircular = frame.visited.has(id);
      if (containsSecretReference(referenced.value) && !isCircular) {
        stack.push({
          value: referenced.value,
          environment,
          secretPath,
          depth: frame.depth + 1,
          visited: new Set([...frame.visited, id]),
        });
      }
      if (referenced.exists) {
        expanded = expanded.replaceAll(syntax, () => referenced.value);
      }
    }

    // Substitution can form new references (e.g. ${dev.${dev.VENDOR}.KEY}); rescan the result.
    if (stack.length === 0 && pass < MAX_SECRET_REFERENCE_DEPTH) {
      const resolved = refsBeforePass;
      const after = matchSecretReferences(expanded);
      if (after.some((ref) => !resolved.has(ref))) {
        refsBeforePass = new Set(after);
        pass += 1;
        stack.push(rootFrame(expanded));
      }
    }
  }
  return expanded;
}

/** expandSecretReferences(...) of the factory: returns the value unchanged if it has no reference. */
export function expandSecretReferences(input: ExpandInput, ctx: ReferenceContext): string {
  if (!input.value || !containsSecretReference(input.value)) return input.value;
  const expanded = recursivelyExpand(input, ctx);
  return input.skipMultilineEncoding ? formatMultiValueEnv(expanded) : expanded;
}
