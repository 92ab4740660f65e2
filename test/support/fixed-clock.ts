import type { Clock } from '../../domain/index.js';

/** A clock that stands still until a test moves it. */
export class FixedClock implements Clock {
  constructor(public ms: number) {}

  now(): number {
    return this.ms;
  }

  /** Moves the clock forward (or back, with a negative `ms`). */
  advance(ms: number): void {
    this.ms += ms;
  }

  set(ms: number): void {
    this.ms = ms;
  }
}
