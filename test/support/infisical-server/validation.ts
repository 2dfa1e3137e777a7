/**
 * Tiny request validation that produces zod v3-shaped issues, so that 422 ValidationFailure
 * bodies look like Infisical's (fastify-zod) ones.
 */
import { type ValidationIssue, validationFailure } from './errors.js';

export type RawQuery = Record<string, string | string[]>;

function typeName(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && Number.isNaN(value)) return 'nan';
  return typeof value;
}

function invalidType(path: string, expected: string, value: unknown): ValidationIssue {
  const received = typeName(value);
  return {
    code: 'invalid_type',
    expected,
    received,
    path: path ? [path] : [],
    message: received === 'undefined' ? 'Required' : `Expected ${expected}, received ${received}`,
  };
}

function invalidEnum(path: string, options: string[], value: string): ValidationIssue {
  return {
    received: value,
    code: 'invalid_enum_value',
    options,
    path: [path],
    message: `Invalid enum value. Expected ${options.map((o) => `'${o}'`).join(' | ')}, received '${value}'`,
  };
}

function tooSmall(path: string): ValidationIssue {
  return {
    code: 'too_small',
    minimum: 1,
    type: 'string',
    inclusive: true,
    exact: false,
    message: 'String must contain at least 1 character(s)',
    path: [path],
  };
}

/** Collects issues for one request part; `done()` throws 422 if there were any. */
export class Validator {
  private readonly issues: ValidationIssue[] = [];

  constructor(private readonly source: Record<string, unknown>) {}

  /** Required string (trimmed). */
  requiredString(name: string): string {
    const value = this.source[name];
    if (typeof value !== 'string') {
      this.issues.push(invalidType(name, 'string', value));
      return '';
    }
    return value.trim();
  }

  /** Optional string (trimmed); undefined when absent. */
  optionalString(name: string): string | undefined {
    const value = this.source[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      this.issues.push(invalidType(name, 'string', value));
      return undefined;
    }
    return value.trim();
  }

  /** `z.enum(['true','false']).default(...)`: anything else than exactly "true"/"false" is a 422. */
  booleanString(name: string, defaultValue: boolean): boolean {
    const value = this.source[name];
    if (value === undefined) return defaultValue;
    if (typeof value !== 'string') {
      this.issues.push(invalidType(name, 'string', value));
      return defaultValue;
    }
    if (value !== 'true' && value !== 'false') {
      this.issues.push(invalidEnum(name, ['true', 'false'], value));
      return defaultValue;
    }
    return value === 'true';
  }

  /** `z.nativeEnum(...)` with a default. */
  enumString<T extends string>(name: string, options: readonly T[], defaultValue: T): T {
    const value = this.source[name];
    if (value === undefined) return defaultValue;
    if (typeof value !== 'string') {
      this.issues.push(invalidType(name, 'string', value));
      return defaultValue;
    }
    if (!(options as readonly string[]).includes(value)) {
      this.issues.push(invalidEnum(name, [...options], value));
      return defaultValue;
    }
    return value as T;
  }

  /** `z.coerce.number().optional()`. */
  optionalCoercedNumber(name: string): number | undefined {
    const value = this.source[name];
    if (value === undefined) return undefined;
    const n = Array.isArray(value) ? Number.NaN : Number(value);
    if (Number.isNaN(n)) {
      this.issues.push(invalidType(name, 'number', Number.NaN));
      return undefined;
    }
    return n;
  }

  /** `z.string().min(1)` (not trimmed): a missing or non-string value is invalid_type, '' is too_small. */
  nonEmptyString(name: string): string {
    const value = this.source[name];
    if (typeof value !== 'string') {
      this.issues.push(invalidType(name, 'string', value));
      return '';
    }
    if (value.length === 0) this.issues.push(tooSmall(name));
    return value;
  }

  /** `z.string().min(1).trim().default(...)`: undefined when absent, trimmed otherwise. */
  optionalNonEmptyString(name: string): string | undefined {
    const value = this.source[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      this.issues.push(invalidType(name, 'string', value));
      return undefined;
    }
    if (value.length === 0) this.issues.push(tooSmall(name));
    return value.trim();
  }

  /** `z.boolean().default(...)`. */
  booleanValue(name: string, defaultValue: boolean): boolean {
    const value = this.source[name];
    if (value === undefined) return defaultValue;
    if (typeof value !== 'boolean') {
      this.issues.push(invalidType(name, 'boolean', value));
      return defaultValue;
    }
    return value;
  }

  /** A `superRefine` issue (`code: 'custom'`) on one field, in field order with the others. */
  custom(name: string, message: string): void {
    this.issues.push({ code: 'custom', message, path: [name] });
  }

  done(): void {
    if (this.issues.length > 0) throw validationFailure(this.issues);
  }
}

/** A JSON body must be an object; otherwise zod reports an issue on the root path. */
export function bodyValidator(body: unknown): Validator {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw validationFailure([invalidType('', 'object', body)]);
  }
  return new Validator(body as Record<string, unknown>);
}

/** `removeTrailingSlash` from Infisical's lib/fn. */
export function removeTrailingSlash(path: string): string {
  if (path === '/') return path;
  return path.endsWith('/') ? path.slice(0, -1) : path;
}
