import type { Crypto } from '../shared/crypto.port.js';
import { invalid } from '../shared/errors.js';
import type { IdGenerator } from '../shared/id-generator.port.js';
import type { Limits } from '../shared/limits.js';
import { checkId } from '../shared/rules.js';
import { formatDuration, parseTimestamp } from '../shared/time-expression.js';
import { toExpiry } from './expiry.js';
import {
  checkMemory,
  DEFAULT_EVENT_TYPE,
  DEFAULT_MEMORY_TYPE,
  type EventTimeSettings,
  type Memory,
  type MemoryType,
  type NewMemory,
} from './memory.js';

/** Whether writes are checked for duplicates, and within how many hours of `created_at`. */
export interface DedupSettings {
  readonly enabled: boolean;
  readonly windowHours: number;
}

/**
 * Turns what a client sends into a whole, checked memory: its id, the defaults, the derived
 * dedup key, the event time and the expiry. The service's half of every create; it stores
 * nothing.
 */
export class MemoryBuilder {
  constructor(
    private readonly ids: IdGenerator,
    private readonly crypto: Crypto,
    private readonly dedup: DedupSettings,
    private readonly limits: Limits,
    /** How far in the future a client's `time` may be. */
    private readonly eventTime: EventTimeSettings,
  ) {}

  /**
   * The memory `input` describes, recorded at `now`.
   * @param at put before each field's name, as `memories[3].`
   * @throws DomainError `invalid` naming the field
   */
  build(orgId: string, input: NewMemory, now: number, at: string): Memory {
    const agentId = checkId(at + 'agent_id', required(at + 'agent_id', input.agentId));
    const content = required(at + 'content', input.content);
    const memoryType = input.memoryType ?? DEFAULT_MEMORY_TYPE;
    const eventType = input.eventType ?? DEFAULT_EVENT_TYPE;
    const sessionId = input.sessionId ?? null;
    let dedupKey = input.dedupKey ?? null;
    if (dedupKey === null && this.dedup.enabled) {
      const basis = [agentId, sessionId ?? '', memoryType, eventType, content].join('|');
      dedupKey = this.crypto.sha256Hex(basis).slice(0, 32);
    }
    const memory = {
      id: this.ids.next('memory', now),
      orgId,
      agentId,
      sessionId,
      memoryType: memoryType as MemoryType,
      eventType,
      content,
      metadata: input.metadata ?? {},
      tags: input.tags ?? [],
      importance: input.importance ?? 0,
      dedupKey,
      parentId: input.parentId ?? null,
      time: this.eventTimeOf(input.time, now, at),
      createdAt: now,
      ...toExpiry(input, now, at),
      supersedes: input.supersedes ?? null,
      supersededBy: null,
    };
    checkMemory(memory, at, this.limits.maxMetadataBytes);
    // Repeated tags are dropped, keeping the first occurrence's position.
    return { ...memory, tags: [...new Set(memory.tags)] };
  }

  /**
   * The event time a client gave (any past time; at most the skew ahead of `now`), or `now`.
   * @throws DomainError `invalid` naming the field
   */
  private eventTimeOf(time: string | null | undefined, now: number, at: string): number {
    if (time === undefined || time === null) return now;
    const field = at + 'time';
    const ms = parseTimestamp(field, time);
    const skew = this.eventTime.maxFutureSkewMs;
    if (ms > now + skew) {
      throw invalid(
        `${field} must not be more than ${formatDuration(skew)} in the future, ` +
          `got '${time.slice(0, 64)}'`,
      );
    }
    return ms;
  }
}

function required(field: string, value: string | undefined | null): string {
  if (value === undefined || value === null || value === '') throw invalid(`${field} is required`);
  return value;
}
