import { describe, expect, it } from '@jest/globals';
import { ConsoleLogger } from '@nestjs/common';
import { createAppLogger, StructuredLogger } from '../../src/logging/app-logger.js';

/** A StructuredLogger writing into an array; each entry is one parsed line. */
function capture() {
  const lines: string[] = [];
  const logger = new StructuredLogger((line) => lines.push(line));
  const entries = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, entries };
}

describe('StructuredLogger', () => {
  it('maps every Nest level to a Cloud Logging severity', () => {
    const { logger, entries } = capture();
    logger.verbose('v');
    logger.debug('d');
    logger.log('l');
    logger.warn('w');
    logger.error('e');
    logger.fatal('f');
    expect(entries().map((e) => [e.message, e.severity])).toEqual([
      ['v', 'DEBUG'],
      ['d', 'DEBUG'],
      ['l', 'INFO'],
      ['w', 'WARNING'],
      ['e', 'ERROR'],
      ['f', 'CRITICAL'],
    ]);
  });

  it('writes exactly one JSON object per line, even for multi-line messages', () => {
    const { logger, lines } = capture();
    logger.error('first line\nsecond line', 'Bootstrap');
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith('\n')).toBe(true);
    expect(lines[0]?.trimEnd().includes('\n')).toBe(false);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ message: 'first line\nsecond line', context: 'Bootstrap' });
  });

  it('carries the context and an ISO timestamp', () => {
    const { logger, entries } = capture();
    logger.log('listening', 'Bootstrap');
    const [entry] = entries();
    expect(entry).toMatchObject({ severity: 'INFO', message: 'listening', context: 'Bootstrap' });
    expect(new Date(entry?.timestamp as string).toISOString()).toBe(entry?.timestamp);
    expect(entry).not.toHaveProperty('stack_trace');
  });

  describe('stack_trace on errors', () => {
    const error = new Error('boom');

    it('takes it from the Nest convention error(message, stack, context)', () => {
      const { logger, entries } = capture();
      logger.error('request failed', error.stack, 'ExceptionsHandler');
      expect(entries()[0]).toMatchObject({ severity: 'ERROR', message: 'request failed', context: 'ExceptionsHandler', stack_trace: error.stack });
    });

    it('takes a lone stack argument as the stack, not as the context', () => {
      const { logger, entries } = capture();
      logger.error('request failed', error.stack);
      const [entry] = entries();
      expect(entry?.stack_trace).toBe(error.stack);
      expect(entry).not.toHaveProperty('context');
    });

    it('takes a lone plain string as the context', () => {
      const { logger, entries } = capture();
      logger.error('request failed', 'Payments');
      expect(entries()[0]).toMatchObject({ context: 'Payments' });
      expect(entries()[0]).not.toHaveProperty('stack_trace');
    });

    it('takes it from an Error passed as the message or as an argument', () => {
      const { logger, entries } = capture();
      logger.error(error);
      logger.fatal('shutdown failed', error, 'Bootstrap');
      const [fromMessage, fromArgument] = entries();
      expect(fromMessage).toMatchObject({ severity: 'ERROR', message: 'boom', stack_trace: error.stack });
      expect(fromArgument).toMatchObject({ severity: 'CRITICAL', message: 'shutdown failed', context: 'Bootstrap', stack_trace: error.stack });
    });

    it('is only attached to error and fatal entries', () => {
      const { logger, entries } = capture();
      logger.warn('slow', error.stack as string, 'Infisical');
      expect(entries()[0]).not.toHaveProperty('stack_trace');
      expect(entries()[0]).toMatchObject({ severity: 'WARNING', context: 'Infisical' });
    });
  });

  it('serialises non-string messages as JSON text', () => {
    const { logger, entries } = capture();
    logger.log({ keys: 3 });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    logger.log(circular);
    expect(entries()[0]?.message).toBe('{"keys":3}');
    expect(typeof entries()[1]?.message).toBe('string');
  });
});

describe('createAppLogger', () => {
  it('selects the structured logger for LOG_FORMAT=json (any case) and the console logger otherwise', () => {
    expect(createAppLogger('json')).toBeInstanceOf(StructuredLogger);
    expect(createAppLogger('JSON')).toBeInstanceOf(StructuredLogger);
    expect(createAppLogger('text')).toBeInstanceOf(ConsoleLogger);
    expect(createAppLogger(undefined)).toBeInstanceOf(ConsoleLogger);
  });
});
