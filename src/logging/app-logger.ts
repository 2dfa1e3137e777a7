import { ConsoleLogger, type LoggerService, type LogLevel } from '@nestjs/common';
import { inspect } from 'node:util';

const SEVERITY: Record<LogLevel, string> = {
  verbose: 'DEBUG',
  debug: 'DEBUG',
  log: 'INFO',
  warn: 'WARNING',
  error: 'ERROR',
  fatal: 'CRITICAL',
};

/**
 * One JSON object per line with the `severity` field Cloud Logging reads (`INFO`, `WARNING`, `ERROR`, …), plus
 * `message`, `timestamp`, `context` and, for errors, `stack_trace` (from a stack string or an `Error` argument, which
 * Error Reporting picks up).
 */
export class StructuredLogger implements LoggerService {
  constructor(private readonly write: (line: string) => void = (line) => process.stdout.write(line)) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.emit('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.emit('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.emit('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.emit('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.emit('fatal', message, rest);
  }

  private emit(level: LogLevel, message: unknown, rest: unknown[]): void {
    const isError = level === 'error' || level === 'fatal';
    const params = [...rest];
    // Nest's convention: `error(message, stack?, context?)`. A lone trailing string is the context, unless it is a stack trace.
    const last = params[params.length - 1];
    const context = typeof last === 'string' && !(isError && params.length === 1 && looksLikeStack(last)) ? (params.pop() as string) : undefined;
    let stack: string | undefined;
    if (isError) {
      for (const param of params) {
        if (typeof param === 'string' && param) stack ??= param;
        else if (param instanceof Error) stack ??= param.stack;
      }
    }
    if (!stack && message instanceof Error) stack = message.stack;
    const entry: Record<string, unknown> = {
      severity: SEVERITY[level],
      message: messageText(message),
      timestamp: new Date().toISOString(),
    };
    if (context) entry.context = context;
    if (stack) entry.stack_trace = stack;
    this.write(`${JSON.stringify(entry)}\n`);
  }
}

function looksLikeStack(text: string): boolean {
  return /\n\s+at /.test(text);
}

function messageText(message: unknown): string {
  if (message instanceof Error) return message.message;
  if (typeof message === 'string') return message;
  try {
    return JSON.stringify(message) ?? String(message);
  } catch {
    return inspect(message);
  }
}

/** `LOG_FORMAT=json` → {@link StructuredLogger}; anything else → Nest's human-readable console logger. */
export function createAppLogger(format: string | undefined): LoggerService {
  return format?.toLowerCase() === 'json' ? new StructuredLogger() : new ConsoleLogger();
}
