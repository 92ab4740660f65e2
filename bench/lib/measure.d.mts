// Types of measure.mjs for the unit tests (test/unit/bench).
export interface LoadResult {
  concurrency: number;
  calls: number;
  rows: number;
  errors: number;
  latencyMs: { n: number; p50: number | null; p99: number | null };
}
export function runLoad(options: {
  concurrency: number;
  count: number;
  warmup?: number;
  maxMs?: number;
  fn: (i: number) => Promise<number | void>;
  serverPid?: number | null;
}): Promise<LoadResult>;
export function percentile(sorted: number[], p: number): number | null;
