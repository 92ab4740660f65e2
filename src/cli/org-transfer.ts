import { toAgentResponse } from '../../adapters/http/dto/agent.response.js';
import { toMemoryResponse } from '../../adapters/http/dto/memory.response.js';
import { toSessionResponse } from '../../adapters/http/dto/session.response.js';
import type { StorageBundle } from '../../adapters/storage/storage-bundle.js';
import {
  agentIdentityProblem,
  DomainError,
  isDomainError,
  isMemoryType,
  isPlainObject,
  MAX_LIMIT,
  notFound,
  SESSION_STATUSES,
  sessionsNamedBy,
  type Agent,
  type DedupPolicy,
  type Memory,
  type Session,
  type SessionStatus,
} from '../../domain/index.js';

/**
 * The NDJSON export of one org: a header line, then its agents, its sessions (both oldest
 * first) and its memories (oldest first, as stored), one JSON object a line. Records carry the
 * API's JSON shapes plus a `type` field, so a line reads like an API response.
 */
export const EXPORT_FORMAT = 'memtrace-export';
export const EXPORT_VERSION = 1;

export interface TransferCounts {
  agents: number;
  sessions: number;
  memories: number;
}

/** Reports how far a transfer is; a progress bar on a TTY, nothing otherwise. */
export interface Progress {
  start(total: number): void;
  increment(by?: number): void;
  stop(): void;
}

export const noProgress: Progress = { start: () => {}, increment: () => {}, stop: () => {} };

const PAGE = MAX_LIMIT;

/** Every item of a paged list, in the order the store lists them. */
async function allPages<T>(
  page: (offset: number) => Promise<{ items: readonly T[]; total: number }>,
): Promise<T[]> {
  const all: T[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const { items } = await page(offset);
    all.push(...items);
    if (items.length < PAGE) return all;
  }
}

/**
 * Writes every agent, session and memory of `orgId` as NDJSON lines through `write` (which
 * should wait for the destination to drain). Memories are read a page at a time, so a large org
 * is streamed, not held in memory.
 * @throws DomainError `not_found` when the org does not exist
 */
export async function exportOrg(
  storage: StorageBundle,
  orgId: string,
  write: (line: string) => Promise<void>,
  progress: Progress = noProgress,
  now: () => number = Date.now,
): Promise<TransferCounts> {
  if ((await storage.auth.findOrg(orgId)) === null) throw notFound('org', 'ORG_NOT_FOUND');
  // Lists are newest first (ties: latest inserted first): reversed, they are in insertion order.
  const agents = (
    await allPages((offset) => storage.agents.list(orgId, { limit: PAGE, offset }))
  ).reverse();
  const sessions = (
    await allPages((offset) => storage.sessions.list(orgId, { limit: PAGE, offset }))
  ).reverse();
  const memoryCount = await storage.memories.count(orgId, {});
  const line = (record: object) => write(JSON.stringify(record) + '\n');

  await line({
    type: 'header',
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    org_id: orgId,
    exported_at: new Date(now()).toISOString(),
    counts: { agents: agents.length, sessions: sessions.length, memories: memoryCount },
  });
  progress.start(agents.length + sessions.length + memoryCount);
  for (const a of agents) {
    await line({ type: 'agent', ...toAgentResponse(a) });
    progress.increment();
  }
  for (const s of sessions) {
    await line({ type: 'session', ...toSessionResponse(s) });
    progress.increment();
  }
  let memories = 0;
  for (let offset = 0; ; offset += PAGE) {
    const page = await storage.memories.find(orgId, {
      filter: {},
      order: 'asc',
      limit: PAGE,
      offset,
    });
    for (const m of page) await line({ type: 'memory', ...toMemoryResponse(m) });
    memories += page.length;
    progress.increment(page.length);
    if (page.length < PAGE) break;
  }
  progress.stop();
  return { agents: agents.length, sessions: sessions.length, memories };
}

export interface ImportResult {
  readonly imported: TransferCounts;
  /** Records already present (same id, or for memories a duplicate by dedup key). */
  readonly skipped: TransferCounts;
}

export interface ImportOptions {
  /** Checks dedup keys as the API does; null imports every memory whose id is new. */
  readonly dedup: DedupPolicy | null;
  /** Memories inserted per store call. */
  readonly batchSize?: number;
  readonly progress?: Progress;
}

/**
 * Imports NDJSON lines of an export into `orgId`, keeping every id and time. Idempotent: an
 * agent, session or memory whose id the org already has is skipped, as is an agent whose name is
 * taken and, with a dedup policy, a memory whose dedup key was seen within the window.
 * @throws Error naming the line of a record that cannot be read
 */
export async function importOrg(
  storage: StorageBundle,
  orgId: string,
  lines: AsyncIterable<string>,
  options: ImportOptions,
): Promise<ImportResult> {
  // Taken before the first await, so a readline source buffers its lines until they are read.
  const iterator = lines[Symbol.asyncIterator]();
  const records: AsyncIterable<string> = { [Symbol.asyncIterator]: () => iterator };
  if ((await storage.auth.findOrg(orgId)) === null) throw notFound('org', 'ORG_NOT_FOUND');
  const progress = options.progress ?? noProgress;
  const batchSize = options.batchSize ?? 500;
  const imported: TransferCounts = { agents: 0, sessions: 0, memories: 0 };
  const skipped: TransferCounts = { agents: 0, sessions: 0, memories: 0 };
  let batch: Memory[] = [];

  const flush = async () => {
    if (batch.length === 0) return;
    const seen = new Set<string>();
    const fresh: Memory[] = [];
    for (const m of batch) {
      if (seen.has(m.id) || (await storage.memories.findById(orgId, m.id)) !== null) {
        skipped.memories++;
      } else {
        seen.add(m.id);
        fresh.push(m);
      }
    }
    if (fresh.length > 0) {
      // As a memory write does: a session a memory names exists (the export's own come first).
      await storage.sessions.createMissing(sessionsNamedBy(fresh));
      for (const outcome of await storage.memories.insert(fresh, options.dedup)) {
        if (outcome.status === 'created') imported.memories++;
        else skipped.memories++;
      }
    }
    progress.increment(batch.length);
    batch = [];
  };

  let n = 0;
  let started = false;
  for await (const raw of records) {
    n++;
    if (raw.trim() === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(raw);
    } catch {
      throw new Error(`line ${n}: not JSON`);
    }
    const r = new RecordReader(record, n);
    const type = r.string('type');
    if (!started) {
      started = true;
      if (type !== 'header' || r.string('format') !== EXPORT_FORMAT) {
        throw new Error(`line ${n}: not a memtrace export (the first line must be its header)`);
      }
      if (r.number('version') !== EXPORT_VERSION) {
        throw new Error(`line ${n}: export version ${String(r.raw('version'))} is not supported`);
      }
      const counts = r.raw('counts');
      const total = isPlainObject(counts)
        ? Object.values(counts).reduce<number>((a, v) => a + (typeof v === 'number' ? v : 0), 0)
        : 0;
      progress.start(total);
      continue;
    }
    if (type === 'memory') {
      batch.push(r.memory(orgId));
      if (batch.length >= batchSize) await flush();
    } else if (type === 'session') {
      const session = r.session(orgId);
      if ((await storage.sessions.findById(orgId, session.id)) !== null) skipped.sessions++;
      else if (await created(() => storage.sessions.create(session))) imported.sessions++;
      else skipped.sessions++;
      progress.increment();
    } else if (type === 'agent') {
      const agent = r.agent(orgId);
      if ((await storage.agents.find(orgId, agent.id)) !== null) skipped.agents++;
      else if (await created(() => storage.agents.create(agent))) imported.agents++;
      else skipped.agents++;
      progress.increment();
    } else {
      throw new Error(`line ${n}: unknown record type '${type}'`);
    }
  }
  await flush();
  progress.stop();
  if (!started) throw new Error('the export is empty (no header line)');
  return { imported, skipped };
}

/** Runs a create; a conflict (it exists under another id, or its name is taken) is false. */
async function created(create: () => Promise<void>): Promise<boolean> {
  try {
    await create();
    return true;
  } catch (e) {
    if (isDomainError(e) && e.kind === 'conflict') return false;
    throw e;
  }
}

/** Reads the fields of one record, naming the line and field of anything malformed. */
class RecordReader {
  private readonly o: Record<string, unknown>;

  constructor(
    record: unknown,
    private readonly line: number,
  ) {
    if (!isPlainObject(record)) throw this.bad('the record must be a JSON object');
    this.o = record;
  }

  private bad(message: string): Error {
    return new DomainError('invalid', 'INVALID_EXPORT', `line ${this.line}: ${message}`);
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
    const ms = Date.parse(this.string(key));
    if (!Number.isFinite(ms)) throw this.bad(`${key} must be an ISO 8601 time`);
    return ms;
  }

  timeOrNull(key: string): number | null {
    return this.o[key] === null || this.o[key] === undefined ? null : this.time(key);
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
    const agent: Agent = {
      id: this.string('agent_id'),
      orgId,
      name: this.string('name'),
      description: this.stringOrNull('description'),
      config: this.object('config'),
      createdAt: this.time('created_at'),
    };
    const problem = agentIdentityProblem(agent);
    if (problem) throw this.bad(problem);
    return agent;
  }
}
