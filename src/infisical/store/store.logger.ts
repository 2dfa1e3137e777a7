import { Logger } from '@nestjs/common';
import { INFISICAL_LOGGER_CONTEXT, MAX_LOGGED_KEYS } from '../infisical.defaults.js';
import type { SecretRedactor } from '../redaction/secret-redactor.js';
import { sanitizeServerText } from '../redaction/server-text.js';

type Level = 'log' | 'warn' | 'error' | 'debug';

/**
 * Control characters other than the module's own line breaks and tabs. Server-provided text is escaped where it
 * enters a message (sanitizeServerText); this is the last guard against a forged line.
 */
const STRAY_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;

/** How many distinct "once" messages are remembered (older ones may be logged again). */
const REMEMBERED = 200;

/**
 * Every log line of the module goes through here: masked (no secret value, client secret or token, whatever a
 * message was built from) and with control characters escaped (no forged lines).
 */
export class StoreLogger {
  readonly #logger = new Logger(INFISICAL_LOGGER_CONTEXT);
  readonly #said = new Set<string>();

  constructor(private readonly redactor: SecretRedactor) {}

  write(level: Level, message: string): void {
    this.#logger[level](this.redactor.redact(message.replace(STRAY_CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)));
  }

  log(message: string): void {
    this.write('log', message);
  }

  warn(message: string): void {
    this.write('warn', message);
  }

  /** Logs `message` once; repeats of the same message go to debug. */
  warnOnce(message: string): void {
    if (this.#said.has(message)) return this.write('debug', message);
    if (this.#said.size >= REMEMBERED) this.#said.clear();
    this.#said.add(message);
    this.write('warn', message);
  }

  /** `infisical: A (v1), B (v3); env: PORT; default: LOG_FORMAT` — where each key came from, by name. */
  static describeSources(keys: Readonly<Record<string, { source: string; version?: number }>>): string {
    const bySource = new Map<string, string[]>();
    for (const key of Object.keys(keys).sort()) {
      const list = bySource.get(keys[key]!.source) ?? [];
      list.push(key);
      bySource.set(keys[key]!.source, list);
    }
    const version = (k: string) => (keys[k]!.version !== undefined ? `${k} (v${keys[k]!.version})` : k);
    return [...bySource].map(([source, list]) => `${source}: ${StoreLogger.listKeys(list, version)}`).join('; ') || 'none';
  }

  /** `A, B, C (v3)` for at most 30 keys, then `… and 9,970 more`; each item shortened and escaped. */
  static listKeys(keys: readonly string[], label: (key: string) => string = (k) => k): string {
    const shown = keys.slice(0, MAX_LOGGED_KEYS).map((k) => sanitizeServerText(label(k), 160));
    const more = keys.length - shown.length;
    return shown.join(', ') + (more > 0 ? ` … and ${more.toLocaleString('en-US')} more` : '');
  }
}
