import { describe, expect, it } from 'vitest';
import { runLoad } from '../../../bench/lib/measure.mjs';
import {
  growthRows,
  growthTargets,
  keySizes,
  ownCpuMs,
  readTargets,
  targets,
  writeTargets,
} from '../../../bench/lib/targets.mjs';

const lat = (p50: number, p99: number) => ({ latencyMs: { n: 100, p50, p95: p99, p99 } });
const batch = (rowsPerSecond: number) => ({ batch_1000_c2: { rowsPerSecond } });

/** An HTTP + adapter + bare read lane set with the given p50/p99 for every query kind. */
function readLanes(p50: number, p99: number, extra: Record<string, unknown> = {}) {
  const http: Record<string, unknown> = {};
  const bare: Record<string, unknown> = {};
  for (const k of ['q1', 'q2', 'q3', 'q4']) {
    http[k] = lat(p50, p99);
    bare[`${k}_with_count`] = lat(p50 / 2, p99 / 2);
  }
  return { http: { ...http, ...extra }, bare, adapter: {} };
}

function readJob(driver: string, n: number, result: Record<string, unknown>) {
  const job: {
    kind: string;
    driver: string;
    n: number;
    status: string;
    result: Record<string, unknown>;
  } = {
    kind: 'read',
    driver,
    n,
    status: 'ok',
    result: { context: 0, ...result },
  };
  return job;
}

describe('the write targets', () => {
  const lanes = {
    http: { ...batch(5_000), single_c8: lat(4, 12) },
    bare: { ...batch(6_000), single_c1: lat(3, 8) },
    minimal: batch(30_000),
    minimal_search: batch(9_000),
  };

  it('compares HTTP ingest with the minimal table with search (0.5×) and memtrace’s schema (0.8×)', () => {
    const rows = writeTargets('sqlite', lanes);
    const minimal = rows.find((r) => r.target.includes('minimal table with the same'));
    const own = rows.find((r) => r.target.includes("memtrace's own schema"));
    expect(minimal).toMatchObject({ measured: '5,000 vs 9,000 rows/s = 0.56×', met: true });
    expect(own).toMatchObject({ measured: '5,000 vs 6,000 rows/s = 0.83×', met: true });
    const slower = writeTargets('sqlite', { ...lanes, http: { ...batch(4_400) } });
    expect(slower.find((r) => r.target.includes('minimal table with the same'))?.met).toBe(false);
    expect(slower.find((r) => r.target.includes("memtrace's own schema"))?.met).toBe(false);
  });

  it('reports the search indexes’ own cost beside them, with no target', () => {
    const cost = writeTargets('sqlite', lanes).find((r) => r.target.includes('own write cost'));
    expect(cost).toMatchObject({ measured: '30,000 → 9,000 rows/s = 0.30×', met: null });
  });

  it('holds the single insert p99 at concurrency 8 to 2× the bare single commit', () => {
    const single = (p99: number) =>
      writeTargets('sqlite', { ...lanes, http: { single_c8: lat(2, p99) } }).find((r) =>
        r.target.includes('single insert'),
      );
    expect(single(16)).toMatchObject({ measured: '16.0 vs 8.00 ms = 2.00×', met: true });
    expect(single(16.5)?.met).toBe(false);
  });

  it('leaves out a target whose lanes did not run', () => {
    expect(writeTargets('sqlite', { http: batch(5_000) })).toEqual([]);
  });

  it('counts the write targets as the issue’s on SQLite only', () => {
    const report = {
      jobs: ['sqlite', 'postgres'].map((driver) => ({
        kind: 'write',
        driver,
        status: 'ok',
        result: { lanes },
      })),
    };
    const rows = targets(report).filter((r) => r.target.includes('two clients'));
    expect(rows.map((r) => [r.target.split(':')[0], r.issue])).toEqual([
      ['SQLite', true],
      ['SQLite', true],
      ['PostgreSQL', false],
      ['PostgreSQL', false],
    ]);
  });
});

describe('the read targets', () => {
  it('checks the sizes 100k and 1M, else the largest', () => {
    const at = (...sizes: number[]) => ({
      jobs: sizes.map((n) => readJob('sqlite', n, { lanes: readLanes(1, 2) })),
    });
    expect(keySizes(at(10_000, 50_000), 'sqlite')).toEqual([50_000]);
    expect(keySizes(at(100_000, 1_000_000), 'sqlite')).toEqual([100_000, 1_000_000]);
    expect(keySizes(at(10_000, 100_000, 1_000_000, 5_000_000), 'sqlite')).toEqual([
      100_000, 1_000_000, 5_000_000,
    ]);
    // a size that ran only q1 and q2 (the peers' cross-check) is not a read-target size
    const crossCheck = at(100_000);
    crossCheck.jobs.push(readJob('sqlite', 300_000, { lanes: { http: { q1: lat(1, 2) } } }));
    expect(keySizes(crossCheck, 'sqlite')).toEqual([100_000]);
  });

  it('takes memtrace’s own CPU as HTTP server − adapter − floor', () => {
    const lanes = {
      http: { q1: { serverCpuMsPerCall: 1.2 }, q1_floor: { serverCpuMsPerCall: 0.4 } },
      adapter: { q1: { selfCpuMsPerCall: 0.5 } },
    };
    expect(ownCpuMs(lanes, 'q1')).toBeCloseTo(0.3, 10);
    expect(ownCpuMs(lanes, 'get')).toBeNull();
  });

  it('holds p99 to 3× p50, own CPU to 0.3 ms and PostgreSQL to 1.5× the bare page + count', () => {
    const cpu = (server: number) => ({
      q1: { ...lat(1, 2.9), serverCpuMsPerCall: server },
      q2: { ...lat(1, 2.9), serverCpuMsPerCall: server },
      get: { ...lat(0.5, 1), serverCpuMsPerCall: server },
      q1_floor: { serverCpuMsPerCall: 0.2 },
      q2_floor: { serverCpuMsPerCall: 0.2 },
      get_floor: { serverCpuMsPerCall: 0.2 },
    });
    const adapter = { q1: { selfCpuMsPerCall: 0.3 }, q2: { selfCpuMsPerCall: 0.3 } };
    const lanes = readLanes(1, 2.9, cpu(0.7));
    const report = {
      jobs: [
        readJob('postgres', 100_000, {
          lanes: { ...lanes, adapter: { ...adapter, get: { selfCpuMsPerCall: 0.3 } } },
        }),
      ],
    };
    const rows = readTargets(report, 'postgres');
    expect(rows.map((r) => r.met)).toEqual([true, true, false]);
    expect(rows[0]?.measured).toBe('q1 2.9×, q2 2.9×, q3 2.9×, q4 2.9×');
    expect(rows[1]?.measured).toBe('list 0.20 ms, search 0.20 ms, get 0.20 ms');
    // bare page + count answers at half the HTTP latency in readLanes: 2×
    expect(rows[2]?.measured).toBe('q1 2.00×, q2 2.00×, q3 2.00×, q4 2.00×');
    // get's adapter lane missing: the CPU target cannot be met on list and search alone
    report.jobs[0]!.result['lanes'] = { ...lanes, adapter };
    expect(readTargets(report, 'postgres')[1]).toMatchObject({
      measured: 'list 0.20 ms, search 0.20 ms',
      met: false,
    });
    // one tail past 3×
    const tail = readLanes(1, 2.9, { q3: lat(1, 3.1) });
    report.jobs[0]!.result['lanes'] = tail;
    expect(readTargets(report, 'postgres')[0]?.met).toBe(false);
  });
});

describe('growth', () => {
  const sizes = [10_000, 100_000, 1_000_000, 5_000_000];
  const report = (driver: string, ingest: number[], p99: number[], peak: number) => ({
    jobs: sizes.map((n, i) =>
      readJob(driver, n, {
        lanes: readLanes(1, p99[i]!),
        ingest: { rowsPerSecond: ingest[i] },
        disk: { bytesPerMemory: 1000 + i },
        server: {
          afterStart: { rssMB: 100 },
          afterQueries: { hwmMB: 150 },
          afterIngest: { hwmMB: peak },
        },
        load: { rowsPerSecond: 10_000 },
      }),
    ),
  });

  it('has one row per size, ascending, with the peak RSS of the queries and the ingest', () => {
    const rows = growthRows(
      report('sqlite', [5000, 5000, 4000, 3000], [2, 2, 3, 4], 240),
      'sqlite',
    );
    expect(rows.map((r) => r.n)).toEqual(sizes);
    expect(rows[3]).toMatchObject({
      ingestRowsPerSecond: 3000,
      bytesPerMemory: 1003,
      rssAfterStartMB: 100,
      rssPeakMB: 240,
      queries: { q1: { p50: 1, p99: 4 }, get: null },
    });
  });

  it('holds the largest size to 0.6× the ingest at 10k, 2× the p99 at 100k and 250 MB', () => {
    const met = growthTargets(
      report('sqlite', [5000, 5000, 4000, 3000], [2, 2, 3, 4], 250),
      'sqlite',
    );
    expect(met.map((r) => [r.measured, r.met, r.issue])).toEqual([
      ['3,000 vs 5,000 rows/s = 0.60×', true, true],
      ['q1 2.00×, q2 2.00×, q3 2.00×, q4 2.00×', true, true],
      ['250 MB', true, true],
    ]);
    const missed = growthTargets(
      report('sqlite', [5000, 5000, 4000, 2999], [2, 2, 3, 4.1], 251),
      'sqlite',
    );
    expect(missed.map((r) => r.met)).toEqual([false, false, false]);
  });

  it('counts growth as the issue’s target only at 5M on SQLite', () => {
    const pg = growthTargets(
      report('postgres', [5000, 5000, 4000, 3000], [2, 2, 3, 4], 200),
      'postgres',
    );
    expect(pg.every((r) => r.issue === false)).toBe(true);
    const small = report('sqlite', [5000, 5000, 4000, 3000], [2, 2, 3, 4], 200);
    small.jobs = small.jobs.slice(0, 2);
    const rows = growthTargets(small, 'sqlite');
    expect(rows.map((r) => r.issue)).toEqual([false, false]);
    expect(rows[0]?.target).toContain('at 100,000, HTTP batch ingest ≥ 0.6× its rate at 10,000');
  });
});

describe('runLoad', () => {
  it('times every call after the warm-ups at any concurrency, none skipped', async () => {
    const seen: number[] = [];
    const r = await runLoad({
      concurrency: 2,
      count: 3,
      warmup: 2,
      fn: async (i) => {
        seen.push(i);
        await new Promise((resolve) => setTimeout(resolve, 1));
        return 1000;
      },
    });
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4]);
    expect(r).toMatchObject({ calls: 3, rows: 3000, errors: 0 });
  });
});

describe('the context target', () => {
  it('reads the context of the largest size that ran it', () => {
    const job = (n: number, p99: number) =>
      readJob('sqlite', n, {
        context: 10_000,
        lanes: readLanes(1, 2, { context: lat(p99 / 2, p99) }),
      });
    const row = targets({ jobs: [job(10_000, 10), job(1_000_000, 30)] }).find((r) =>
      r.target.includes('context of a 10,000-memory session'),
    );
    expect(row).toMatchObject({ measured: '30.0 ms', met: false });
  });
});

describe('the peer targets', () => {
  it('are left out of a run without peers, and say "not measured" in one whose peer did not run', () => {
    const sqlite = readJob('sqlite', 100_000, { lanes: readLanes(1, 2) });
    const peerRows = (jobs: unknown[]) =>
      targets({ jobs }).filter((r) => r.target.includes('faster than'));
    expect(peerRows([sqlite])).toEqual([]);
    const skipped = { kind: 'peer', peer: 'mem0', n: 100_000, status: 'skipped', reason: 'opt-in' };
    const rows = peerRows([sqlite, skipped]);
    expect(rows).toHaveLength(4);
    expect(rows.find((r) => r.target.includes('mem0'))).toMatchObject({
      measured: 'not measured: opt-in',
      met: null,
    });
  });
});
