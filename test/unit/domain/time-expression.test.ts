import { describe, expect, it } from 'vitest';
import { formatDuration, parseTimeExpression } from '../../../domain/index.js';
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

  // Known domain bug: the zone offset's hours and minutes are not range-checked, so an
  // impossible offset is read as a shift of more than a day instead of being rejected.
  it.each(['2026-02-13T10:30:00+25:00', '2026-02-13T10:30:00+02:99'])(
    "throws an invalid DomainError when given the impossible zone offset in '%s'",
    (text) => {
      // Arrange
      const field = 'since';

      // Act
      const act = () => parseTimeExpression(field, text, NOW);

      // Assert
      expect(act).toThrow(/^since must be a relative time/);
    },
  );

  it('names the given field in the message when the field is until', () => {
    // Arrange
    const field = 'until';

    // Act
    const error = invalidError(() => parseTimeExpression(field, 'soon', NOW));

    // Assert
    expect(error.message).toMatch(/^until must be a relative time .*got 'soon'$/);
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
