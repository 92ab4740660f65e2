import { describe, expect, it } from 'vitest';
import { TimeOrderedIdGenerator } from '../../../adapters/system/time-ordered-id-generator.js';
import type { IdKind } from '../../../domain/index.js';

const T0 = Date.UTC(2026, 1, 7, 20, 15, 0);
const MEMORY_ID = /^mem_[0-9a-f]{24}$/;
const timeHex = (ms: number) => ms.toString(16).padStart(12, '0');

describe('TimeOrderedIdGenerator.next', () => {
  it('returns mem_ and 24 hex starting with the time in ms when the kind is memory', () => {
    // Arrange
    const ids = new TimeOrderedIdGenerator();

    // Act
    const id = ids.next('memory', T0);

    // Assert
    expect(id).toMatch(MEMORY_ID);
    expect(id.slice(4, 16)).toBe(timeHex(T0));
    expect(id.slice(4, 16)).toBe('019c39be51a0');
  });

  it('returns strictly increasing ids with the same time prefix when called many times in one ms', () => {
    // Arrange
    const ids = new TimeOrderedIdGenerator();

    // Act
    const made = Array.from({ length: 1000 }, () => ids.next('memory', T0));

    // Assert
    for (let i = 1; i < made.length; i++) {
      expect(made[i]! > made[i - 1]!).toBe(true);
    }
    expect(made.every((id) => id.startsWith('mem_' + timeHex(T0)))).toBe(true);
    expect(made.every((id) => MEMORY_ID.test(id))).toBe(true);
  });

  it('returns strictly increasing ids carrying each time when the time advances', () => {
    // Arrange
    const ids = new TimeOrderedIdGenerator();
    const times = [T0, T0, T0 + 1, T0 + 1, T0 + 2, T0 + 1000, T0 + 86_400_000];

    // Act
    const made = times.map((t) => ids.next('memory', t));

    // Assert
    made.forEach((id, i) => expect(id.slice(4, 16)).toBe(timeHex(times[i]!)));
    expect([...made].sort()).toEqual(made);
    expect(new Set(made).size).toBe(made.length);
  });

  it('sorts ids by creation time when two generators are used', () => {
    // Arrange
    const a = new TimeOrderedIdGenerator();
    const b = new TimeOrderedIdGenerator();

    // Act
    const early = a.next('memory', T0);
    const late = b.next('memory', T0 + 1);

    // Assert
    expect(late > early).toBe(true);
  });

  it('keeps ids increasing when the clock steps backwards', () => {
    // Arrange
    const ids = new TimeOrderedIdGenerator();
    const first = ids.next('memory', T0 + 5000);

    // Act
    const second = ids.next('memory', T0);

    // Assert
    expect(second > first).toBe(true);
    expect(second).toMatch(MEMORY_ID);
  });

  it('encodes the epoch as twelve zero digits when the time is 0', () => {
    // Arrange
    const ids = new TimeOrderedIdGenerator();

    // Act
    const id = ids.next('memory', 0);

    // Assert
    expect(id.slice(0, 16)).toBe('mem_000000000000');
  });

  it.each<[IdKind, string]>([
    ['session', 'sess_'],
    ['agent', 'agent_'],
    ['org', 'org_'],
    ['key', 'key_'],
  ])('returns %s ids as the prefix and 24 random hex digits', (kind, prefix) => {
    // Arrange
    const ids = new TimeOrderedIdGenerator();

    // Act
    const made = Array.from({ length: 200 }, () => ids.next(kind, T0));

    // Assert
    const pattern = new RegExp(`^${prefix}[0-9a-f]{24}$`);
    expect(made.every((id) => pattern.test(id))).toBe(true);
    expect(new Set(made).size).toBe(made.length);
    expect(made.some((id) => id.slice(prefix.length, prefix.length + 12) !== timeHex(T0))).toBe(
      true,
    );
  });
});
