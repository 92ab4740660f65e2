import { runFuzz } from '../support/fuzz-run.js';
import { PROBE_FAMILIES } from '../support/fuzz/probes.js';

/**
 * `npm run fuzz [-- <cases> <driver> <seed>]`: ≥ 100,000 generated requests (one in 20 a probe
 * of the documented limits), default on sqlite. Drivers: sqlite, postgres (a schema of its own on
 * MEMTRACE_TEST_POSTGRES_URL, dropped at the end), arc (the DuckDB stand-in, started here).
 * MEMTRACE_FUZZ_PROBES=off|mixed|only and MEMTRACE_FUZZ_FAMILIES=a,b narrow a run to the
 * general cases or to some probe families; up to 25 failing cases are listed.
 */
const cases = Number(process.argv[2] ?? 100_000);
const driver = process.argv[3] ?? 'sqlite';
const seed = Number(process.argv[4] ?? Date.now() % 2 ** 31);
const probes = (process.env.MEMTRACE_FUZZ_PROBES ?? 'mixed') as 'off' | 'mixed' | 'only';
if (!['off', 'mixed', 'only'].includes(probes)) {
  console.error(`fuzz: MEMTRACE_FUZZ_PROBES is off, mixed or only, not '${probes}'`);
  process.exit(2);
}
const families = process.env.MEMTRACE_FUZZ_FAMILIES?.split(',') ?? PROBE_FAMILIES;
const started = Date.now();
console.log(
  `fuzzing ${cases} cases on ${driver} with seed ${seed} (probes ${probes}: ${families.join(', ')})`,
);
const f = await runFuzz({
  cases,
  seed,
  driver,
  probes,
  families,
  maxFailures: 25,
  progress: (done) => console.log(`${done} cases, ${Math.round((Date.now() - started) / 1000)} s`),
}).catch((e: unknown) => {
  // No store to fuzz (an unknown driver, no MEMTRACE_TEST_POSTGRES_URL): say so, no stack.
  console.error(`fuzz: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(2);
});
const fivexx = Object.entries(f.byStatus)
  .filter(([s]) => Number(s) >= 500)
  .reduce((n, [, c]) => n + c, 0);
console.log(
  `fuzz cases run ${f.cases}, requests ${f.requests}, routes ${f.routes}, read-backs ${f.readBacks}, ` +
    `5xx ${fivexx}, failures ${f.failures.length} (${Math.round((Date.now() - started) / 1000)} s)`,
);
console.log(`statuses ${JSON.stringify(f.byStatus)}`);
console.log(`probe cases ${JSON.stringify(f.byProbe)}`);
const slowest = Object.entries(f.slowestMs)
  .sort(([, a], [, b]) => b - a)
  .slice(0, 5);
console.log(`slowest answers ${slowest.map(([r, ms]) => `${r} ${ms} ms`).join(', ')}`);
for (const failure of f.failures) console.log(`FAILURE (seed ${seed}): ${failure}`);
process.exit(f.failures.length === 0 && f.cases >= cases ? 0 : 1);
