import { ID_PREFIX, type IdGenerator, type IdKind } from '../../domain/index.js';

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/**
 * Deterministic ids from one counter: memories are `mem_` + the time in ms (12 hex) + the
 * counter (12 hex), so they are time-ordered and increase within one millisecond, as the
 * IdGenerator port requires; other kinds are their prefix + the counter (24 hex).
 */
export class SequentialIds implements IdGenerator {
  private counter = 0;

  next(kind: IdKind, atMs: number): string {
    this.counter += 1;
    if (kind === 'memory') return ID_PREFIX.memory + hex(atMs, 12) + hex(this.counter, 12);
    return ID_PREFIX[kind] + hex(this.counter, 24);
  }
}
