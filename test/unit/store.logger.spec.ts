import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { SecretRedactor } from '../../src/infisical/redaction/secret-redactor.js';
import { StoreLogger } from '../../src/infisical/store/store.logger.js';
import { LogCapture } from '../support/log-capture.js';

let capture: LogCapture;
beforeEach(() => {
  capture = new LogCapture(false);
  Logger.overrideLogger(capture);
});
afterEach(() => Logger.overrideLogger(new ConsoleLogger()));

function logger() {
  const redactor = new SecretRedactor();
  redactor.add('secrets', 'hunter2-secret');
  return new StoreLogger(redactor);
}

describe('StoreLogger: every line', () => {
  it('goes out at its level under the Infisical context', () => {
    const log = logger();
    log.log('one');
    log.warn('two');
    log.write('error', 'three');
    log.write('debug', 'four');
    expect(capture.lines).toEqual([
      { level: 'log', context: 'Infisical', text: 'one' },
      { level: 'warn', context: 'Infisical', text: 'two' },
      { level: 'error', context: 'Infisical', text: 'three' },
      { level: 'debug', context: 'Infisical', text: 'four' },
    ]);
  });

  it('is masked', () => {
    logger().warn('the answer contained hunter2-secret twice: hunter2-secret');
    expect(capture.lines[0]!.text).toBe('the answer contained [REDACTED] twice: [REDACTED]');
  });

  it('escapes control characters but keeps line breaks and tabs', () => {
    logger().log('a\u0000b\u0008c\td\ne\u000bf\u001fg\u007fh\u009fi\u00a0j\u2028k\u2029l');
    expect(capture.lines[0]!.text).toBe('a\\u0000b\\u0008c\td\ne\\u000bf\\u001fg\\u007fh\\u009fi\u00a0j\\u2028k\\u2029l');
  });
});

describe('StoreLogger.warnOnce', () => {
  it('warns the first time and sends repeats to debug', () => {
    const log = logger();
    log.warnOnce('duplicate key A');
    log.warnOnce('duplicate key A');
    log.warnOnce('duplicate key B');
    expect(capture.lines.map((l) => `${l.level} ${l.text}`)).toEqual(['warn duplicate key A', 'debug duplicate key A', 'warn duplicate key B']);
  });

  it('remembers 200 messages, then starts over', () => {
    const log = logger();
    for (let i = 0; i < 200; i++) log.warnOnce(`m${i}`);
    log.warnOnce('m0');
    expect(capture.lines.at(-1)!.level).toBe('debug');
    log.warnOnce('m200');
    expect(capture.lines.at(-1)!.level).toBe('warn');
    log.warnOnce('m1');
    expect(capture.lines.at(-1)!.level).toBe('warn');
    log.warnOnce('m200');
    expect(capture.lines.at(-1)!.level).toBe('debug');
  });

  it('masks what it warns', () => {
    logger().warnOnce('saw hunter2-secret');
    expect(capture.text).not.toContain('hunter2-secret');
  });
});

describe('StoreLogger.describeSources', () => {
  it('groups the keys by source, sorted, with versions where known', () => {
    expect(
      StoreLogger.describeSources({
        PORT: { source: 'env' },
        B: { source: 'infisical', version: 3 },
        A: { source: 'infisical', version: 1 },
        LOG_FORMAT: { source: 'default' },
        C: { source: 'infisical', version: 0 },
      }),
    ).toBe('infisical: A (v1), B (v3), C (v0); default: LOG_FORMAT; env: PORT');
  });

  it('says none without keys', () => {
    expect(StoreLogger.describeSources({})).toBe('none');
  });
});

describe('StoreLogger.listKeys', () => {
  it('lists at most 30 keys, then counts the rest', () => {
    const keys = Array.from({ length: 10_000 }, (_, i) => `K${i}`);
    const text = StoreLogger.listKeys(keys);
    expect(text).toBe(`${keys.slice(0, 30).join(', ')} … and 9,970 more`);
    expect(StoreLogger.listKeys(keys.slice(0, 30))).toBe(keys.slice(0, 30).join(', '));
    expect(StoreLogger.listKeys(keys.slice(0, 31))).toBe(`${keys.slice(0, 30).join(', ')} … and 1 more`);
    expect(StoreLogger.listKeys([])).toBe('');
  });

  it('labels, shortens and escapes each item', () => {
    expect(StoreLogger.listKeys(['A', 'B'], (k) => `${k}!`)).toBe('A!, B!');
    const long = 'L'.repeat(200);
    expect(StoreLogger.listKeys([long])).toBe(`${'L'.repeat(160)}… (40 more characters)`);
    expect(StoreLogger.listKeys(['bad\u0007key'])).toBe('bad\\u0007key');
  });
});
