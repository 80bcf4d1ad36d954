// Human durations as GitLab reads `older_than` (ChronicDuration): "7d", "1month", "2 weeks", "1d12h",
// "1 day 12 hours". Months are 30 days and years 365.25 days, as in ChronicDuration.
import { UsageError } from '../errors';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Unit word (lower case) → milliseconds. `m` is a minute; months are `mo`/`month`. */
export const DURATION_UNITS: Readonly<Record<string, number>> = Object.freeze({
  s: SECOND, sec: SECOND, secs: SECOND, second: SECOND, seconds: SECOND,
  m: MINUTE, min: MINUTE, mins: MINUTE, minute: MINUTE, minutes: MINUTE,
  h: HOUR, hr: HOUR, hrs: HOUR, hour: HOUR, hours: HOUR,
  d: DAY, day: DAY, days: DAY,
  w: 7 * DAY, wk: 7 * DAY, wks: 7 * DAY, week: 7 * DAY, weeks: 7 * DAY,
  mo: 30 * DAY, mos: 30 * DAY, month: 30 * DAY, months: 30 * DAY,
  y: 365.25 * DAY, yr: 365.25 * DAY, yrs: 365.25 * DAY, year: 365.25 * DAY, years: 365.25 * DAY,
});

const EXAMPLES = 'e.g. 1h, 7d, 2 weeks, 1month, 1d12h';

function fail(text: string, why: string): never {
  throw new UsageError(`Invalid duration "${text}": ${why} (${EXAMPLES}; units s, m, h, d, w, mo, y).`);
}

/**
 * Parse a duration into milliseconds (rounded to a whole millisecond).
 * Forms: one or more "<number><unit>" parts, with or without spaces, optionally separated by commas or
 * "and"; a bare number alone is seconds; decimals allowed; case-insensitive.
 * @throws UsageError for empty text, negative numbers, unknown units, a unit without a number, or a
 *   number without a unit next to other parts.
 */
export function parseDuration(text: string): number {
  if (typeof text !== 'string') throw new UsageError('A duration must be a string such as "7d".');
  const s = text.trim().toLowerCase();
  if (s === '') fail(text, 'it is empty');

  // A bare number is seconds (ChronicDuration's default unit).
  if (/^(\d+(\.\d+)?|\.\d+)$/.test(s)) return finish(text, Number(s) * SECOND);

  let total = 0;
  let parts = 0;
  let i = 0;
  const n = s.length;
  while (i < n) {
    // separators between parts
    const sep = /^(\s+|,|\band\b)+/.exec(s.slice(i));
    if (sep) {
      if (parts === 0 && /[,a]/.test(sep[0])) fail(text, `unexpected "${sep[0].trim()}" at the start`);
      i += sep[0].length;
      if (i >= n) {
        if (/[,a]/.test(sep[0])) fail(text, `it ends with "${sep[0].trim()}"`);
        break;
      }
    }
    const rest = s.slice(i);
    if (rest[0] === '-') fail(text, 'durations cannot be negative');
    if (rest[0] === '+') fail(text, 'write the number without a sign');
    const num = /^(\d+(?:\.\d+)?|\.\d+)/.exec(rest);
    if (!num) {
      const word = /^[a-z]+/.exec(rest);
      if (word && unitMs(word[0]) !== undefined) fail(text, `the unit "${word[0]}" needs a number before it`);
      if (word) fail(text, `"${word[0]}" is not a number followed by a unit`);
      fail(text, `unexpected "${rest[0]}"`);
    }
    i += num[0].length;
    const unitMatch = /^\s*([a-z]+)/.exec(s.slice(i));
    if (!unitMatch) {
      const next = s.slice(i).trimStart();
      if (next === '') fail(text, `the number ${num[0]} has no unit`);
      fail(text, `unexpected "${next[0]}" after ${num[0]}`);
    }
    const unit = unitMatch[1];
    const ms = unitMs(unit);
    if (ms === undefined) fail(text, `unknown unit "${unit}"`);
    i += unitMatch[0].length;
    total += Number(num[1]) * ms;
    parts++;
  }
  if (parts === 0) fail(text, 'no duration found');
  return finish(text, total);
}

function unitMs(unit: string): number | undefined {
  return Object.prototype.hasOwnProperty.call(DURATION_UNITS, unit) ? DURATION_UNITS[unit] : undefined;
}

function finish(text: string, ms: number): number {
  if (!Number.isFinite(ms) || ms > 8.64e15) fail(text, 'it is too large');
  return Math.round(ms);
}
