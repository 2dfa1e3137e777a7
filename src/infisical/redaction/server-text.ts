import { MAX_SERVER_TEXT_LENGTH } from '../infisical.defaults.js';

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Makes text that a server chose (an error message, a header) safe to put into one log line, an error message or a
 * health payload: control characters are escaped (no forged log lines) and the text is cut to `max` characters.
 */
export function sanitizeServerText(text: string, max: number = MAX_SERVER_TEXT_LENGTH): string {
  return shorten(text, max).replace(CONTROL, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `text` cut to `max` characters, saying how much was left out. */
export function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text;
}
