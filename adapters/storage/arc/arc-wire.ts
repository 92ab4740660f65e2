import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { encode } from '@msgpack/msgpack';
import {
  isMemoryType,
  tokenizeWords,
  type Memory,
  type MemoryStats,
} from '../../../domain/index.js';
import { memoryStatsFromRow } from '../memory-stats-row.js';
import {
  CREATED_MS,
  EXPIRES_AT,
  PINNED,
  REVISION,
  SUPERSEDED_BY,
  SUPERSEDES,
} from './arc-new-columns.js';

const gzipAsync = promisify(gzip);

/**
 * The columns of one memory in Arc. `time` is Arc's own timestamp (µs), used for its hour
 * partitions; `time_ms` is the memory's exact time that every filter and order reads, so Arc's
 * unit guessing and time-range pruning cache never change an answer. `seq` orders memories of
 * equal time by insertion; `tag_set` is `,<tag>,<tag>,` with each tag percent-encoded, so a tag
 * matches only whole. `created_at_ms` is when memtrace recorded the memory (dedup windows read
 * it); rows written before it existed have none and read it as `time_ms` (see {@link CREATED_MS}).
 * `expires_at_ms` is the memory's own expiry (0: none) and `pinned` 1 or 0; rows written before
 * they existed read as 0 for both (no expiry, not pinned). `search_words` is what keyword search
 * reads (see {@link searchWordsOf}); rows written before it read a stand-in (`SEARCH_WORDS`).
 */
export const ARC_COLUMNS = [
  'time',
  'id',
  'org_id',
  'agent_id',
  'session_id',
  'memory_type',
  'event_type',
  'content',
  'metadata_json',
  'tags_json',
  'tag_set',
  'importance',
  'dedup_key',
  'parent_id',
  'time_ms',
  'seq',
  'created_at_ms',
  'expires_at_ms',
  'pinned',
  'revision',
  'supersedes',
  'superseded_by',
  'search_words',
] as const;

/**
 * The `search_words` of a content: its words by the domain's rule (`tokenizeWords`) with one
 * space before, between and after them (` a b c `; ` ` for none), so `contains` finds a word, a
 * phrase or a prefix with its spaces around it, and the spaces count the words.
 */
export const searchWordsOf = (content: string): string => {
  const words = tokenizeWords(content);
  return words.length === 0 ? ' ' : ` ${words.join(' ')} `;
};

/**
 * A memory as the store keeps it: the memory plus its insertion sequence number and its
 * revision (0 when inserted; a patch or a supersede writes the next one, same id and `seq`).
 */
export interface StoredMemory {
  readonly memory: Memory;
  readonly seq: bigint;
  readonly revision: number;
}

/** `,a,b,` for tags [a, b]; `,` for none. A tag `t` matches when this contains `,<enc t>,`. */
export function tagSet(tags: readonly string[]): string {
  return `,${tags.map(encodeTag).join(',')}${tags.length > 0 ? ',' : ''}`;
}

/** The text a tag filter looks for inside `tag_set`. */
export const tagNeedle = (tag: string): string => `,${encodeTag(tag)},`;

function encodeTag(tag: string): string {
  // Never contains ',', so a needle cannot match across two tags.
  return encodeURIComponent(tag);
}

/**
 * The columnar msgpack body of one write: integers and times as int64 (bigint), importance as
 * float64 (never narrowed to an int, which Arc would then truncate later floats to), JSON values
 * as text. Bodies over `gzipAbove` bytes are gzipped (Arc detects gzip by its magic bytes).
 */
export async function encodeWrite(
  measurement: string,
  rows: readonly StoredMemory[],
  gzipAbove: number,
): Promise<Uint8Array> {
  const columns: Record<(typeof ARC_COLUMNS)[number], unknown[]> = Object.fromEntries(
    ARC_COLUMNS.map((c) => [c, []]),
  ) as unknown as Record<(typeof ARC_COLUMNS)[number], unknown[]>;
  for (const { memory: m, seq, revision } of rows) {
    const ms = BigInt(Math.trunc(m.time));
    columns.time.push(ms * 1000n);
    columns.id.push(m.id);
    columns.org_id.push(m.orgId);
    columns.agent_id.push(m.agentId);
    columns.session_id.push(m.sessionId);
    columns.memory_type.push(m.memoryType);
    columns.event_type.push(m.eventType);
    columns.content.push(m.content);
    columns.metadata_json.push(JSON.stringify(m.metadata));
    columns.tags_json.push(JSON.stringify(m.tags));
    columns.tag_set.push(tagSet(m.tags));
    columns.importance.push(m.importance);
    columns.dedup_key.push(m.dedupKey);
    columns.parent_id.push(m.parentId);
    columns.time_ms.push(ms);
    columns.seq.push(seq);
    columns.created_at_ms.push(BigInt(Math.trunc(m.createdAt)));
    columns.expires_at_ms.push(BigInt(Math.trunc(m.expiresAt ?? 0)));
    columns.pinned.push(m.pinned ? 1n : 0n);
    columns.revision.push(BigInt(revision));
    columns.supersedes.push(m.supersedes);
    columns.superseded_by.push(m.supersededBy);
    columns.search_words.push(searchWordsOf(m.content));
  }
  const body = encode(
    { m: measurement, columns },
    { useBigInt64: true, forceIntegerToFloat: true },
  );
  return body.byteLength > gzipAbove ? new Uint8Array(await gzipAsync(body)) : body;
}

/** One row of a query answer, by column name. */
export type ArcRow = Readonly<Record<string, unknown>>;

/** A query answer: its column names and its rows keyed by them. */
export interface ArcAnswer {
  readonly columns: readonly string[];
  readonly rows: ArcRow[];
}

/**
 * Arc's JSON query answer, rows keyed by column name (Arc's column order is not stable). An
 * answer with no columns (a measurement nothing was written to yet) has no rows.
 * @throws ArcAnswerError when the body is not a complete success answer (e.g. cut short)
 */
export function parseQueryAnswer(text: string): ArcAnswer {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ArcAnswerError('Arc sent an incomplete or malformed query answer');
  }
  if (typeof body !== 'object' || body === null) {
    throw new ArcAnswerError('Arc sent a query answer that is not an object');
  }
  const { success, columns, data, row_count: rowCount, error } = body as Record<string, unknown>;
  if (success !== true) {
    throw new ArcAnswerError(`Arc query failed: ${typeof error === 'string' ? error : 'unknown'}`);
  }
  if (!Array.isArray(columns) || !Array.isArray(data)) {
    throw new ArcAnswerError('Arc sent a query answer without columns or data');
  }
  if (typeof rowCount === 'number' && rowCount !== data.length) {
    throw new ArcAnswerError('Arc sent a query answer cut short');
  }
  const names = columns.map(String);
  const rows = data.map((values: unknown) => {
    if (!Array.isArray(values) || values.length !== names.length) {
      throw new ArcAnswerError('Arc sent a row that does not fit its columns');
    }
    const row: Record<string, unknown> = {};
    names.forEach((name, i) => (row[name] = values[i]));
    return row;
  });
  return { columns: names, rows };
}

/**
 * The column of the end marker row (see `withEndMarker`): Arc answers 200 with fewer rows when
 * its engine fails while it streams the answer, so only a marker row at the end proves that
 * every row arrived.
 */
export const END_MARKER = 'arc_end';

/** What a query is expected to answer. */
export type AnswerShape = 'rows' | 'one';

/**
 * The rows of an answer checked for completeness: for `rows` (a query wrapped by
 * `withEndMarker`) the marker row must come last, and is removed; for `one` (an aggregate) there
 * must be exactly one row. An answer with no columns (nothing written yet) has no rows.
 * @throws ArcAnswerError when the answer is incomplete (a retry may get a whole one)
 */
export function readAnswer(text: string, shape: AnswerShape): ArcRow[] {
  const { columns, rows } = parseQueryAnswer(text);
  if (columns.length === 0) return [];
  if (shape === 'one') {
    if (rows.length !== 1) throw new ArcAnswerError('Arc sent an aggregate answer without its row');
    return rows;
  }
  const last = rows[rows.length - 1];
  if (last?.[END_MARKER] !== true || rows.slice(0, -1).some((r) => r[END_MARKER] !== false)) {
    throw new ArcAnswerError('Arc sent a query answer that stops before its end');
  }
  return rows.slice(0, -1);
}

/** An answer that cannot be read; a retry may get a whole one. */
export class ArcAnswerError extends Error {
  override readonly name = 'ArcAnswerError';
}

/**
 * An integer Arc sent: BIGINT as a JSON number, HUGEINT and DECIMAL as text. Null is 0 (an
 * aggregate over no rows).
 */
export function toInt(v: unknown): number {
  if (v === null || v === undefined) return 0;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) {
    throw new ArcAnswerError(`Arc sent ${JSON.stringify(v)} where a number was expected`);
  }
  return n;
}

const text = (row: ArcRow, column: string): string => {
  const v = row[column];
  if (typeof v !== 'string') {
    throw new ArcAnswerError(`Arc sent ${JSON.stringify(v)} in column ${column}`);
  }
  return v;
};

const textOrNull = (row: ArcRow, column: string): string | null =>
  row[column] === null || row[column] === undefined ? null : text(row, column);

/** The column list a memory is read back with; `seq` comes as text to keep all 64 bits. */
export const MEMORY_SELECT = `"id", "org_id", "agent_id", "session_id", "memory_type", "event_type", "content", "metadata_json", "tags_json", "importance", "dedup_key", "parent_id", "time_ms", CAST("seq" AS VARCHAR) AS "seq_text", ${CREATED_MS} AS "created_ms", ${EXPIRES_AT} AS "expires_at_ms", ${PINNED} AS "pinned", ${SUPERSEDES} AS "supersedes", ${SUPERSEDED_BY} AS "superseded_by", ${REVISION} AS "revision"`;

/** A row selected with {@link MEMORY_SELECT} as the memory it stores. */
export function rowToStored(row: ArcRow): StoredMemory {
  const memoryType = text(row, 'memory_type');
  if (!isMemoryType(memoryType)) {
    throw new ArcAnswerError(`Arc holds an unknown memory type ${JSON.stringify(memoryType)}`);
  }
  const memory: Memory = {
    id: text(row, 'id'),
    orgId: text(row, 'org_id'),
    agentId: text(row, 'agent_id'),
    sessionId: textOrNull(row, 'session_id'),
    memoryType,
    eventType: text(row, 'event_type'),
    content: text(row, 'content'),
    metadata: JSON.parse(text(row, 'metadata_json')) as Record<string, unknown>,
    tags: JSON.parse(text(row, 'tags_json')) as string[],
    importance: toNumber(row['importance']),
    dedupKey: textOrNull(row, 'dedup_key'),
    parentId: textOrNull(row, 'parent_id'),
    time: toInt(row['time_ms']),
    createdAt: toInt(row['created_ms']),
    expiresAt: toInt(row['expires_at_ms']) === 0 ? null : toInt(row['expires_at_ms']),
    pinned: toInt(row['pinned']) === 1,
    supersedes: textOrNull(row, 'supersedes'),
    supersededBy: textOrNull(row, 'superseded_by'),
  };
  return { memory, seq: BigInt(text(row, 'seq_text')), revision: toInt(row['revision']) };
}

function toNumber(v: unknown): number {
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) {
    throw new ArcAnswerError(`Arc sent ${JSON.stringify(v)} where a number was expected`);
  }
  return n;
}

/** The stats aggregate row (see buildStats), or zeros when Arc returned none. */
export const emptyStats = (): MemoryStats => ({
  memoryCount: 0,
  memoriesSince: 0,
  errorsSince: 0,
  memoryTypes: {},
});

export function statsFromRow(row: ArcRow | undefined): MemoryStats {
  if (row === undefined) return emptyStats();
  return memoryStatsFromRow(row, toInt);
}
