import { ConsoleLogger, type LoggerService, type LogLevel } from '@nestjs/common';

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
 * `message`, `context` and, for errors, `stack_trace`.
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
    const context = typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const stack = level === 'error' || level === 'fatal' ? rest.find((r) => typeof r === 'string') : undefined;
    const entry: Record<string, unknown> = {
      severity: SEVERITY[level],
      message: message instanceof Error ? message.message : typeof message === 'string' ? message : JSON.stringify(message),
      timestamp: new Date().toISOString(),
    };
    if (context) entry.context = context;
    if (stack) entry.stack_trace = stack;
    else if (message instanceof Error && message.stack) entry.stack_trace = message.stack;
    this.write(`${JSON.stringify(entry)}\n`);
  }
}

/** `LOG_FORMAT=json` → {@link StructuredLogger}; anything else → Nest's human-readable console logger. */
export function createAppLogger(format: string | undefined): LoggerService {
  return format?.toLowerCase() === 'json' ? new StructuredLogger() : new ConsoleLogger();
}
