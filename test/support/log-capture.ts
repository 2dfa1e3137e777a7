import type { LoggerService } from '@nestjs/common';
import { inspect } from 'node:util';

/** A Nest logger that keeps every line (level, context, text) for assertions and leak scans. */
export class LogCapture implements LoggerService {
  readonly lines: Array<{ level: string; context?: string; text: string }> = [];

  constructor(private readonly echo = process.env.TEST_ECHO_LOGS === '1') {}

  log(message: unknown, ...rest: unknown[]) {
    this.push('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.push('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.push('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.push('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.push('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]) {
    this.push('fatal', message, rest);
  }

  /** Everything captured, as one string. */
  get text(): string {
    return this.lines.map((l) => `${l.level} [${l.context ?? ''}] ${l.text}`).join('\n');
  }

  /** Lines of one level containing `fragment`. */
  find(level: string, fragment: string | RegExp): string[] {
    return this.lines
      .filter((l) => l.level === level && (typeof fragment === 'string' ? l.text.includes(fragment) : fragment.test(l.text)))
      .map((l) => l.text);
  }

  clear() {
    this.lines.length = 0;
  }

  private push(level: string, message: unknown, rest: unknown[]) {
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    const extra = rest.slice(0, context ? -1 : undefined).filter((r) => r !== undefined).map((r) => (typeof r === 'string' ? r : inspect(r)));
    const text = [typeof message === 'string' ? message : inspect(message), ...extra].join(' ');
    this.lines.push({ level, context, text });
    if (this.echo) process.stdout.write(`${level} [${context ?? ''}] ${text}\n`);
  }
}

/** Every string in `haystack` that contains one of `needles` (for leak scans); empty means no leak. */
export function findLeaks(haystack: string, needles: Iterable<string>): string[] {
  return [...needles].filter((needle) => needle.length > 0 && haystack.includes(needle));
}
