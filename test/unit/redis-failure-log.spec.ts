/** RedisFailureLog on ManualClock: how node-redis's reconnect failures become a few log lines, with the password masked. */
import { beforeEach, describe, expect, it } from '@jest/globals';
import { maskRedisUrl, RedisFailureLog, REDIS_FAILURE_SUMMARY_INTERVAL_MS } from '../../src/infisical/fleet/redis-failure-log.js';
import { ManualClock } from '../support/manual-clock.js';

const URL_WITH_PASSWORD = 'redis://default:pa%24%24word@10.0.0.3:6379/0';
const refused = new Error('connect ECONNREFUSED 10.0.0.3:6379');

describe('RedisFailureLog', () => {
  let clock: ManualClock;
  let lines: Array<[string, string]>;
  let log: RedisFailureLog;

  beforeEach(() => {
    clock = new ManualClock();
    lines = [];
    log = new RedisFailureLog({ warn: (m) => void lines.push(['warn', m]), log: (m) => void lines.push(['log', m]) }, clock, URL_WITH_PASSWORD);
  });

  it('Redis down for 8 s (18 attempts of two clients): one warning, not 18 lines', () => {
    for (let i = 0; i < 18; i++) {
      log.failed(refused);
      clock.advance(444);
    }
    expect(lines).toEqual([
      ['warn', 'Redis connection failed (connect ECONNREFUSED 10.0.0.3:6379); it keeps reconnecting in the background, further failures are summed up at most once per 60 s.'],
    ]);
  });

  it('at most one summary per interval (default 60 s), counting the attempts not logged; then one line when back', () => {
    expect(REDIS_FAILURE_SUMMARY_INTERVAL_MS).toBe(60_000);
    log.failed(refused);
    for (let second = 1; second < 60; second++) {
      clock.advance(1_000);
      log.failed(refused);
    }
    expect(lines).toHaveLength(1);
    clock.advance(1_000);
    log.failed(new Error('connect ETIMEDOUT'));
    clock.advance(1_000);
    log.failed(refused);
    expect(lines.slice(1)).toEqual([['warn', 'Redis connection still failing: 60 more failed attempts in 60 s (latest: connect ETIMEDOUT).']]);
    clock.advance(58_999);
    log.failed(refused);
    expect(lines).toHaveLength(2);
    clock.advance(1);
    log.failed(refused);
    expect(lines.slice(2)).toEqual([['warn', 'Redis connection still failing: 3 more failed attempts in 60 s (latest: connect ECONNREFUSED 10.0.0.3:6379).']]);
    log.ready();
    log.ready();
    expect(lines.slice(3)).toEqual([['log', 'Redis connection is back after 64 failed attempts.']]);
  });

  it('ready without a failure says nothing; a new outage after recovery starts again with a warning', () => {
    log.ready();
    expect(lines).toEqual([]);
    log.failed(refused);
    log.ready();
    clock.advance(1_000);
    log.failed(refused);
    log.failed(refused);
    log.ready();
    expect(lines.map(([level, text]) => `${level}: ${text.split(';')[0]}`)).toEqual([
      'warn: Redis connection failed (connect ECONNREFUSED 10.0.0.3:6379)',
      'log: Redis connection is back after 1 failed attempts.',
      'warn: Redis connection failed (connect ECONNREFUSED 10.0.0.3:6379)',
      'log: Redis connection is back after 2 failed attempts.',
    ]);
  });

  it('an injected interval is used', () => {
    log = new RedisFailureLog({ warn: (m) => void lines.push(['warn', m]), log: (m) => void lines.push(['log', m]) }, clock, 'redis://h:1', 5_000);
    log.failed(refused);
    clock.advance(4_999);
    log.failed(refused);
    clock.advance(1);
    log.failed(refused);
    expect(lines.map(([, text]) => text)).toEqual([
      'Redis connection failed (connect ECONNREFUSED 10.0.0.3:6379); it keeps reconnecting in the background, further failures are summed up at most once per 5 s.',
      'Redis connection still failing: 2 more failed attempts in 5 s (latest: connect ECONNREFUSED 10.0.0.3:6379).',
    ]);
  });

  it('no line carries the URL password, whether the message names the URL or the password (encoded or not)', () => {
    log.failed(new Error(`WRONGPASS for ${URL_WITH_PASSWORD} (pa$$word / pa%24%24word)`));
    clock.advance(60_000);
    log.failed(new Error('NOAUTH pa$$word'));
    const text = lines.map(([, t]) => t).join('\n');
    expect(text).not.toMatch(/pa\$\$word|pa%24%24word/);
    expect(text).toContain('WRONGPASS for redis://10.0.0.3:6379 (*** / ***)');
    expect(text).toContain('latest: NOAUTH ***');
  });
});

describe('maskRedisUrl', () => {
  it('replaces the URL by scheme and host, and the password by ***', () => {
    expect(maskRedisUrl('at redis://:pw@h:1 and rediss://u:pw@h:1/', 'redis://:pw@h:1')).toBe('at redis://h:1 and rediss://u:***@h:1/');
    expect(maskRedisUrl('redis://h:1/0 down', 'redis://h:1/0')).toBe('redis://h:1 down');
  });
  it('a URL that does not parse is replaced as a whole; a message without it is unchanged', () => {
    expect(maskRedisUrl('bad :: url: here', ':: url')).toBe('bad [redis url]: here');
    expect(maskRedisUrl('connect ECONNREFUSED', 'redis://:pw@h:1')).toBe('connect ECONNREFUSED');
    expect(maskRedisUrl('%E0%A4%A', 'redis://:%E0%A4%A@h:1')).toBe('***');
  });
});
