/** The siteUrl option on its own: what is accepted, how it is normalised, and what each refusal says. */
import { describe, expect, it } from '@jest/globals';
import { OptionReader } from '../../src/infisical/options/option-readers.js';
import { resolveSiteUrl } from '../../src/infisical/options/site-url.option.js';

const DEFAULT = 'https://app.infisical.com';
const HINT = 'e.g. https://app.infisical.com or https://eu.infisical.com';
const read = (value: unknown) => {
  const reader = new OptionReader({ siteUrl: value });
  const url = resolveSiteUrl(reader, value);
  return { url, problems: reader.problems.map((p) => `${p.option} ${p.problem}`) };
};

describe('resolveSiteUrl', () => {
  it.each([
    [undefined, DEFAULT],
    ['https://eu.infisical.com', 'https://eu.infisical.com'],
    ['https://eu.infisical.com/', 'https://eu.infisical.com'],
    ['HTTPS://EU.Infisical.com', 'https://eu.infisical.com'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['https://example.com/infisical//', 'https://example.com/infisical'],
    ['https://example.com/api/v1', 'https://example.com/api/v1'],
    ['https://example.com/apis', 'https://example.com/apis'],
  ])('%p → %s', (value, url) => {
    expect(read(value)).toEqual({ url, problems: [] });
  });

  it.each([
    ['', `siteUrl is an empty string — omit it for ${DEFAULT}, or set the site root (${HINT})`],
    [42, `siteUrl must be a string (got 42) — ${HINT}`],
    [' https://eu.infisical.com', `siteUrl has leading or trailing whitespace — ${HINT}`],
    ['eu.infisical.com', 'siteUrl must be an http(s) URL such as https://app.infisical.com (got a value that is not a URL)'],
    ['ftp://eu.infisical.com', 'siteUrl must be an http(s) URL such as https://app.infisical.com (got the scheme "ftp:")'],
    ['abcdefghijklmnopqrstuvwxyz://x', 'siteUrl must be an http(s) URL such as https://app.infisical.com (got the scheme "abcdefghijklmnopqrst")'],
  ])('refuses %p and falls back to the default', (value, problem) => {
    expect(read(value)).toEqual({ url: DEFAULT, problems: [problem] });
  });

  it.each(['https://user:hunter22@eu.infisical.com', 'https://user@eu.infisical.com', 'https://:hunter22@eu.infisical.com'])('refuses credentials in %s without repeating them', (value) => {
    const { url, problems } = read(value);
    expect({ url, problems }).toEqual({
      url: DEFAULT,
      problems: ['siteUrl must not contain credentials (user:password@): the module authenticates with its auth option; remove them from the URL'],
    });
    expect(problems.join(' ')).not.toContain('hunter22');
  });

  it.each([
    ['https://eu.infisical.com/?region=eu', 'https://eu.infisical.com', ['siteUrl must not contain a query string or fragment']],
    ['https://eu.infisical.com/#top', 'https://eu.infisical.com', ['siteUrl must not contain a query string or fragment']],
    ['https://eu.infisical.com/api', 'https://eu.infisical.com/api', ['siteUrl must be the site root without "/api" (e.g. https://app.infisical.com)']],
    ['https://eu.infisical.com/x/api/', 'https://eu.infisical.com/x/api', ['siteUrl must be the site root without "/api" (e.g. https://app.infisical.com)']],
  ])('reports %s', (value, url, problems) => {
    expect(read(value)).toEqual({ url, problems });
  });
});
