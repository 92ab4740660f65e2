/** Milliseconds of one UTC day. */
const DAY_MS = 86_400_000;
/** 10000-01-01T00:00:00Z: from here on `toISOString` writes a six-digit signed year. */
const FOUR_DIGIT_YEARS_END = 253_402_300_800_000;
/** The most days whose `YYYY-MM-DDT` is kept; the cache starts over when full. */
const MAX_DAYS = 4096;

const days = new Map<number, string>();
const TWO = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const THREE = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/**
 * `new Date(ms).toISOString()`, about four times faster for the times memories carry: a list
 * answer writes two per memory, and the date's `YYYY-MM-DDT` is shared by every time of its day.
 * Times before 1970, from the year 10000 on, with a fraction of a millisecond, or not finite
 * take `toISOString` itself (and its RangeError).
 */
export function formatIsoTime(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms >= FOUR_DIGIT_YEARS_END) {
    return new Date(ms).toISOString();
  }
  const day = Math.floor(ms / DAY_MS);
  let prefix = days.get(day);
  if (prefix === undefined) {
    if (days.size >= MAX_DAYS) days.clear();
    prefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
    days.set(day, prefix);
  }
  let rest = ms - day * DAY_MS;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  return `${prefix}${TWO[hours]}:${TWO[minutes]}:${TWO[seconds]}.${THREE[millis]}Z`;
}
