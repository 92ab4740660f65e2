import {
  checkAgent,
  checkExactIntegers,
  checkMemory,
  checkSession,
  checkStorable,
  DEFAULT_LIMITS,
  invalid,
  isMemoryType,
  isPlainObject,
  parseTimestamp,
  SESSION_STATUSES,
  type Agent,
  type Memory,
  type Session,
  type SessionStatus,
} from '../../domain/index.js';

/** One record line of an export, read and checked, ready for the store of `orgId`. */
export type ExportRecord =
  | { readonly type: 'memory'; readonly memory: Memory }
  | { readonly type: 'session'; readonly session: Session }
  | { readonly type: 'agent'; readonly agent: Agent };

/** A line as JSON, refusing an integer that parsing would round (naming its field). */
export function parseLine(line: string): unknown {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    throw invalid('not JSON', 'INVALID_EXPORT');
  }
  checkExactIntegers(line, record);
  return record;
}

/**
 * Reads one record of an export for `orgId` and holds it to the rules the API holds what it
 * stores to: what no store keeps byte for byte (NUL, a lone surrogate, a `__proto__` key) and
 * the domain's rules of each field. A record the API would refuse is refused here too.
 * @throws DomainError `invalid` naming the field (the caller adds the line)
 */
export function readRecord(
  line: string,
  orgId: string,
  maxMetadataBytes = DEFAULT_LIMITS.maxMetadataBytes,
): ExportRecord {
  const r = new RecordReader(parseLine(line));
  const type = r.string('type');
  r.storable();
  if (type === 'memory') {
    const memory = r.memory(orgId);
    checkMemory(memory, '', maxMetadataBytes);
    // Repeated tags are dropped, keeping the first occurrence's position, as the API does.
    return { type, memory: { ...memory, tags: [...new Set(memory.tags)] } };
  }
  if (type === 'session') {
    const session = r.session(orgId);
    checkSession(session, maxMetadataBytes);
    return { type, session };
  }
  if (type === 'agent') {
    const agent = r.agent(orgId);
    checkAgent(agent, maxMetadataBytes);
    return { type, agent };
  }
  throw invalid(`unknown record type '${type.slice(0, 64)}'`, 'INVALID_EXPORT');
}

/** Reads the fields of one record, naming the field of anything of the wrong type. */
export class RecordReader {
  private readonly o: Record<string, unknown>;

  constructor(record: unknown) {
    if (!isPlainObject(record)) throw this.bad('the record must be a JSON object');
    this.o = record;
  }

  private bad(message: string) {
    return invalid(message, 'INVALID_EXPORT');
  }

  /** Refuses what no store keeps byte for byte, anywhere in the record. */
  storable(): void {
    for (const [key, value] of Object.entries(this.o)) {
      if (key === '__proto__') throw this.bad('__proto__ is not a known field');
      checkStorable(key, value);
    }
  }

  raw(key: string): unknown {
    return this.o[key];
  }

  string(key: string): string {
    const v = this.o[key];
    if (typeof v !== 'string') throw this.bad(`${key} must be a string`);
    return v;
  }

  stringOrNull(key: string): string | null {
    const v = this.o[key];
    return v === null || v === undefined ? null : this.string(key);
  }

  number(key: string): number {
    const v = this.o[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw this.bad(`${key} must be a number`);
    return v;
  }

  time(key: string): number {
    return parseTimestamp(key, this.string(key));
  }

  timeOrNull(key: string): number | null {
    return this.o[key] === null || this.o[key] === undefined ? null : this.time(key);
  }

  /** false when absent. */
  boolean(key: string): boolean {
    const v = this.o[key] ?? false;
    if (typeof v !== 'boolean') throw this.bad(`${key} must be true or false`);
    return v;
  }

  object(key: string): Record<string, unknown> {
    const v = this.o[key] ?? {};
    if (!isPlainObject(v)) throw this.bad(`${key} must be a JSON object`);
    return v;
  }

  strings(key: string): string[] {
    const v = this.o[key] ?? [];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
      throw this.bad(`${key} must be an array of strings`);
    }
    return v as string[];
  }

  memory(orgId: string): Memory {
    const memoryType = this.string('memory_type');
    if (!isMemoryType(memoryType)) throw this.bad(`memory_type '${memoryType}' is unknown`);
    return {
      id: this.string('memory_id'),
      orgId,
      agentId: this.string('agent_id'),
      sessionId: this.stringOrNull('session_id'),
      memoryType,
      eventType: this.string('event_type'),
      content: this.string('content'),
      metadata: this.object('metadata'),
      tags: this.strings('tags'),
      importance: this.number('importance'),
      dedupKey: this.stringOrNull('dedup_key'),
      parentId: this.stringOrNull('parent_id'),
      time: this.time('time'),
      // An export written before created_at existed: the memory was recorded at its time.
      createdAt: this.timeOrNull('created_at') ?? this.time('time'),
      // Exports made before expiry existed have neither field: no expiry, not pinned.
      expiresAt: this.timeOrNull('expires_at'),
      pinned: this.boolean('pinned'),
      supersedes: this.o.supersedes === undefined ? null : this.stringOrNull('supersedes'),
      supersededBy: this.o.superseded_by === undefined ? null : this.stringOrNull('superseded_by'),
    };
  }

  session(orgId: string): Session {
    const status = this.string('status');
    if (!(SESSION_STATUSES as readonly string[]).includes(status)) {
      throw this.bad(`status '${status}' is unknown`);
    }
    return {
      id: this.string('session_id'),
      orgId,
      agentId: this.string('agent_id'),
      status: status as SessionStatus,
      metadata: this.object('metadata'),
      createdAt: this.time('created_at'),
      updatedAt: this.time('updated_at'),
      closedAt: this.timeOrNull('closed_at'),
    };
  }

  agent(orgId: string): Agent {
    return {
      id: this.string('agent_id'),
      orgId,
      name: this.string('name'),
      description: this.stringOrNull('description'),
      config: this.object('config'),
      createdAt: this.time('created_at'),
    };
  }
}
