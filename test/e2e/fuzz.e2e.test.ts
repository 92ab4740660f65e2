import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { runFuzz } from '../support/fuzz-run.js';
import { POSTGRES_SKIP_REASON, TEST_POSTGRES_URL } from '../support/postgres-harness.js';

/** The bounded CI run of `npm run fuzz`: same generators, fewer cases, a fixed seed. */
const CASES = 2_000;
const SEED = 20_260_213;

/** Every storage driver: PostgreSQL in a schema of its own, Arc on the DuckDB stand-in. */
const DRIVERS = [
  { driver: 'sqlite', skip: null },
  { driver: 'postgres', skip: TEST_POSTGRES_URL === undefined ? POSTGRES_SKIP_REASON : null },
  { driver: 'arc', skip: null },
] as const;

describe.each(DRIVERS)('HttpApi.fuzz on $driver', ({ driver, skip }) => {
  it.skipIf(skip !== null)(
    `answers ${CASES} generated requests over every route with no 5xx and no hang, and reads back every accepted write byte-identical when run on ${driver}${skip ? ` (skipped: ${skip})` : ''}`,
    async () => {
      // Act
      const figures = await runFuzz({ cases: CASES, seed: SEED, driver });

      // Assert
      expect(figures.failures).toEqual([]);
      expect(figures.cases).toBe(CASES);
      expect(figures.routes).toBeGreaterThanOrEqual(20);
      expect(figures.byStatus[201] ?? 0).toBeGreaterThan(20);
      expect(figures.readBacks).toBeGreaterThan(20);
      expect(Object.keys(figures.byStatus).filter((s) => Number(s) >= 500)).toEqual([]);
    },
    120_000,
  );
});
