import type { MemoryFilter } from '../../domain/index.js';

/**
 * The index a memory query walks, the same choice on every SQL driver. Every such index but `id`
 * ends in (time, insertion order), so a query never sorts its matches; `id` (the unique memory
 * id) yields at most as many rows as ids given (a forget names at most about a thousand), which
 * are then sorted.
 */
export type DrivingIndex =
  'id' | 'session' | 'tag' | 'agent' | 'memory_type' | 'event_type' | 'org';

/**
 * The driving index for a filter (most selective first as a rule of thumb): ids, else session,
 * else the first tag, else agent, else a single memory type, else a single event type, else
 * (org, time).
 * The query leads with that index's columns and orders by its time; every other filter is
 * checked on the rows it yields.
 */
export function chooseDrivingIndex(filter: MemoryFilter): DrivingIndex {
  if (filter.ids !== undefined) return 'id';
  if (filter.sessionId !== undefined) return 'session';
  if (filter.tags !== undefined && filter.tags.length > 0) return 'tag';
  if (filter.agentId !== undefined) return 'agent';
  if (filter.memoryTypes?.length === 1) return 'memory_type';
  if (filter.eventTypes?.length === 1) return 'event_type';
  return 'org';
}
