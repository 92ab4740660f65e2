import { runSoak } from '../support/soak-run.js';
import { SERVER_DRIVERS } from '../support/server-drivers.js';

/**
 * `npm run soak [-- <duration> <rate> <driver>]`: mixed traffic at a fixed rate against a real
 * server on 127.0.0.1; default 5m at 100 requests/s on sqlite. Durations: `90s`, `5m`, `1h`.
 */
function parseDuration(text: string): number {
  const m = /^(\d+)(s|m|h)$/.exec(text);
  if (!m) throw new Error(`duration must look like 90s, 5m or 1h, got '${text}'`);
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 's' | 'm' | 'h'];
}

const durationMs = parseDuration(process.argv[2] ?? process.env.SOAK_DURATION ?? '5m');
const ratePerSecond = Number(process.argv[3] ?? process.env.SOAK_RATE ?? 100);
const driverName = process.argv[4] ?? 'sqlite';
const driver = SERVER_DRIVERS.find((d) => d.name === driverName);
if (!driver?.enabled)
  throw new Error(`driver ${driverName} cannot run here: ${driver?.reason ?? 'unknown'}`);
const windowMs = Math.min(60_000, durationMs);

console.log(
  `soak: ${durationMs / 1000} s at ${ratePerSecond} requests/s on ${driverName}, windows of ${windowMs / 1000} s`,
);
console.log('window | requests | errors | p50 ms | p99 ms | max ms | server RSS MiB');
const f = await runSoak({
  driver,
  durationMs,
  ratePerSecond,
  windowMs,
  progress: (w) =>
    console.log(
      `${w.index} | ${w.requests} | ${w.errors} | ${w.p50Ms} | ${w.p99Ms} | ${w.maxMs} | ${w.rssMb}`,
    ),
});
console.log(
  `soak: requests ${f.requests}, errors ${f.errors}, p99 per window [${f.windows.map((w) => w.p99Ms).join(', ')}] ms, ` +
    `RSS start ${f.rssStartMb} MiB, end ${f.rssEndMb} MiB, keep-alive resends ${f.keepAliveRetries}`,
);
for (const e of f.errorSamples) console.log(`ERROR: ${e}`);
process.exit(f.errors === 0 ? 0 : 1);
