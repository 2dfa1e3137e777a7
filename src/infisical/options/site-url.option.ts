import { DEFAULT_SITE_URL } from '../infisical.defaults.js';
import type { OptionReader } from './option-readers.js';

/**
 * Validates `siteUrl`: an http(s) site root without credentials, query, fragment or `/api` (an empty string is
 * refused, not read as the default). A URL carrying `user:password@` is refused without repeating the credentials.
 * @internal
 */
export function resolveSiteUrl(reader: OptionReader, value: unknown): string {
  const hint = 'e.g. https://app.infisical.com or https://eu.infisical.com';
  if (value === '') {
    // An empty value is a setting that went missing on the way (an unset variable), not a request for the default.
    reader.bad('siteUrl', `is an empty string — omit it for ${DEFAULT_SITE_URL}, or set the site root (${hint})`);
    return DEFAULT_SITE_URL;
  }
  const text = reader.text('siteUrl', false, hint, value);
  if (text === undefined) return DEFAULT_SITE_URL;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    reader.bad('siteUrl', `must be an http(s) URL such as https://app.infisical.com (got a value that is not a URL)`);
    return DEFAULT_SITE_URL;
  }
  if (url.username || url.password) {
    reader.bad('siteUrl', 'must not contain credentials (user:password@): the module authenticates with its auth option; remove them from the URL');
    return DEFAULT_SITE_URL;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    reader.bad('siteUrl', `must be an http(s) URL such as https://app.infisical.com (got the scheme "${url.protocol.slice(0, 20)}")`);
    return DEFAULT_SITE_URL;
  }
  if (url.search || url.hash) reader.bad('siteUrl', 'must not contain a query string or fragment');
  if (/\/api\/?$/.test(url.pathname)) reader.bad('siteUrl', 'must be the site root without "/api" (e.g. https://app.infisical.com)');
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}
