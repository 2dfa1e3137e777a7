import type { StoreLogger } from '../../../src/infisical/store/store.logger.js';

type Level = 'log' | 'warn' | 'error' | 'debug';

/** A StoreLogger that keeps every line (level and text) instead of printing it; `warnOnce` is not deduplicated here. */
export class RecordingLogger {
  readonly lines: Array<{ level: Level; message: string }> = [];

  write(level: Level, message: string): void {
    this.lines.push({ level, message });
  }
  log(message: string): void {
    this.write('log', message);
  }
  warn(message: string): void {
    this.write('warn', message);
  }
  warnOnce(message: string): void {
    this.write('warn', message);
  }

  /** Messages of one level. */
  at(level: Level): string[] {
    return this.lines.filter((l) => l.level === level).map((l) => l.message);
  }

  get asLogger(): StoreLogger {
    return this as unknown as StoreLogger;
  }
}
