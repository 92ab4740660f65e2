import { describe, expect, it } from 'vitest';
import { formatIsoTime } from '../../../adapters/wire/iso-time.js';

const DAY = 86_400_000;

/** A small seeded generator, so a failure names a value that comes back on the next run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('formatIsoTime', () => {
  it('writes what toISOString writes for 200,000 times across 1970-9999', () => {
    // Arrange
    const next = random(17);
    const times = Array.from({ length: 200_000 }, () => Math.floor(next() * 253_402_300_800_000));

    // Act
    const differing = times.filter((ms) => formatIsoTime(ms) !== new Date(ms).toISOString());

    // Assert
    expect(differing).toEqual([]);
  });

  it.each([
    ['the epoch', 0],
    ['its first millisecond', 1],
    ['a day’s last millisecond', DAY - 1],
    ['a leap day', Date.UTC(2024, 1, 29, 23, 59, 59, 999)],
    ['the last millisecond of 9999', 253_402_300_799_999],
  ])('writes %s as toISOString does', (_name, ms) => {
    expect(formatIsoTime(ms)).toBe(new Date(ms).toISOString());
  });

  it.each([
    ['before 1970', -1],
    ['the year 10000', 253_402_300_800_000],
    ['a fraction of a millisecond', 1_700_000_000_000.5],
    ['a year before 0', -62_198_755_200_001],
  ])('hands %s to toISOString', (_name, ms) => {
    expect(formatIsoTime(ms)).toBe(new Date(ms).toISOString());
  });

  it('throws RangeError for a time that is not a date, as toISOString does', () => {
    expect(() => formatIsoTime(Number.NaN)).toThrow(RangeError);
    expect(() => formatIsoTime(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it('stays right past the days it keeps (the cache starts over)', () => {
    // Arrange: 10,000 distinct days, more than the 4,096 kept, then the first ones again
    const times = Array.from({ length: 10_000 }, (_, i) => i * DAY + 12_345_678);

    // Act
    const all = [...times, ...times.slice(0, 100)].map(formatIsoTime);

    // Assert
    expect(all).toEqual([...times, ...times.slice(0, 100)].map((ms) => new Date(ms).toISOString()));
  });
});
