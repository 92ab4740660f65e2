import { toAgentResponse } from '../../adapters/wire/agent.response.js';
import { toMemoryResponse } from '../../adapters/wire/memory.response.js';
import { toSessionResponse } from '../../adapters/wire/session.response.js';
import type { StorageBundle } from '../../adapters/storage/storage-bundle.js';
import {
  DomainError,
  isDomainError,
  isPlainObject,
  LiveMemoryStore,
  MAX_LIMIT,
  OrgRetention,
  notFound,
  type DedupPolicy,
  type KeysetPosition,
  type Memory,
  type Page,
} from '../../domain/index.js';
import { parseLine, readRecord, RecordReader, type ExportRecord } from './export-records.js';
import { ImportTarget } from './import-target.js';
import type { TransferCounts } from './transfer-counts.js';

/**
 * The NDJSON export of one org: a header line, then its agents, its sessions (both oldest
 * first) and its memories (oldest first, as stored), one JSON object a line. Records carry the
 * API's JSON shapes plus a `type` field, so a line reads like an API response.
 */
export const EXPORT_FORMAT = 'memtrace-export';
export const EXPORT_VERSION = 1;

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
  page: (after: KeysetPosition | undefined) => Promise<Page<T>>,
): Promise<T[]> {
  const all: T[] = [];
  // By keyset position, not offset: rows written or deleted meanwhile never shift a page.
  for (let after: KeysetPosition | undefined; ;) {
    const { items, positions } = await page(after);
    all.push(...items);
    if (items.length < PAGE) return all;
    after = positions[positions.length - 1];
  }
}

/**
 * Writes every agent, session and memory of `orgId` as NDJSON lines through `write` (which
 * should wait for the destination to drain). Memories are read a page at a time, so a large org
 * is streamed, not held in memory. Expired memories are left out (as every read leaves them out;
 * `defaultRetentionMs` is MEMTRACE_MEMORY_DEFAULT_RETENTION); kept ones carry their expiry.
 * @throws DomainError `not_found` when the org does not exist
 */
export async function exportOrg(
  storage: StorageBundle,
  orgId: string,
  write: (line: string) => Promise<void>,
  progress: Progress = noProgress,
  now: () => number = Date.now,
  defaultRetentionMs: number | null = null,
): Promise<TransferCounts> {
  const memoryStore = new LiveMemoryStore(
    storage.memories,
    { now },
    new OrgRetention(storage.auth, defaultRetentionMs),
  );
  if ((await storage.auth.findOrg(orgId)) === null) throw notFound('org', 'ORG_NOT_FOUND');
  // Lists are newest first (ties: latest inserted first): reversed, they are in insertion order.
  const agents = (
    await allPages((after) => storage.agents.list(orgId, { limit: PAGE, offset: 0, after }))
  ).reverse();
  const sessions = (
    await allPages((after) => storage.sessions.list(orgId, { limit: PAGE, offset: 0, after }))
  ).reverse();
  // Every version: a superseded memory is exported with its superseded_by.
  const memoryCount = await memoryStore.count(orgId, { includeSuperseded: true });
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
  // Keyset pages: a memory written or forgotten during the export never makes one repeat or go
  // missing from the rest.
  for (let after: KeysetPosition | undefined; ;) {
    const page = await memoryStore.findPage(orgId, {
      filter: { includeSuperseded: true },
      order: 'asc',
      limit: PAGE,
      offset: 0,
      after,
    });
    for (const m of page.memories) await line({ type: 'memory', ...toMemoryResponse(m) });
    memories += page.memories.length;
    progress.increment(page.memories.length);
    if (page.memories.length < PAGE) break;
    after = page.positions[page.positions.length - 1];
  }
  progress.stop();
  return { agents: agents.length, sessions: sessions.length, memories };
}

export interface ImportResult {
  readonly imported: TransferCounts;
  /** Records already present (same id, or for memories a duplicate by dedup key). */
  readonly skipped: TransferCounts;
  /** Records refused by the rules (each reported through `onReject`); none is stored. */
  readonly rejected: number;
  /** Records stored under a new id because another org of the store has theirs. */
  readonly renumbered: number;
}

export interface ImportOptions {
  /** Checks dedup keys as the API does; null imports every memory whose id is new. */
  readonly dedup: DedupPolicy | null;
  /** Memories inserted per store call. */
  readonly batchSize?: number;
  readonly progress?: Progress;
  /** Stop at the first record the rules refuse (the records before it stay imported). */
  readonly strict?: boolean;
  /** Told of each refused record: its line (1-based) and why. */
  readonly onReject?: (line: number, message: string) => void;
  /** Largest JSON object a record may carry, as the API's limit (default: its default). */
  readonly maxMetadataBytes?: number;
}

/**
 * Imports NDJSON lines of an export into `orgId`, keeping every id and time. Each record is held
 * to the rules the API holds what it stores to; a record they refuse is reported through
 * `onReject` with its line and not stored, and the others are imported (with `strict`, the
 * import stops at the first, by throwing). Idempotent: an agent, session or memory the org
 * already has (by id) is skipped, as is an agent whose name is taken and, with a dedup policy, a
 * memory whose dedup key was seen within the window. Ids are unique in a store: a record whose
 * id another org of the store has (as when copying an org into another org of the same store)
 * gets a new id made from the org and the old id, so importing the same export again finds it;
 * `session_id` and `parent_id` links follow it.
 * @throws Error naming the line when the input is not an export, or (strict) of a refused record
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
  const target = new ImportTarget(storage, orgId, options.dedup);
  const batchSize = options.batchSize ?? 500;
  let batch: Memory[] = [];
  let rejected = 0;
  const flush = async () => {
    await target.memories(batch);
    progress.increment(batch.length);
    batch = [];
  };

  let n = 0;
  let started = false;
  for await (const raw of records) {
    n++;
    if (raw.trim() === '') continue;
    if (!started) {
      started = true;
      progress.start(readHeader(raw, n));
      continue;
    }
    let record: ExportRecord;
    try {
      record = readRecord(raw, orgId, options.maxMetadataBytes);
    } catch (e) {
      if (!isDomainError(e) || e.kind !== 'invalid') throw e;
      rejected++;
      progress.increment();
      if (options.strict) {
        await flush();
        progress.stop();
        throw new DomainError(
          'invalid',
          'INVALID_EXPORT',
          `line ${n}: ${e.message} (--strict: stopped here; the records before it were imported)`,
        );
      }
      options.onReject?.(n, e.message);
      continue;
    }
    if (record.type === 'memory') {
      batch.push(record.memory);
      if (batch.length >= batchSize) await flush();
    } else {
      if (record.type === 'session') await target.session(record.session);
      else await target.agent(record.agent);
      progress.increment();
    }
  }
  await flush();
  progress.stop();
  if (!started) throw new Error('the export is empty (no header line)');
  return {
    imported: target.imported,
    skipped: target.skipped,
    rejected,
    renumbered: target.renumbered,
  };
}

/** Checks the header line; returns the record count it announces (for the progress bar). */
function readHeader(raw: string, n: number): number {
  try {
    const r = new RecordReader(parseLine(raw));
    if (r.raw('type') !== 'header' || r.raw('format') !== EXPORT_FORMAT) {
      throw new Error('not a memtrace export (the first line must be its header)');
    }
    if (r.raw('version') !== EXPORT_VERSION) {
      throw new Error(`export version ${String(r.raw('version'))} is not supported`);
    }
    const counts = r.raw('counts');
    return isPlainObject(counts)
      ? Object.values(counts).reduce<number>((a, v) => a + (typeof v === 'number' ? v : 0), 0)
      : 0;
  } catch (e) {
    throw new DomainError('invalid', 'INVALID_EXPORT', `line ${n}: ${(e as Error).message}`);
  }
}
