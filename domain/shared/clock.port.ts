import { token } from './token.js';

/** Where the core reads the current time from; fixed in tests. */
export interface Clock {
  /** Milliseconds since the Unix epoch, UTC. */
  now(): number;
}
export const CLOCK = token<Clock>('memtrace/Clock');
