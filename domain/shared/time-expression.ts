import { invalid, type DomainError } from './errors.js';

const RELATIVE_OR_ISO = 'a relative time (30m, 2h, 7d, 1w) or an ISO 8601 timestamp';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const RELATIVE = /^(\d{1,9})([mhdw])$/;
// Date, optionally with time, optional fraction (RFC 3339 sets no limit; up to 64 digits are
// read, and ms keep the first three) and optional zone. Without a zone the time is UTC.
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,64}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
// ECMAScript dates reach ±8.64e15 ms; stay well inside so arithmetic never leaves the range.
const MAX_ABS_MS = 8.64e15;
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/**
 * Reads a point in time given as a relative expression (`30m`, `2h`, `7d`, `1w`: that long before
 * `nowMs`) or an absolute time (see {@link parseTimestamp}).
 *
 * @param field the parameter's name, used in the error message
 * @returns milliseconds since the epoch, UTC
 * @throws DomainError `invalid` when the value is neither form or names an impossible date
 */
export function parseTimeExpression(field: string, value: string, nowMs: number): number {
  const text = value.trim();
  const rel = RELATIVE.exec(text);
  if (rel) {
    const ms = nowMs - Number(rel[1]) * UNIT_MS[rel[2] as keyof typeof UNIT_MS];
    if (Math.abs(ms) > MAX_ABS_MS) throw invalidTime(field, value);
    return ms;
  }
  return readTimestamp(field, text, value) ?? throwInvalid(field, value);
}

/**
 * Reads a length of time (`30m`, `12h`, `7d`, `1w`), written like a relative time.
 * @returns milliseconds, more than 0
 * @throws DomainError `invalid` naming `field` for any other value, or 0
 */
export function parseDuration(field: string, value: string): number {
  const rel = RELATIVE.exec(value.trim());
  const ms = rel ? Number(rel[1]) * UNIT_MS[rel[2] as keyof typeof UNIT_MS] : 0;
  if (ms <= 0 || ms > MAX_ABS_MS) {
    throw invalid(
      `${field} must be a length of time greater than 0 (30m, 12h, 7d, 1w), got '${value.slice(0, 64)}'`,
    );
  }
  return ms;
}

/**
 * Reads an RFC 3339 date-time or date (`2026-02-13`, `2026-02-13T10:30:00Z`,
 * `0001-01-01T00:00:00.123456789+02:00`), also with a space for `T`, without seconds, or
 * without a zone (UTC). Years 0000 to 9999, read in the proleptic Gregorian calendar. The
 * fraction may have any number of digits up to 64; milliseconds keep the first three. A leap
 * second (`:60`) is accepted only where one can be inserted, 23:59:60 UTC on the last day of a
 * month, and means the next second (`2016-12-31T23:59:60Z` is `2017-01-01T00:00:00Z`).
 *
 * @returns milliseconds since the epoch, UTC
 * @throws DomainError `invalid` naming `field`: for a malformed value, or one that is well
 *   formed but names no real time (February 30, hour 25), saying which part is impossible
 */
export function parseTimestamp(field: string, value: string): number {
  return readTimestamp(field, value, value) ?? throwInvalid(field, value, 'an RFC 3339 timestamp');
}

/** The instant of an absolute time, or null when `text` is not in a time's form at all. */
function readTimestamp(field: string, text: string, value: string): number | null {
  const iso = ISO.exec(text);
  if (!iso) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = iso;
  const [year, month, day] = [Number(y), Number(mo), Number(d)];
  const [hour, minute, second] = [Number(h), Number(mi), Number(s)];
  const impossible = (why: string) =>
    invalid(`${field} names no such time: '${value.slice(0, 64)}' (${why})`);
  if (month < 1 || month > 12) throw impossible(`there is no month ${mo}`);
  const days = daysInMonth(year, month);
  if (day < 1 || day > days) {
    throw impossible(`${MONTHS[month - 1]} ${y} has ${days} days`);
  }
  if (hour > 23) throw impossible('the hour must be 00 to 23');
  if (minute > 59) throw impossible('the minute must be 00 to 59');
  if (second > 60) throw impossible('the second must be 00 to 59, or 60 for a leap second');
  const offset = zoneOffsetMs(zone);
  if (offset === null) throw impossible(`the zone offset ${zone} is beyond ±23:59`);
  const ms = Number((frac + '000').slice(0, 3));
  // setUTCFullYear, unlike Date.UTC, does not read years 0 to 99 as 1900 to 1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, Math.min(second, 59), ms);
  const utc = date.getTime() - offset;
  if (second === 60) {
    const at = new Date(utc);
    const lastDay = daysInMonth(at.getUTCFullYear(), at.getUTCMonth() + 1);
    if (at.getUTCHours() !== 23 || at.getUTCMinutes() !== 59 || at.getUTCDate() !== lastDay) {
      throw impossible('a leap second can only be 23:59:60 UTC on the last day of a month');
    }
    return utc + 1000;
  }
  return utc;
}

const isLeapYear = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** The zone's offset from UTC in ms, or null for an impossible one (+25:00, +02:99). */
function zoneOffsetMs(zone: string): number | null {
  if (zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  if (hours > 23 || minutes > 59) return null;
  return sign * (hours * 60 + minutes) * 60_000;
}

/**
 * The instants of `since` and `until` (either may be absent).
 * @throws DomainError `invalid` for a bad time, or when since is not before until: the range
 *   `since <= time < until` would be empty, which is a mistake rather than a question
 */
export function parseTimeRange(
  input: { readonly since?: string; readonly until?: string },
  nowMs: number,
): { since?: number; until?: number } {
  const range: { since?: number; until?: number } = {};
  if (input.since !== undefined) range.since = parseTimeExpression('since', input.since, nowMs);
  if (input.until !== undefined) range.until = parseTimeExpression('until', input.until, nowMs);
  if (range.since !== undefined && range.until !== undefined && range.since >= range.until) {
    throw invalid(
      `since must be earlier than until: the range from '${input.since?.slice(0, 64)}' up to ` +
        `'${input.until?.slice(0, 64)}' (until excluded) is empty`,
    );
  }
  return range;
}

function invalidTime(field: string, value: string, form = RELATIVE_OR_ISO): DomainError {
  return invalid(`${field} must be ${form}, got '${value.slice(0, 64)}'`);
}

function throwInvalid(field: string, value: string, form?: string): never {
  throw invalidTime(field, value, form);
}

/** `2h30m15s` style, as the health endpoint reports uptime. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}h${m}m${s}s` : m > 0 ? `${m}m${s}s` : `${s}s`;
}
