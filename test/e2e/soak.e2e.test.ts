import { describe, expect, it } from 'vitest';
import { sqliteDriver } from '../support/server-drivers.js';
import { runSoak } from '../support/soak-run.js';

/** The bounded CI version of `npm run soak`: seconds, not minutes, and no timing assertions. */
describe('Server.soak', () => {
  it('answers every request of 4 s of mixed traffic at 50 requests/s without an error', async () => {
    // Act
    const figures = await runSoak({
      driver: sqliteDriver,
      durationMs: 4_000,
      ratePerSecond: 50,
      windowMs: 2_000,
    });

    // Assert
    expect(figures.errorSamples).toEqual([]);
    expect(figures.errors).toBe(0);
    expect(figures.requests).toBeGreaterThanOrEqual(190);
    expect(figures.windows.length).toBeGreaterThanOrEqual(2);
  }, 60_000);
});
