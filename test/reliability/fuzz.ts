import { runFuzz } from '../support/fuzz-run.js';

/** `npm run fuzz [-- <cases> <driver> <seed>]`: ≥ 100,000 generated requests, default on sqlite. */
const cases = Number(process.argv[2] ?? 100_000);
const driver = process.argv[3] ?? 'sqlite';
const seed = Number(process.argv[4] ?? Date.now() % 2 ** 31);
const started = Date.now();
console.log(`fuzzing ${cases} cases on ${driver} with seed ${seed}`);
const f = await runFuzz({
  cases,
  seed,
  driver,
  progress: (done) => console.log(`${done} cases, ${Math.round((Date.now() - started) / 1000)} s`),
});
const fivexx = Object.entries(f.byStatus)
  .filter(([s]) => Number(s) >= 500)
  .reduce((n, [, c]) => n + c, 0);
console.log(
  `fuzz cases run ${f.cases}, requests ${f.requests}, routes ${f.routes}, read-backs ${f.readBacks}, ` +
    `5xx ${fivexx}, failures ${f.failures.length} (${Math.round((Date.now() - started) / 1000)} s)`,
);
console.log(`statuses ${JSON.stringify(f.byStatus)}`);
for (const failure of f.failures) console.log(`FAILURE (seed ${seed}): ${failure}`);
process.exit(f.failures.length === 0 && f.cases >= cases ? 0 : 1);
