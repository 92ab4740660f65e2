// Renders a benchmark run (results/<run>.json) as markdown tables and an SVG chart, and can put
// both into docs/benchmark.md between `<!-- bench:start -->` and `<!-- bench:end -->`.
//   node bench/report.mjs bench/results/<run>.json [--readme]
// writes bench/results/<run>.md and bench/results/<run>.svg next to the JSON.
/* global console, process */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  DRIVER,
  fmt,
  growthRows,
  lat,
  maxReadN,
  n,
  PEER,
  peers,
  rate,
  readAt,
  reads,
  targets,
  writes,
} from './lib/targets.mjs';

export { targets };

export function renderMarkdown(report, { svg } = {}) {
  const e = report.environment;
  const out = [];
  const p = (...l) => out.push(...l);
  p(
    `## memtrace benchmark run ${report.run}`,
    '',
    `${report.mode} run, ${report.startedAt} → ${report.finishedAt} (${fmt(report.totalSeconds / 60, 1)} min). ` +
      `${e.cpus} × ${e.cpuModel}, ${e.memoryGiB} GiB, ${e.platform}, Node ${e.node}; ` +
      `memtrace ${e.memtraceVersion} @ ${e.memtraceCommit}${e.memtraceUncommittedFiles ? ` + ${e.memtraceUncommittedFiles} uncommitted files` : ''} (${e.server === 'build' ? 'compiled by tsc' : 'tsx'}); ` +
      `SQLite ${e.sqlite}; ${String(e.postgres).split(' on ')[0]} (shared_buffers ${e.postgresSettings?.shared_buffers}, synchronous_commit ${e.postgresSettings?.synchronous_commit}); ` +
      `load average ${e.loadavgStart?.join(' ')} at start, ${e.loadavgEnd?.join(' ')} at end.`,
    '',
  );
  if (svg) p(`![memtrace and its peers](${svg})`, '');

  const t = targets(report);
  const table = (title, rows) => {
    if (!rows.length) return;
    p(title, '', '| Target | Measured | Met |', '|---|---:|:---:|');
    for (const r of rows)
      p(`| ${r.target} | ${r.measured} | ${r.met === null ? '—' : r.met ? 'yes' : '**no**'} |`);
    p('');
  };
  table(
    '### Targets',
    t.filter((r) => r.issue),
  );
  table(
    "### Further yardsticks (memtrace's own, not the issue's targets)",
    t.filter((r) => !r.issue),
  );

  if (writes(report).length) {
    p(
      '### Writes (W1 single insert, W2 batch insert)',
      '',
      'rows/s over the timed calls, then latency per call p50 / p95 / p99 ms. Each lane starts from an empty store.',
      '',
      '| Driver | Workload | HTTP (memtrace server) | service in-process | adapter in-process | bare driver | bare, minimal table | bare, minimal table + search indexes |',
      '|---|---|---:|---:|---:|---:|---:|---:|',
    );
    for (const w of writes(report)) {
      const L = w.result.lanes;
      for (const ph of w.result.phases) {
        const cell = (lane) => {
          const r = L[lane]?.[ph.name];
          if (!r) return '—';
          return `${rate(r.rowsPerSecond)} rows/s · ${lat(r.latencyMs)}${r.errors ? ` · **${r.errors} errors**` : ''}`;
        };
        const label =
          ph.kind === 'single'
            ? `W1 single, concurrency ${ph.concurrency} (${n(ph.count)} calls)`
            : `W2 batch of ${n(ph.size)}, ${ph.concurrency === 1 ? 'concurrency 1' : `${ph.concurrency} clients`} (${n(ph.count)} calls)`;
        p(
          `| ${DRIVER[w.driver]} | ${label} | ${cell('http')} | ${cell('service')} | ${cell('adapter')} | ${cell('bare')} | ${cell('minimal')} | ${cell('minimal_search')} |`,
        );
      }
    }
    p(
      '',
      'Bare SQLite is one synchronous connection: concurrency only queues calls. Bare Postgres uses a pool of 10 (as memtrace does).',
      '',
      `Minimal table (W2 only, after the W1 items loaded untimed): ${report.conditions?.minimal ?? 'see bench/lib/minimal.mjs'}`,
      '',
    );
    // Every write job that looked for search objects (searchObjects: what it dropped, maybe none).
    const costed = writes(report).filter((w) => w.result.searchObjects !== undefined);
    if (costed.length) {
      p(
        '### What the search indexes cost a write (same run)',
        '',
        "rows/s on the schema memtrace's migrations create (with the full-text and trigram search objects) against the same schema with them dropped (SQLite: the FTS5 tables and triggers; PostgreSQL: the GIN indexes over text, and for the bare lane the tsvector column too, which memtrace's server writes itself), each lane from an empty store.",
        '',
        '| Driver | Workload | bare: without → with | change | HTTP: without → with | change |',
        '|---|---|---:|---:|---:|---:|',
      );
      for (const w of costed) {
        const L = w.result.lanes;
        for (const ph of w.result.phases) {
          const pair = (a, b) => {
            const x = L[a]?.[ph.name]?.rowsPerSecond;
            const y = L[b]?.[ph.name]?.rowsPerSecond;
            if (!x || !y) return ['—', '—'];
            return [
              `${rate(x)} → ${rate(y)}`,
              `${y >= x ? '+' : ''}${fmt((100 * (y - x)) / x, 0)}%`,
            ];
          };
          const [b, bc] = pair('bare_nosearch', 'bare');
          const [h, hc] = pair('http_nosearch', 'http');
          p(`| ${DRIVER[w.driver]} | ${ph.name} | ${b} | ${bc} | ${h} | ${hc} |`);
        }
      }
      const dropped = costed.map(
        (w) =>
          `${DRIVER[w.driver]}: ${w.result.searchObjects.join(', ') || 'none (no search objects in its schema: "with" and "without" are the same schema, so only "with" ran)'}`,
      );
      p('', `Dropped for "without": ${dropped.join('; ')}.`, '');
    }
  }

  if (reads(report).length) {
    p(
      '### Reads (W3): latency p50 / p95 / p99 ms, one query at a time',
      '',
      '| Driver | N stored | Query | HTTP (memtrace server) | HTTP, include_count=false | service in-process | adapter: page + count | adapter: find only | bare: page + count | bare: page | avg rows | violations | checksum |',
      '|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    );
    for (const j of reads(report)) {
      const L = j.result.lanes;
      for (const [k, label] of [
        ['q1', 'q1 list: agent+session+type+since'],
        ['q2', 'q2 search: tag+importance≥0.5'],
        ['q3', 'q3 search: q2+content_contains'],
        ['q4', 'q4 ranked search: query of 1-2 words, best first'],
        ['get', 'get: one memory by id'],
      ]) {
        if (!['http', 'service', 'adapter', 'bare'].some((l) => L[l]?.[k])) continue;
        const all = ['http', 'service', 'adapter', 'bare'].flatMap((l) =>
          ['', '_nocount', '_with_count'].map((suffix) => L[l]?.[`${k}${suffix}`]).filter(Boolean),
        );
        const v = all.reduce((s, r) => s + (r.violations ?? 0), 0);
        const errs = all.reduce((s, r) => s + (r.errors ?? 0), 0);
        const compared = ['http', 'service', 'adapter', 'bare']
          .map((l) => L[l]?.[k])
          .filter(Boolean);
        const sums = [...new Set(compared.map((r) => r.checksum).filter(Boolean))];
        // A kind that hit its time cap ran a different number of queries per lane: the checksums
        // then cover different query sets and cannot agree, whatever the answers.
        const counts = new Set(compared.map((r) => r.latencyMs?.n));
        const checksumCell =
          sums.length === 1
            ? `\`${sums[0]}\``
            : counts.size > 1
              ? `not comparable (lanes ran ${[...counts].join(' / ')} queries)`
              : `**differ: ${sums.join(', ')}**`;
        const short = (r) =>
          r ? `${lat(r.latencyMs)}${r.truncated ? ` (n=${r.latencyMs.n})` : ''}` : '—';
        p(
          `| ${DRIVER[j.driver]} | ${n(j.n)} | ${label} | ${short(L.http?.[k])} | ${short(L.http?.[`${k}_nocount`])} | ${short(L.service?.[k])} | ${short(L.adapter?.[k])} | ${short(L.adapter?.[`${k}_nocount`])} | ${short(L.bare?.[`${k}_with_count`])} | ${short(L.bare?.[k])} | ${fmt(L.http?.[k]?.avgRows ?? L.adapter?.[k]?.avgRows)} | ${v}${errs ? ` (+${errs} errors)` : ''} | ${checksumCell} |`,
        );
      }
    }
    const floors = reads(report).filter((j) => j.result.lanes.http?.q1_floor);
    if (floors.length) {
      p(
        '',
        '**HTTP floor**: the same requests to a bare `node:http` server (no framework) that answers the largest real response of the kind, byte for byte: what HTTP alone costs on this machine.',
        '',
        '| Driver | N stored | q1 floor p50 / p95 / p99 ms (response bytes) | q2 floor p50 / p95 / p99 ms (response bytes) | memtrace q1 / q2 p50 ms over the floor |',
        '|---|---:|---:|---:|---:|',
      );
      for (const j of floors) {
        const h = j.result.lanes.http;
        p(
          `| ${DRIVER[j.driver]} | ${n(j.n)} | ${lat(h.q1_floor.latencyMs)} (${n(h.q1_floor.bytes)}) | ${lat(h.q2_floor.latencyMs)} (${n(h.q2_floor.bytes)}) | +${fmt(h.q1.latencyMs.p50 - h.q1_floor.latencyMs.p50)} / +${fmt(h.q2.latencyMs.p50 - h.q2_floor.latencyMs.p50)} |`,
        );
      }
    }
    p(
      '',
      "violations: items that break the filter or the newest-first order (q4: items without every query word), summed over every column; checksum: FNV-1a over the returned items of every timed query, the same in every lane when they agree item for item (q4: when the lanes also rank alike). q3 is `content_contains` with the exact count; bare q3 is `instr()` (SQLite) / `position()` (PostgreSQL) over the tag index. q4 is a ranked keyword search; bare q4 is FTS5 `MATCH` ordered by `bm25()` (SQLite) or `tsvector @@ tsquery` ordered by `ts_rank_cd` (PostgreSQL) on the table or column memtrace's migrations create.",
      '',
    );
    const missing = reads(report).filter((j) => j.result.lanes.bare?.q4_unavailable);
    for (const j of missing) {
      p(
        `Bare q4 not run on ${DRIVER[j.driver]} at ${n(j.n)}: ${j.result.lanes.bare.q4_unavailable}.`,
        '',
      );
    }
    const rel = reads(report).filter((j) => j.result.relevance);
    if (rel.length) {
      p(
        '### Search quality: the relevance set (test/fixtures/relevance)',
        '',
        "313 memories written for memtrace and 40 queries, each with the 1-3 memories it must rank in its top 5, loaded through the HTTP API into a fresh org of the read job's server, next to its N memories. recall@5: expected memories ranked 1-5 over all expected; MRR: mean over the queries of 1 / the rank of the first expected memory.",
        '',
        '| Driver | N stored beside | recall@5 | MRR | queries | avg ms per query | missed (query → memory at rank) |',
        '|---|---:|---:|---:|---:|---:|---|',
      );
      for (const j of rel) {
        const r = j.result.relevance;
        if (r.error) {
          p(
            `| ${DRIVER[j.driver]} | ${n(j.n)} | — | — | — | — | failed: ${r.error.replaceAll('|', '/')} |`,
          );
          continue;
        }
        p(
          `| ${DRIVER[j.driver]} | ${n(j.n)} | ${fmt(r.recallAt5, 3)} | ${fmt(r.mrr, 3)} | ${r.queries} | ${fmt(r.queryMsAvg)} | ${r.misses.length ? r.misses.join('; ').replaceAll('|', '/') : 'none'} |`,
        );
      }
      p('');
    }
  }

  for (const driver of ['sqlite', 'postgres']) {
    const g = growthRows(report, driver);
    if (g.length < 2) continue;
    const q = (v) => (v ? `${fmt(v.p50)} / ${fmt(v.p99)}` : '—');
    p(
      `### Growth on ${DRIVER[driver]}: from ${n(g[0].n)} to ${n(g[g.length - 1].n)} memories`,
      '',
      '| N stored | ingest rows/s (HTTP, 1,000 per request, 2 clients) | q1 list p50 / p99 ms | q2 search | q3 search + content_contains | q4 ranked search | get by id | context p50 / p99 ms | disk bytes per memory | server RSS MB after start / peak | load rows/s |',
      '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const r of g) {
      p(
        `| ${n(r.n)} | ${rate(r.ingestRowsPerSecond)} | ${q(r.queries.q1)} | ${q(r.queries.q2)} | ${q(r.queries.q3)} | ${q(r.queries.q4)} | ${q(r.queries.get)} | ${q(r.context)} | ${fmt(r.bytesPerMemory, 0)} | ${fmt(r.rssAfterStartMB, 0)} / ${fmt(r.rssPeakMB, 0)} | ${rate(r.loadRowsPerSecond)} |`,
      );
    }
    p(
      '',
      `Each N is its own read job on a store loaded from empty. Ingest: ${report.conditions?.growth ?? 'HTTP batches of 1,000 from two clients into the loaded store'}. Queries and context: HTTP, one at a time, with the exact count. Disk: ${driver === 'sqlite' ? 'the SQLite file + WAL after the load and ANALYZE' : "every table of memtrace's schema (pg_total_relation_size: heap, indexes, TOAST) after the load and VACUUM ANALYZE"}, over the memories stored (N plus the context session's). RSS: the server's VmRSS after start; peak = VmHWM after the queries and the ingest.`,
      '',
    );
  }

  const cpuRows = [];
  for (const w of writes(report)) {
    for (const ph of w.result.phases) {
      cpuRows.push([
        DRIVER[w.driver],
        `W${ph.kind === 'single' ? 1 : 2} ${ph.name}`,
        w.result.lanes,
        ph.name,
      ]);
    }
  }
  for (const j of reads(report)) {
    for (const k of [
      'q1',
      'q1_nocount',
      'q1_floor',
      'q2',
      'q2_floor',
      'q3',
      'q3_nocount',
      'q4',
      'q4_nocount',
      'get',
      'get_floor',
      'context',
    ]) {
      if (j.result.lanes.http?.[k] || j.result.lanes.adapter?.[k]) {
        cpuRows.push([DRIVER[j.driver], `${n(j.n)}: ${k}`, j.result.lanes, k]);
      }
    }
  }
  if (cpuRows.length) {
    p(
      '### CPU per call (ms): less sensitive to a busy machine than wall time',
      '',
      '| Driver | Workload | HTTP: server process | HTTP: load generator | service in-process | adapter in-process | bare driver |',
      '|---|---|---:|---:|---:|---:|---:|',
    );
    for (const [d, label, L, k] of cpuRows) {
      const c = (lane, field = 'selfCpuMsPerCall') => fmt(L[lane]?.[k]?.[field]);
      p(
        `| ${d} | ${label} | ${c('http', 'serverCpuMsPerCall')} | ${c('http')} | ${c('service')} | ${c('adapter')} | ${c('bare')} |`,
      );
    }
    p(
      '',
      'user + system CPU time per timed call (/proc and process.cpuUsage, 10 ms ticks for the server). In-process lanes: the whole benchmark process (driver included; the PostgreSQL server is not counted).',
      '',
    );
  }

  const ctx = reads(report).filter((j) => j.result.context > 0);
  if (ctx.length) {
    p(
      '### Session context (W4) and the server process (W5)',
      '',
      '| Driver | N stored | context p50 / p95 / p99 ms: HTTP | service | adapter | bare: the same reads | memories in context | start-up ms | RSS MB after start / after queries (peak) |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const j of reads(report)) {
      const L = j.result.lanes;
      const s = j.result.server;
      p(
        `| ${DRIVER[j.driver]} | ${n(j.n + j.result.context)} | ${j.result.context ? lat(L.http?.context?.latencyMs) : '—'} | ${j.result.context ? lat(L.service?.context?.latencyMs) : '—'} | ${j.result.context ? lat(L.adapter?.context?.latencyMs) : '—'} | ${j.result.context ? lat(L.bare?.context?.latencyMs) : '—'} | ${j.result.context ? fmt(L.http?.context?.sample?.included, 0) : '—'} | ${fmt(s?.startupMs, 0)} | ${fmt(s?.afterStart?.rssMB, 0)} / ${fmt(s?.afterQueries?.rssMB, 0)} (${fmt(s?.afterQueries?.hwmMB, 0)}) |`,
      );
    }
    p(
      '',
      `Start-up: spawn to the first 200 from /ready (node, migrations check, bootstrap). Context: ${report.conditions.context}.`,
      '',
    );
  }

  if (peers(report).length || report.jobs.some((j) => j.kind === 'peer')) {
    p(
      '### Peers, driven as peer-baselines.md describes (same run, same data)',
      '',
      '| Peer | N | insert one-at-a-time /s (first 2,000) | insert rest /s (mode) | q1 p50 / p95 / p99 ms | q2 p50 / p95 / p99 ms | RSS MB after load / peak sampled / maxrss | wall s |',
      '|---|---:|---:|---|---:|---:|---:|---:|',
    );
    for (const j of report.jobs.filter((x) => x.kind === 'peer')) {
      if (j.status !== 'ok') {
        p(`| ${PEER[j.peer]} | ${n(j.n)} | ${j.status}: ${j.reason} | | | | | |`);
        continue;
      }
      const r = j.result;
      p(
        `| ${PEER[j.peer]} | ${n(j.n)} | ${rate(r.insert.oneAtATime.perSecond)} | ${rate(r.insert.rest.perSecond)} (${r.insert.rest.mode}) | ${lat(r.q1.latencyMs)} | ${lat(r.q2.latencyMs)} | ${fmt(r.memory.rssAfterLoadMB, 0)} / ${fmt(r.memory.peakSampledMB, 0)} / ${fmt(r.memory.maxRssMB, 0)} | ${fmt(j.wallSeconds, 1)} |`,
      );
    }
    p('');
    // cross-check
    const sizes = [...new Set(peers(report).map((j) => j.n))].sort((a, b) => a - b);
    if (sizes.length) {
      p(
        '### Correctness cross-check (q1 at the same N must return the same items in the same order everywhere)',
        '',
        '| System | N | q1 avg rows | q1 checksum | q1 violations | q2 avg rows | q2 violations |',
        '|---|---:|---:|---|---:|---:|---:|',
      );
      for (const size of sizes) {
        const rowsAt = [];
        for (const j of reads(report).filter((x) => x.n === size)) {
          for (const lane of ['http', 'service', 'adapter', 'bare']) {
            const L = j.result.lanes[lane];
            if (L) rowsAt.push([`memtrace ${lane} ${DRIVER[j.driver]}`, L.q1, L.q2]);
          }
        }
        for (const j of peers(report).filter((x) => x.n === size)) {
          rowsAt.push([PEER[j.peer], j.result.q1, j.result.q2]);
        }
        const counts = {};
        for (const [, q1] of rowsAt) counts[q1.checksum] = (counts[q1.checksum] ?? 0) + 1;
        const majority = Object.entries(counts).sort((a, b) => b[1] - a[1])[0]?.[0];
        for (const [name, q1, q2] of rowsAt) {
          p(
            `| ${name} | ${n(size)} | ${fmt(q1.avgRows)} | \`${q1.checksum}\`${q1.checksum === majority ? '' : ' **differs**'} | ${q1.violations} | ${fmt(q2.avgRows)} | ${q2.violations} |`,
          );
        }
      }
      p('');
    }
  }

  const bad = report.jobs.filter((j) => j.status !== 'ok');
  if (bad.length) {
    p('### Not run', '', '| Job | Status | Why |', '|---|---|---|');
    for (const j of bad) p(`| ${j.name} | ${j.status} | ${j.reason} |`);
    p('');
  }
  return out.join('\n');
}

// ---- the chart ----

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A horizontal bar chart on a log axis: `bars` = [{label, value, color}]. */
function panel({ x, y, width, title, unit, bars, better }) {
  const rowH = 22;
  const labelW = 250;
  const plotW = width - labelW - 70;
  const values = bars.map((b) => b.value).filter((v) => v > 0);
  if (values.length === 0) return { svg: '', height: 0 };
  const lo = 10 ** Math.floor(Math.log10(Math.min(...values)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...values)));
  const xOf = (v) =>
    labelW + ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo) || 1)) * plotW;
  const parts = [
    `<text x="${x}" y="${y + 14}" font-size="14" font-weight="bold">${esc(title)}</text>`,
    `<text x="${x}" y="${y + 30}" font-size="11" fill="#555">${esc(`${unit}, log scale; ${better} is better`)}</text>`,
  ];
  const top = y + 42;
  const h = bars.length * rowH;
  for (let d = lo; d <= hi * 1.0001; d *= 10) {
    const gx = x + xOf(d);
    parts.push(
      `<line x1="${gx.toFixed(1)}" y1="${top}" x2="${gx.toFixed(1)}" y2="${top + h}" stroke="#ddd"/>`,
      `<text x="${gx.toFixed(1)}" y="${top + h + 14}" font-size="10" text-anchor="middle" fill="#555">${n(d)}</text>`,
    );
  }
  bars.forEach((b, i) => {
    const by = top + i * rowH;
    parts.push(
      `<text x="${x + labelW - 8}" y="${by + 15}" font-size="11" text-anchor="end">${esc(b.label)}</text>`,
    );
    if (b.value > 0) {
      const w = Math.max(1, xOf(b.value) - labelW);
      parts.push(
        `<rect x="${x + labelW}" y="${by + 4}" width="${w.toFixed(1)}" height="${rowH - 8}" fill="${b.color}"/>`,
        `<text x="${(x + labelW + w + 4).toFixed(1)}" y="${by + 15}" font-size="10">${esc(fmt(b.value))}</text>`,
      );
    } else {
      parts.push(
        `<text x="${x + labelW + 4}" y="${by + 15}" font-size="10" fill="#999">${esc(b.note ?? 'not measured')}</text>`,
      );
    }
  });
  return { svg: parts.join('\n'), height: 42 + h + 24 };
}

const MEMTRACE = ['#1f4e99', '#3a78c9', '#7fa9de'];
const OTHERS = {
  'langgraph-inmemory': '#c98a3a',
  'langgraph-postgres': '#b0592b',
  mem0: '#8a8a8a',
};

export function renderSvg(report) {
  const width = 760;
  const peerSizes = [...new Set(peers(report).map((j) => j.n))].sort((a, b) => b - a);
  const size =
    peerSizes.find((s) => reads(report).some((j) => j.n === s)) ?? maxReadN(report, 'sqlite');
  const listBars = [];
  for (const driver of ['sqlite', 'postgres']) {
    const r = readAt(report, driver, size);
    if (!r) continue;
    ['http', 'adapter', 'bare'].forEach((lane, i) => {
      const v = r.lanes[lane]?.q1?.latencyMs?.p99;
      if (v !== undefined) {
        listBars.push({
          label: `memtrace ${lane === 'http' ? 'HTTP' : lane} · ${DRIVER[driver]}`,
          value: v,
          color: MEMTRACE[i],
        });
      }
    });
  }
  for (const peer of Object.keys(PEER)) {
    const j = report.jobs.find((x) => x.kind === 'peer' && x.peer === peer && x.n === size);
    if (!j) continue;
    listBars.push({
      label: PEER[peer],
      value: j.status === 'ok' ? j.result.q1.latencyMs.p99 : 0,
      note: j.status === 'ok' ? undefined : j.status,
      color: OTHERS[peer],
    });
  }
  const ingestBars = [];
  for (const w of writes(report)) {
    ['http', 'adapter', 'bare'].forEach((lane, i) => {
      const v = w.result.lanes[lane]?.batch_1000?.rowsPerSecond;
      if (v !== undefined) {
        ingestBars.push({
          label: `memtrace ${lane === 'http' ? 'HTTP' : lane} · ${DRIVER[w.driver]}`,
          value: v,
          color: MEMTRACE[i],
        });
      }
    });
  }
  for (const peer of Object.keys(PEER)) {
    const j = peers(report)
      .filter((x) => x.peer === peer)
      .sort((a, b) => b.n - a.n)[0];
    if (j)
      ingestBars.push({
        label: `${PEER[peer]} (N=${n(j.n)})`,
        value: j.result.insert.rest.perSecond,
        color: OTHERS[peer],
      });
  }
  const a = panel({
    x: 10,
    y: 10,
    width,
    title: `Filtered list q1 p99 at ${n(size)} stored (agent+session+type+since, newest first, limit 50)`,
    unit: 'ms per query',
    bars: listBars,
    better: 'shorter',
  });
  const b = panel({
    x: 10,
    y: 20 + a.height,
    width,
    title: 'Bulk ingest (memtrace: 1,000 per request / call; peers: their batch path)',
    unit: 'rows per second',
    bars: ingestBars,
    better: 'longer',
  });
  const e = report.environment;
  const footY = 30 + a.height + b.height;
  const foot = [
    `${report.run} (${report.mode}): ${e.cpus} × ${e.cpuModel}, ${e.memoryGiB} GiB, Node ${e.node}`,
    `SQLite ${e.sqlite}, ${String(e.postgres).split(' on ')[0]}; memtrace ${e.memtraceVersion} @ ${e.memtraceCommit}${e.memtraceUncommittedFiles ? ' (+ uncommitted changes)' : ''}; load ${e.loadavgStart?.[0]} → ${e.loadavgEnd?.[0]}`,
  ];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${footY + 34}" viewBox="0 0 ${width} ${footY + 34}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    a.svg,
    b.svg,
    ...foot.map(
      (l, i) =>
        `<text x="10" y="${footY + 8 + 14 * i}" font-size="10" fill="#555">${esc(l)}</text>`,
    ),
    '</svg>',
    '',
  ].join('\n');
}

/**
 * Replaces the generated block of docs/benchmark.md (between the bench markers) with this run's
 * tables and chart.
 */
export function updateBenchmarkPage(report, pagePath) {
  const page = readFileSync(pagePath, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const i = page.indexOf(start);
  const j = page.indexOf(end);
  if (i < 0 || j < i) throw new Error(`${pagePath} has no ${start} … ${end} block`);
  // The page sits in docs/, the chart in bench/results/.
  const body = renderMarkdown(report, { svg: `../bench/results/${report.run}.svg` });
  writeFileSync(pagePath, `${page.slice(0, i + start.length)}\n\n${body}\n${page.slice(j)}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node bench/report.mjs bench/results/<run>.json [--readme]');
    process.exit(2);
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const base = file.replace(/\.json$/, '');
  writeFileSync(`${base}.md`, renderMarkdown(report, { svg: `${path.basename(base)}.svg` }));
  writeFileSync(`${base}.svg`, renderSvg(report));
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const page = path.join(root, 'docs', 'benchmark.md');
  if (process.argv.includes('--readme')) updateBenchmarkPage(report, page);
  // In the repository's own format, so the files pass `prettier --check`.
  execFileSync(
    process.execPath,
    [
      path.join(root, 'node_modules', 'prettier', 'bin', 'prettier.cjs'),
      '--write',
      `${base}.md`,
      ...(process.argv.includes('--readme') ? [page] : []),
    ],
    { cwd: root, stdio: 'ignore' },
  );
  console.log(readFileSync(`${base}.md`, 'utf8'));
}
