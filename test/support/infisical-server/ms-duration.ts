/**
 * ms-style durations ("30s", "10m", "1h", "2 days", "1.5h"), parsed the way Infisical's `@app/lib/ms` does
 * (the `ms` package, v3): a number with an optional unit, case-insensitive; anything else is NaN. A year is 365.25 days.
 */
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const YEAR = 365.25 * DAY;

const UNITS: [RegExp, number][] = [
  [/^(years?|yrs?|y)$/, YEAR],
  [/^(weeks?|w)$/, WEEK],
  [/^(days?|d)$/, DAY],
  [/^(hours?|hrs?|h)$/, HOUR],
  [/^(minutes?|mins?|m)$/, MINUTE],
  [/^(seconds?|secs?|s)$/, SECOND],
  [/^(milliseconds?|msecs?|ms)$/, 1],
];

const PATTERN = /^(-?\d*\.?\d+) *([a-z]+)?$/i;

/** Milliseconds of an ms-style duration; NaN when it does not parse (as `ms("abc")`). */
export function parseDuration(value: string): number {
  if (value.length === 0 || value.length > 100) return Number.NaN;
  const match = PATTERN.exec(value);
  if (!match) return Number.NaN;
  const amount = Number.parseFloat(match[1]!);
  const unit = (match[2] ?? 'ms').toLowerCase();
  const factor = UNITS.find(([pattern]) => pattern.test(unit))?.[1];
  return factor === undefined ? Number.NaN : amount * factor;
}

/** Infisical's lease TTL bounds: at least "1m", at most "10y" (the routes' zod refinements). */
export const MIN_LEASE_TTL_MS = MINUTE;
export const MAX_LEASE_TTL_MS = 10 * YEAR;
