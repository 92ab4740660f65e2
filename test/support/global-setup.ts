import { readTestEnvironment, skipNotice } from './skip-notice.js';

const printed = Symbol.for('memtrace.skipNoticePrinted');

/** Vitest's global setup: says once, before any test, which groups skip and why. */
export default function setup(): void {
  // Every project of vitest.config.ts runs this; the notice is printed by the first.
  const g = globalThis as { [printed]?: boolean };
  if (g[printed]) return;
  g[printed] = true;
  const notice = skipNotice(readTestEnvironment());
  if (notice !== null) process.stdout.write(`\n${notice}\n\n`);
}
