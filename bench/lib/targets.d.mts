// Types of targets.mjs for the unit tests (test/unit/bench): the report is plain JSON.
/* eslint-disable @typescript-eslint/no-explicit-any */
export interface TargetRow {
  target: string;
  measured: string;
  met: boolean | null;
  issue?: boolean;
}
export interface GrowthRow {
  n: number;
  memories: number;
  ingestRowsPerSecond: number | null;
  queries: Record<string, { p50: number; p99: number } | null>;
  context: { p50: number; p99: number } | null;
  bytesPerMemory: number | null;
  rssAfterStartMB: number | null;
  rssPeakMB: number | null;
  loadRowsPerSecond: number | null;
}
export function targets(report: any): TargetRow[];
export function writeTargets(driver: string, lanes: any): TargetRow[];
export function readTargets(report: any, driver: string): TargetRow[];
export function growthTargets(report: any, driver: string): TargetRow[];
export function growthRows(report: any, driver: string): GrowthRow[];
export function fullSizes(report: any, driver: string): number[];
export function keySizes(report: any, driver: string): number[];
export function ownCpuMs(lanes: any, kind: string): number | null;
