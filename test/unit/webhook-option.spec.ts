import { describe, expect, it } from '@jest/globals';
import { OptionReader } from '../../src/infisical/options/option-readers.js';
import { resolveWebhook } from '../../src/infisical/options/webhook.option.js';

/** The resolved value and the problems reported for `value`. */
function read(value: unknown, enabled = true) {
  const reader = new OptionReader({});
  return { webhook: resolveWebhook(reader, value, enabled), problems: reader.problems };
}

describe('resolveWebhook (the webhook option)', () => {
  it('absent, or Infisical disabled: no receiver and no problem, whatever the value', () => {
    expect(read(undefined)).toEqual({ webhook: undefined, problems: [] });
    expect(read({ secret: 'whk' }, false)).toEqual({ webhook: undefined, problems: [] });
    expect(read('nonsense', false)).toEqual({ webhook: undefined, problems: [] });
  });

  it('a secret alone listens on the default path; a path of URL characters is kept', () => {
    expect(read({ secret: 'whk' })).toEqual({ webhook: { path: '/webhooks/infisical', secret: 'whk' }, problems: [] });
    expect(read({ secret: 'whk', path: '/a_b.c~d-E9/f/' })).toEqual({ webhook: { path: '/a_b.c~d-E9/f/', secret: 'whk' }, problems: [] });
    expect(read({ secret: 'whk', path: '/' }).problems).toEqual([]);
  });

  it.each([
    ['null', null, 'got null'],
    ['a string (perhaps the secret itself: its length is named, not its text)', 'whk-9f3c', 'got a string of 8 characters'],
    ['an array', ['whk-9f3c'], 'got a value of type array'],
  ])('%s is not { secret, path? }', (_name, value, got) => {
    const { webhook, problems } = read(value);
    expect(webhook).toBeUndefined();
    expect(problems).toHaveLength(1);
    expect(problems[0]!.option).toBe('webhook');
    expect(problems[0]!.problem).toContain('must be { secret, path? }');
    expect(problems[0]!.problem).toContain(got);
    expect(problems[0]!.problem).not.toContain('whk-9f3c');
  });

  it('a missing secret is required and names INFISICAL_WEBHOOK_SECRET; no receiver', () => {
    const { webhook, problems } = read({ path: '/w' });
    expect(webhook).toBeUndefined();
    expect(problems.map((p) => p.option)).toEqual(['webhook.secret']);
    expect(problems[0]!.problem).toMatch(/required.*INFISICAL_WEBHOOK_SECRET/);
  });

  it('a secret that is not text is reported without its value', () => {
    const { problems } = read({ secret: 12345678 });
    expect(problems.map((p) => p.option)).toEqual(['webhook.secret']);
    expect(problems[0]!.problem).not.toContain('12345678');
  });

  it.each([[42], [' /w']])('path %p (not text, or padded) is reported with a hint', (path) => {
    const { problems } = read({ secret: 'whk', path });
    expect(problems.map((p) => p.option)).toEqual(['webhook.path']);
    expect(problems[0]!.problem).toMatch(/— an absolute URL path such as \/webhooks\/infisical \(INFISICAL_WEBHOOK_PATH\)$/);
  });

  it('an empty path is the default path', () => {
    expect(read({ secret: 'whk', path: '' })).toEqual({ webhook: { path: '/webhooks/infisical', secret: 'whk' }, problems: [] });
  });

  it.each([['no-slash'], ['/with space'], ['/query?x=1'], ['/a#b'], ['x/']])('path %p is not an absolute URL path', (path) => {
    const { problems } = read({ secret: 'whk', path });
    expect(problems.map((p) => p.option)).toEqual(['webhook.path']);
    expect(problems[0]!.problem).toMatch(/absolute URL path such as \/webhooks\/infisical \(got "[^"]*"; INFISICAL_WEBHOOK_PATH\)$/);
  });
});
