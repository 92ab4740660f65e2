import { describe, expect, it } from 'vitest';
import {
  formatDuration,
  parseTimeExpression,
  parseTimeRange,
  parseTimestamp,
} from '../../../domain/index.js';
import { thrown as invalidError } from '../../support/domain-errors.js';

const NOW = Date.UTC(2026, 1, 13, 12, 0, 0);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('parseTimeExpression', () => {
  it.each([
    ['30m', 30 * MINUTE],
    ['2h', 2 * HOUR],
    ['7d', 7 * DAY],
    ['1w', 7 * DAY],
    ['90m', 90 * MINUTE],
  ])('returns now minus the span when given the relative expression %s', (text, span) => {
    // Arrange
    const now = NOW;

    // Act
    const ms = parseTimeExpression('since', text, now);

    // Assert
    expect(ms).toBe(NOW - span);
  });

  it.each([
    ['2026-02-13', Date.UTC(2026, 1, 13)],
    ['2026-02-13T10:30:00Z', Date.UTC(2026, 1, 13, 10, 30)],
    ['2026-02-13t10:30:00z', Date.UTC(2026, 1, 13, 10, 30)],
    ['2026-02-13T10:30:00+02:00', Date.UTC(2026, 1, 13, 8, 30)],
    ['2026-02-13T10:30:00+0200', Date.UTC(2026, 1, 13, 8, 30)],
    ['2026-02-13T10:30:00-05:30', Date.UTC(2026, 1, 13, 16, 0)],
    ['2026-02-13T10:30:00.123Z', Date.UTC(2026, 1, 13, 10, 30, 0, 123)],
    ['2026-02-13T10:30:00.5Z', Date.UTC(2026, 1, 13, 10, 30, 0, 500)],
    ['2026-02-13T10:30:00.123456789Z', Date.UTC(2026, 1, 13, 10, 30, 0, 123)],
    ['2026-02-13T10:30:00', Date.UTC(2026, 1, 13, 10, 30)],
    ['2026-02-13T10:30', Date.UTC(2026, 1, 13, 10, 30)],
    ['2026-02-13 10:30:00Z', Date.UTC(2026, 1, 13, 10, 30)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    ['0001-01-01T00:00:00Z', -62135596800000],
    ['0099-12-31T23:59:59Z', -59011459201000],
    ['0000-01-01', -62167219200000],
    ['9999-12-31T23:59:59.999Z', 253402300799999],
    ['2016-12-31T23:59:60Z', Date.UTC(2017, 0, 1)],
    ['2016-12-31T23:59:60.5Z', Date.UTC(2017, 0, 1, 0, 0, 0, 500)],
    ['2017-01-01T00:59:60+01:00', Date.UTC(2017, 0, 1)],
    ['2015-06-30T23:59:60Z', Date.UTC(2015, 6, 1)],
    ['2026-02-13T10:30:00.1234567890123Z', Date.UTC(2026, 1, 13, 10, 30, 0, 123)],
    [`2026-02-13T10:30:00.${'9'.repeat(64)}Z`, Date.UTC(2026, 1, 13, 10, 30, 0, 999)],
  ])('returns the UTC instant when given the ISO 8601 form %s', (text, expected) => {
    // Arrange
    const now = NOW;

    // Act
    const ms = parseTimeExpression('until', text, now);

    // Assert
    expect(ms).toBe(expected);
  });

  it('ignores the clock when given an absolute time', () => {
    // Arrange
    const text = '2026-02-13T10:30:00Z';

    // Act
    const a = parseTimeExpression('since', text, NOW);
    const b = parseTimeExpression('since', text, NOW + 5 * DAY);

    // Assert
    expect(a).toBe(b);
  });

  it.each([
    '1y',
    '0x',
    '',
    '   ',
    'yesterday',
    '2h ago',
    '-2h',
    '2026-02-30',
    '2025-02-29',
    '2026-13-01',
    '2026-00-10',
    '25:00',
    '2026-02-13T25:00:00Z',
    '2026-02-13T10:60:00Z',
    '2026-02-13T10:30:61Z',
    '13/02/2026',
  ])("throws an invalid DomainError naming the field when given '%s'", (text) => {
    // Arrange
    const field = 'since';

    // Act
    const error = invalidError(() => parseTimeExpression(field, text, NOW));

    // Assert
    expect(error.kind).toBe('invalid');
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message.startsWith('since ')).toBe(true);
  });

  it.each([
    ['2026-02-30', 'February 2026 has 28 days'],
    ['2025-02-29', 'February 2025 has 28 days'],
    ['2026-04-31T00:00:00Z', 'April 2026 has 30 days'],
    ['2026-13-01', 'there is no month 13'],
    ['2026-00-10', 'there is no month 00'],
    ['2026-02-13T25:00:00Z', 'the hour must be 00 to 23'],
    ['2026-02-13T10:60:00Z', 'the minute must be 00 to 59'],
    ['2026-02-13T10:30:61Z', 'the second must be 00 to 59, or 60 for a leap second'],
    ['2026-02-13T10:30:60Z', 'a leap second can only be 23:59:60 UTC on the last day of a month'],
    ['2016-12-31T23:59:60+01:00', 'a leap second can only be 23:59:60 UTC'],
    ['2026-02-13T10:30:00+25:00', 'the zone offset +25:00 is beyond ±23:59'],
    ['2026-02-13T10:30:00+02:99', 'the zone offset +02:99 is beyond ±23:59'],
  ])("says which part is impossible when given the well-formed '%s'", (text, why) => {
    // Arrange
    const field = 'since';

    // Act
    const error = invalidError(() => parseTimeExpression(field, text, NOW));

    // Assert
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).toContain(`since names no such time: '${text}' (${why}`);
  });

  it('refuses a fraction of more than 64 digits as malformed', () => {
    // Arrange
    const text = `2026-02-13T10:30:00.${'1'.repeat(65)}Z`;

    // Act
    const error = invalidError(() => parseTimeExpression('since', text, NOW));

    // Assert
    expect(error.message).toMatch(/^since must be a relative time/);
  });

  it('names the given field in the message when the field is until', () => {
    // Arrange
    const field = 'until';

    // Act
    const error = invalidError(() => parseTimeExpression(field, 'soon', NOW));

    // Assert
    expect(error.message).toMatch(/^until must be a relative time .*got 'soon'$/);
  });
});

describe('parseTimestamp', () => {
  it('returns the instant of an RFC 3339 time without reading relative forms', () => {
    // Arrange
    const text = '0001-01-01T00:00:00Z';

    // Act
    const ms = parseTimestamp('time', text);

    // Assert
    expect(new Date(ms).toISOString()).toBe('0001-01-01T00:00:00.000Z');
    expect(invalidError(() => parseTimestamp('time', '2h')).message).toBe(
      "time must be an RFC 3339 timestamp, got '2h'",
    );
  });

  it.each(['+275760-09-13T00:00:00.000Z', '2026-02-13T10:30:00Zjunk', '10000-01-01T00:00:00Z'])(
    "refuses '%s', which is not an RFC 3339 time",
    (text) => {
      // Arrange
      const field = 'time';

      // Act
      const error = invalidError(() => parseTimestamp(field, text));

      // Assert
      expect(error.message.startsWith('time must be an RFC 3339 timestamp')).toBe(true);
    },
  );
});

describe('parseTimeRange', () => {
  it('returns both instants when since is before until', () => {
    // Arrange
    const input = { since: '2026-02-13', until: '2026-02-14' };

    // Act
    const range = parseTimeRange(input, NOW);

    // Assert
    expect(range).toEqual({ since: Date.UTC(2026, 1, 13), until: Date.UTC(2026, 1, 14) });
  });

  it.each([
    ['2026-02-14', '2026-02-13'],
    ['2026-02-13', '2026-02-13'],
    ['1h', '2h'],
  ])('refuses since %s with until %s: the range is empty', (since, until) => {
    // Arrange
    const input = { since, until };

    // Act
    const error = invalidError(() => parseTimeRange(input, NOW));

    // Assert
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).toMatch(/^since must be earlier than until: .* is empty$/);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [999, '0s'],
    [59_000, '59s'],
    [63_000, '1m3s'],
    [HOUR, '1h0m0s'],
    [2 * HOUR + 30 * MINUTE + 15_000, '2h30m15s'],
    [-5_000, '0s'],
  ])('returns the h/m/s form when given %i ms', (ms, expected) => {
    // Arrange
    const input = ms;

    // Act
    const text = formatDuration(input);

    // Assert
    expect(text).toBe(expected);
  });
});
