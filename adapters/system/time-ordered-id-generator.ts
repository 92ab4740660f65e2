import { randomBytes } from 'node:crypto';
import { ID_PREFIX, type IdGenerator, type IdKind } from '../../domain/index.js';

const RANDOM_HEX = 12;
const RANDOM_MAX = 16n ** BigInt(RANDOM_HEX);

/**
 * Ids of 24 hex digits after the kind's prefix. Memory ids start with the time in ms (12 hex)
 * followed by 12 hex that are random for the first id of a millisecond and incremented for the
 * next ones, so ids of one process sort in creation order (as ULID's monotonic mode does).
 * Other kinds are 12 random bytes.
 */
export class TimeOrderedIdGenerator implements IdGenerator {
  private lastMs = -1;
  private lastRandom = 0n;

  next(kind: IdKind, atMs: number): string {
    if (kind !== 'memory') return ID_PREFIX[kind] + randomBytes(12).toString('hex');
    const ms = Math.max(0, Math.floor(atMs));
    if (ms <= this.lastMs && this.lastRandom + 1n < RANDOM_MAX) {
      this.lastRandom += 1n;
    } else {
      this.lastMs = Math.max(ms, this.lastMs + (ms <= this.lastMs ? 1 : 0));
      // Leave headroom so increments within one millisecond do not overflow.
      this.lastRandom = BigInt('0x' + randomBytes(6).toString('hex')) >> 1n;
    }
    const time = this.lastMs.toString(16).padStart(12, '0').slice(-12);
    return ID_PREFIX.memory + time + this.lastRandom.toString(16).padStart(RANDOM_HEX, '0');
  }
}
