import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_BATCH_SIZE, MAX_TAGS } from '../../../domain/index.js';
import type { FuzzCase } from '../../support/fuzz/cases.js';
import {
  MAX_BATCH_TAGS,
  MAX_FILTER_VALUES,
  PROBE_FAMILIES,
  probeCases,
} from '../../support/fuzz/probes.js';

/** The probe generators make the cases they say, with the expectations the limits give. */

const sample = (family: string, n: number): FuzzCase[][] =>
  fc.sample(probeCases([family]), { numRuns: n, seed: 42 });

const tagsOf = (c: FuzzCase): string[] => {
  const body = c.body !== null && 'json' in c.body ? (c.body.json as { tags?: string[] }) : {};
  if (body.tags) return body.tags;
  return c.query.filter(([k]) => k === 'tags').flatMap(([, v]) => v.split(','));
};

describe('probeCases', () => {
  it('expects a tag filter of up to MAX_FILTER_VALUES tags accepted and a longer one refused, up to 200', () => {
    // Act
    const cases = sample('tag-filters', 300).flat();

    // Assert
    const counts = cases.map((c) => [tagsOf(c).length, c.expect] as const);
    expect(counts.every(([n, e]) => e === (n <= MAX_FILTER_VALUES ? 'accepted' : 'refused'))).toBe(
      true,
    );
    expect(Math.max(...counts.map(([n]) => n))).toBeGreaterThan(150);
    expect(Math.min(...counts.map(([n]) => n))).toBe(1);
    expect(cases.every((c) => c.budgetMs !== undefined)).toBe(true);
  });

  it('makes batches up to one past MAX_BATCH_SIZE, bounded in tags, refused only past a limit', () => {
    // Act
    const batches = sample('huge-batches', 300).map(([c]) => {
      const body = (c as FuzzCase).body as { json: { memories: { tags: string[] }[] } };
      return { memories: body.json.memories, expect: (c as FuzzCase).expect };
    });

    // Assert
    for (const { memories, expect: e } of batches) {
      const tags = memories.reduce((n, m) => n + m.tags.length, 0);
      expect(tags).toBeLessThanOrEqual(Math.max(MAX_BATCH_TAGS, memories.length));
      const withinLimits =
        memories.length <= MAX_BATCH_SIZE && memories.every((m) => m.tags.length <= MAX_TAGS);
      expect(e).toBe(withinLimits ? 'accepted' : 'refused');
    }
    const sizes = batches.map((b) => b.memories.length);
    expect(sizes).toContain(MAX_BATCH_SIZE);
    expect(sizes).toContain(MAX_BATCH_SIZE + 1);
  });

  it('creates a session before it updates its metadata again and again', () => {
    // Act
    const sequences = sample('session-metadata', 50);

    // Assert
    for (const [first, ...rest] of sequences) {
      expect(first?.route).toEqual({ method: 'POST', path: '/api/v1/sessions' });
      expect(rest.length).toBeGreaterThanOrEqual(2);
      expect(rest.every((c) => c.route.method === 'PUT' && c.lastSession === true)).toBe(true);
    }
  });

  it('expects impossible times refused, and valid RFC 3339 times accepted unless since is after until', () => {
    // Act
    const cases = sample('odd-times', 300).map((steps) => steps[steps.length - 1] as FuzzCase);

    // Assert
    const refused = cases.filter((c) => c.expect === 'refused');
    const accepted = cases.filter((c) => c.expect === 'accepted');
    expect(refused.length).toBeGreaterThan(20);
    expect(accepted.length).toBeGreaterThan(20);
    const sent = (c: FuzzCase) => JSON.stringify(c.body) + JSON.stringify(c.query);
    const impossible = /2026-02-30|2026-02-29|-13-|-00-|24:00:01|10:60|\+24:00|\+14:60/;
    expect(accepted.every((c) => !impossible.test(sent(c)))).toBe(true);
    // A refused case names an impossible time, or both ends of a range.
    expect(
      refused.every(
        (c) => impossible.test(sent(c)) || (/since/.test(sent(c)) && /until/.test(sent(c))),
      ),
    ).toBe(true);
    expect(refused.some((c) => sent(c).includes('2030-01-01T00:00:00+14:00'))).toBe(true);
    expect(accepted.some((c) => sent(c).includes('23:59:60'))).toBe(true);
  });

  it('rejects a family it does not know', () => {
    // Act / Assert
    expect(() => probeCases(['tag-filters', 'nope'])).toThrow(PROBE_FAMILIES.join(', '));
  });
});
