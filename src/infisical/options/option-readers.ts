import type { InfisicalOptionProblem } from '../errors/options.error.js';

/** How a rejected value is named in a message: its type or a short form, never a secret. @internal */
export function describeValue(value: unknown, secret = false): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') {
    if (value === '') return 'an empty string';
    if (value.trim() === '') return 'only whitespace';
    return secret ? `a string of ${value.length} characters` : `"${value.length > 80 ? `${value.slice(0, 80)}…` : value}"`;
  }
  if (secret) return `a value of type ${Array.isArray(value) ? 'array' : typeof value}`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'function') return value.prototype ? 'a class or function' : 'an arrow function';
  return `a value of type ${Array.isArray(value) ? 'array' : typeof value}`;
}

/** Collects problems while reading one options object; every reader returns a usable fallback. */
export class OptionReader {
  readonly problems: InfisicalOptionProblem[] = [];

  constructor(private readonly source: Record<string, unknown>) {}

  bad(option: string, problem: string): void {
    this.problems.push({ option, problem });
  }

  boolean(name: string, fallback: boolean, value: unknown = this.source[name]): boolean {
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') {
      this.bad(name, `must be true or false (got ${describeValue(value)})`);
      return fallback;
    }
    return value;
  }

  integer(name: string, fallback: number, min: number, max: number, unit: string, value: unknown = this.source[name]): number {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.bad(name, `must be an integer number of ${unit} from ${min} to ${max} (got ${describeValue(value)})`);
      return fallback;
    }
    return value;
  }

  /** A trimmed-equal, non-empty string; `undefined` when absent (reported when `required`). */
  text(name: string, required: boolean, hint: string, value: unknown = this.source[name], secret = false): string | undefined {
    if (value === undefined || value === '') {
      if (required) this.bad(name, `is required — ${hint}`);
      return undefined;
    }
    if (typeof value !== 'string') {
      this.bad(name, `must be a string (got ${describeValue(value, secret)}) — ${hint}`);
      return undefined;
    }
    if (value.trim() !== value) {
      this.bad(name, `has leading or trailing whitespace — ${hint}`);
      return undefined;
    }
    return value;
  }
}
