const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Unit words of the `ms` package (what Infisical parses TTLs with), by their first letters. */
const UNITS: ReadonlyArray<[RegExp, number]> = [
  [/^(milliseconds?|msecs?|ms)$/, 1],
  [/^(seconds?|secs?|s)$/, SECOND],
  [/^(minutes?|mins?|m)$/, MINUTE],
  [/^(hours?|hrs?|h)$/, HOUR],
  [/^(days?|d)$/, DAY],
  [/^(weeks?|w)$/, 7 * DAY],
  [/^(years?|yrs?|y)$/, 365.25 * DAY],
];

const DURATION = /^((?:\d+)?\.?\d+) *([a-z]*)$/;

/**
 * Milliseconds of an ms-style duration as Infisical reads TTLs (`"30s"`, `"10m"`, `"1h"`, `"2 days"`; a bare number
 * is milliseconds), or undefined when `text` is not one or is not positive.
 */
export function parseDurationMs(text: string | undefined): number | undefined {
  if (text === undefined || text.length > 100) return undefined;
  const match = DURATION.exec(text.trim().toLowerCase());
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = match[2] ? UNITS.find(([pattern]) => pattern.test(match[2]!))?.[1] : 1;
  if (unit === undefined || !(amount > 0)) return undefined;
  return amount * unit;
}
