import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { runFuzz } from '../support/fuzz-run.js';
import { POSTGRES_SKIP_REASON, TEST_POSTGRES_URL } from '../support/postgres-harness.js';

/**
 * The bounded CI run of `npm run fuzz`'s probes (test/support/fuzz/probes.ts), family by family
 * on every driver: tag filters of 1–200 tags, batches up to the largest with many tags each,
 * session metadata grown by repeated PUTs, odd but valid RFC 3339 times and impossible ones, and
 * keyword searches of FTS syntax, stray quotes and parentheses, control characters and lengths and
 * term counts on both sides of the limits.
 */
const SEED = 20_260_214;

/** Cases per family: the costly families (megabytes a case) get fewer. */
const FAMILIES = [
  { family: 'tag-filters', cases: 150 },
  { family: 'huge-batches', cases: 30 },
  { family: 'session-metadata', cases: 10 },
  { family: 'odd-times', cases: 300 },
  { family: 'search-queries', cases: 300 },
] as const;

const DRIVERS = [
  { driver: 'sqlite', skip: null },
  { driver: 'postgres', skip: TEST_POSTGRES_URL === undefined ? POSTGRES_SKIP_REASON : null },
  { driver: 'arc', skip: null },
] as const;

describe.each(DRIVERS)(`HttpApi.fuzzProbes on $driver`, ({ driver, skip }) => {
  it.skipIf(skip !== null).each(FAMILIES)(
    `answers every $family probe as the limits say, with no 5xx and no stall, when run on ${driver}`,
    async ({ family, cases }) => {
      // Act
      const figures = await runFuzz({
        cases,
        seed: SEED,
        driver,
        probes: 'only',
        families: [family],
      });

      // Assert
      expect(figures.failures, figures.failures.join('\n')).toEqual([]);
      expect(figures.cases).toBe(cases);
      expect(figures.byProbe[family]).toBe(cases);
    },
    180_000,
  );
});
