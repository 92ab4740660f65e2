// Timing, a bounded concurrent loader, a keep-alive HTTP client, and process memory readings.
/* global Buffer, clearInterval, process, setInterval, setTimeout */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const round = (x, digits = 3) => {
  if (!Number.isFinite(x)) return null;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};
export { round };

/** Nearest-rank percentile of an ascending array. */
export const percentile = (sorted, p) =>
  sorted.length === 0 ? null : sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];

/** p50/p95/p99/max/mean (ms) of latency samples. */
export function summarize(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / Math.max(1, s.length);
  return {
    n: s.length,
    p50: round(percentile(s, 50)),
    p95: round(percentile(s, 95)),
    p99: round(percentile(s, 99)),
    max: round(s[s.length - 1]),
    mean: round(mean),
  };
}

/**
 * Runs `fn(i)` for i = 0..count-1 on `concurrency` workers, each awaiting its own calls one after
 * another, after `warmup` untimed calls. Stops early at `maxMs` of timed work.
 * `fn` returns the number of rows it wrote/read (default 1) or throws (counted as an error).
 * With `serverPid`, also the CPU time that process spent per timed call.
 * @returns latency summary of the timed calls, calls/s and rows/s over the timed wall time, and
 *   CPU ms per timed call of this process (and of the server)
 */
export async function runLoad({
  concurrency,
  count,
  warmup = 0,
  maxMs = Infinity,
  fn,
  serverPid = null,
}) {
  let next = 0;
  const take = async (limit, record) => {
    const worker = async () => {
      for (;;) {
        const i = next++;
        if (i >= limit || (record && performance.now() - record.t0 > maxMs)) return;
        const t0 = performance.now();
        try {
          const rows = await fn(i);
          if (record) {
            record.lat.push(performance.now() - t0);
            record.rows += typeof rows === 'number' ? rows : 1;
          }
        } catch (e) {
          if (record) {
            record.errors++;
            record.firstError ??= String(e?.message ?? e).slice(0, 300);
          }
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  };
  await take(warmup, null);
  // Each worker drew one index past the warm-ups before it stopped: the timed calls start at
  // `warmup`, so none of them is skipped.
  next = warmup;
  const record = { lat: [], rows: 0, errors: 0, firstError: undefined, t0: performance.now() };
  const cpu0 = selfCpuMs();
  const server0 = serverPid ? procCpuMs(serverPid) : NaN;
  await take(warmup + count, record);
  const seconds = (performance.now() - record.t0) / 1000;
  const calls = record.lat.length + record.errors;
  const cpu = {
    // this process: the in-process lanes' whole cost, or the HTTP client's
    selfCpuMsPerCall: round((selfCpuMs() - cpu0) / Math.max(1, calls)),
    ...(serverPid
      ? { serverCpuMsPerCall: round((procCpuMs(serverPid) - server0) / Math.max(1, calls)) }
      : {}),
  };
  return {
    concurrency,
    calls: record.lat.length,
    rows: record.rows,
    seconds: round(seconds),
    callsPerSecond: round(record.lat.length / seconds, 1),
    rowsPerSecond: round(record.rows / seconds, 1),
    latencyMs: summarize(record.lat),
    ...cpu,
    errors: record.errors,
    ...(record.firstError ? { firstError: record.firstError } : {}),
  };
}

/** A keep-alive HTTP/1.1 client for one server, at most `sockets` connections. */
export function httpClient(port, key, sockets = 64) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  const request = (method, path, body) =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(body);
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method,
          path,
          agent,
          headers: {
            'x-api-key': key,
            ...(payload
              ? { 'content-type': 'application/json', 'content-length': payload.length }
              : {}),
          },
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  return { request, close: () => agent.destroy() };
}

/**
 * CPU time (user + system, ms) a process has used so far, from /proc/<pid>/stat (clock ticks of
 * 10 ms). Unlike wall time it barely moves with what else the machine runs.
 */
export function procCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return NaN;
  }
}

/** This process's CPU time (user + system, ms). */
export const selfCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** VmRSS and VmHWM (MB) of a process, from /proc. */
export function procMemory(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
    return { rssMB: round(kb('VmRSS') / 1024, 1), hwmMB: round(kb('VmHWM') / 1024, 1) };
  } catch {
    return { rssMB: null, hwmMB: null };
  }
}

/** Samples this process's RSS after every call and every 20 ms, as peer-baselines.md does. */
export function rssSampler() {
  let peak = process.memoryUsage.rss();
  const sample = () => {
    const r = process.memoryUsage.rss();
    if (r > peak) peak = r;
  };
  const timer = setInterval(sample, 20);
  timer.unref();
  return {
    sample,
    stop: () => {
      clearInterval(timer);
      sample();
      return {
        peakSampledMB: round(peak / 2 ** 20, 1),
        maxRssMB: round(process.resourceUsage().maxRSS / 1024, 1),
      };
    },
    nowMB: () => round(process.memoryUsage.rss() / 2 ** 20, 1),
  };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
