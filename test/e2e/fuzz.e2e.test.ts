import { describe, expect, it } from 'vitest';
import { runFuzz } from '../support/fuzz-run.js';

/** The bounded CI run of `npm run fuzz`: same generators, fewer cases, a fixed seed. */
const CASES = 2_000;
const SEED = 20_260_213;

describe('HttpApi.fuzz', () => {
  it(`answers ${CASES} generated requests over every route with no 5xx and no hang, and reads back every accepted write byte-identical when run on sqlite`, async () => {
    // Act
    const figures = await runFuzz({ cases: CASES, seed: SEED, driver: 'sqlite' });

    // Assert
    expect(figures.failures).toEqual([]);
    expect(figures.cases).toBe(CASES);
    expect(figures.routes).toBeGreaterThanOrEqual(20);
    expect(figures.byStatus[201] ?? 0).toBeGreaterThan(20);
    expect(figures.readBacks).toBeGreaterThan(20);
    expect(Object.keys(figures.byStatus).filter((s) => Number(s) >= 500)).toEqual([]);
  }, 120_000);
});
