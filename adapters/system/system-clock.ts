import type { Clock } from '../../domain/index.js';

export const systemClock: Clock = { now: () => Date.now() };
