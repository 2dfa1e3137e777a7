/** `Retry-After` as seconds: delta-seconds or an HTTP date (relative to `now`); undefined when absent or unusable. @internal */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d{1,12}$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** "Rate limit exceeded. Please try again in 42 seconds" → 42 (Infisical's 429 message). @internal */
export function retryAfterFromMessage(message: string): number | undefined {
  const seconds = /try again in (\d{1,12}) second/i.exec(message)?.[1];
  return seconds === undefined ? undefined : Number(seconds);
}
