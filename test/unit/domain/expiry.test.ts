import { describe, expect, it } from 'vitest';
import { expiryOf, isLive, parseDuration, toExpiry } from '../../../domain/index.js';
import { formatRetention } from '../../../adapters/wire/admin.response.js';
import { aMemory } from '../../support/builders.js';

const NOW = Date.UTC(2026, 1, 13, 10, 30);
const HOUR = 3_600_000;

describe('parseDuration', () => {
  it.each([
    ['30m', 30 * 60_000],
    ['12h', 12 * HOUR],
    ['7d', 7 * 24 * HOUR],
    ['1w', 7 * 24 * HOUR],
    [' 2h ', 2 * HOUR],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDuration('ttl', text)).toBe(ms);
  });

  it.each(['0m', '5s', '1y', '-1h', '', '1.5h', 'h'])('refuses %j naming the field', (text) => {
    expect(() => parseDuration('ttl', text)).toThrow(/^ttl must be a length of time/);
  });
});

describe('toExpiry', () => {
  it('computes expiresAt from a ttl or an ISO time, and keeps pinned without one', () => {
    expect(toExpiry({ ttl: '1h' }, NOW)).toEqual({ expiresAt: NOW + HOUR, pinned: false });
    expect(toExpiry({ expiresAt: '2026-02-14T00:00:00Z' }, NOW)).toEqual({
      expiresAt: Date.UTC(2026, 1, 14),
      pinned: false,
    });
    expect(toExpiry({ pinned: true }, NOW)).toEqual({ expiresAt: null, pinned: true });
    expect(toExpiry({}, NOW)).toEqual({ expiresAt: null, pinned: false });
  });

  it('refuses two kinds of expiry at once and an expiry that is not in the future', () => {
    expect(() => toExpiry({ ttl: '1h', expiresAt: '2027-01-01' }, NOW, 'memories[1].')).toThrow(
      'memories[1].ttl must not be given with expires_at',
    );
    expect(() => toExpiry({ ttl: '1h', pinned: true }, NOW)).toThrow(
      /^pinned must not be given with ttl/,
    );
    expect(() => toExpiry({ expiresAt: '2027-01-01', pinned: true }, NOW)).toThrow(
      /^pinned must not be given with expires_at/,
    );
    expect(() => toExpiry({ expiresAt: new Date(NOW).toISOString() }, NOW)).toThrow(
      'expires_at must be in the future',
    );
  });
});

describe('isLive', () => {
  it('keeps a memory until its expiry, or under a retention until time + retention, pinned ones always', () => {
    const own = aMemory({ time: NOW - 3 * HOUR, expiresAt: NOW });
    const plain = aMemory({ time: NOW - 3 * HOUR });
    const pinned = aMemory({ time: NOW - 3 * HOUR, pinned: true });
    expect(isLive(own, { at: NOW - 1, retentionMs: null })).toBe(true);
    expect(isLive(own, { at: NOW, retentionMs: null })).toBe(false);
    expect(isLive(plain, { at: NOW, retentionMs: null })).toBe(true);
    expect(isLive(plain, { at: NOW, retentionMs: 3 * HOUR })).toBe(false);
    expect(isLive(plain, { at: NOW, retentionMs: 3 * HOUR + 1 })).toBe(true);
    expect(isLive(pinned, { at: NOW, retentionMs: 1 })).toBe(true);
    expect(expiryOf(own, HOUR)).toBe(NOW);
    expect(expiryOf(pinned, HOUR)).toBeNull();
  });
});

describe('formatRetention', () => {
  it('writes a retention in the largest unit that divides it', () => {
    expect(formatRetention(null)).toBeNull();
    expect(formatRetention(30 * 24 * HOUR)).toBe('30d');
    expect(formatRetention(14 * 24 * HOUR)).toBe('2w');
    expect(formatRetention(36 * HOUR)).toBe('36h');
    expect(formatRetention(90 * 60_000)).toBe('90m');
  });
});
