// Loaded into a benchmark's memtrace server with NODE_OPTIONS=--import (request-path.mjs does):
// records the server's GC pauses (perf_hooks 'gc' entries) and its event loop delay
// (monitorEventLoopDelay at 1 ms resolution), and on exit writes them as JSON to
// MEMTRACE_BENCH_PROBE_OUT. `reset` happens on SIGUSR2, so warm-ups can be left out.
/* global process */
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

const out = process.env.MEMTRACE_BENCH_PROBE_OUT;
if (out) {
  const KINDS = { 1: 'scavenge', 2: 'mark-compact', 4: 'incremental', 8: 'weak-callbacks' };
  let gc = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.push({ kind: KINDS[e.detail?.kind] ?? String(e.detail?.kind), ms: e.duration });
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  let since = Date.now();
  process.on('SIGUSR2', () => {
    gc = [];
    delay.reset();
    since = Date.now();
  });
  process.on('exit', () => {
    const byKind = {};
    for (const { kind, ms } of gc) {
      const k = (byKind[kind] ??= { count: 0, totalMs: 0, maxMs: 0, over1ms: 0 });
      k.count++;
      k.totalMs += ms;
      k.maxMs = Math.max(k.maxMs, ms);
      if (ms > 1) k.over1ms++;
    }
    const ms = (ns) => Math.round(ns / 1e4) / 100;
    writeFileSync(
      out,
      JSON.stringify({
        seconds: (Date.now() - since) / 1000,
        gc: byKind,
        eventLoopDelayMs: {
          p50: ms(delay.percentile(50)),
          p99: ms(delay.percentile(99)),
          max: ms(delay.max),
        },
      }),
    );
  });
}
