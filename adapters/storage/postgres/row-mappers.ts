import type {
  Agent,
  ApiKey,
  ArcInstance,
  Memory,
  MemoryType,
  Org,
  Permission,
  Session,
  SessionStatus,
} from '../../../domain/index.js';

// Rows as pg returns them: snake_case columns, bigint ms as strings (pg keeps int8 exact),
// jsonb parsed, text[] as arrays, bytea as Buffer.

type Int8 = string | number;

export interface MemoryRow {
  readonly id: string;
  readonly org_id: string;
  readonly agent_id: string;
  readonly session_id: string | null;
  readonly memory_type: string;
  readonly event_type: string;
  readonly content: Buffer;
  readonly metadata: Record<string, unknown>;
  readonly tags: string[];
  readonly importance: number;
  readonly dedup_key: string | null;
  readonly parent_id: string | null;
  readonly time: Int8;
  /** Null only in a row an older memtrace wrote after migration 0008: read as `time`. */
  readonly created_at: Int8 | null;
  readonly expires_at: Int8 | null;
  readonly pinned: boolean;
  readonly supersedes: string | null;
  readonly superseded_by: string | null;
}

export interface SessionRow {
  readonly id: string;
  readonly org_id: string;
  readonly agent_id: string;
  readonly status: string;
  readonly metadata: Record<string, unknown>;
  readonly created_at: Int8;
  readonly updated_at: Int8;
  readonly closed_at: Int8 | null;
}

export interface AgentRow {
  readonly id: string;
  readonly org_id: string;
  readonly name: string;
  readonly description: string | null;
  readonly config: Record<string, unknown>;
  readonly created_at: Int8;
}

export interface OrgRow {
  readonly id: string;
  readonly name: string;
  readonly created_at: Int8;
  readonly retention_ms: Int8 | null;
}

export interface ApiKeyRow {
  readonly id: string;
  readonly org_id: string;
  readonly name: string;
  readonly key_hash: string;
  readonly permissions: string[];
  readonly created_at: Int8;
  readonly revoked_at: Int8 | null;
}

/** The columns of `memories` a mapper needs. */
export const MEMORY_COLUMNS =
  'id, org_id, agent_id, session_id, memory_type, event_type, content, metadata, tags, ' +
  'importance, dedup_key, parent_id, time, created_at, expires_at, pinned, supersedes, ' +
  'superseded_by';
export const SESSION_COLUMNS =
  'id, org_id, agent_id, status, metadata, created_at, updated_at, closed_at';
export const AGENT_COLUMNS = 'id, org_id, name, description, config, created_at';
export const ORG_COLUMNS = 'id, name, created_at, retention_ms';
export const API_KEY_COLUMNS = 'id, org_id, name, key_hash, permissions, created_at, revoked_at';

const ms = (v: Int8): number => Number(v);
const msOrNull = (v: Int8 | null): number | null => (v === null ? null : Number(v));

/** Content travels as UTF-8 bytes (bytea), so U+0000 survives. */
export const contentToBytes = (content: string): Buffer => Buffer.from(content, 'utf8');

/** jsonb parameters are sent as JSON text; pg would turn a JS array into a PostgreSQL array. */
export const toJsonb = (value: unknown): string => JSON.stringify(value);

export function rowToMemory(row: MemoryRow): Memory {
  return {
    id: row.id,
    orgId: row.org_id,
    agentId: row.agent_id,
    sessionId: row.session_id,
    memoryType: row.memory_type as MemoryType,
    eventType: row.event_type,
    content: row.content.toString('utf8'),
    metadata: row.metadata,
    tags: row.tags,
    importance: row.importance,
    dedupKey: row.dedup_key,
    parentId: row.parent_id,
    time: ms(row.time),
    createdAt: ms(row.created_at ?? row.time),
    expiresAt: msOrNull(row.expires_at),
    pinned: row.pinned,
    supersedes: row.supersedes,
    supersededBy: row.superseded_by,
  };
}

export function rowToSession(row: SessionRow): Session {
  return {
    id: row.id,
    orgId: row.org_id,
    agentId: row.agent_id,
    status: row.status as SessionStatus,
    metadata: row.metadata,
    createdAt: ms(row.created_at),
    updatedAt: ms(row.updated_at),
    closedAt: msOrNull(row.closed_at),
  };
}

/** Parameters for an INSERT listing {@link SESSION_COLUMNS}, in that order. */
export function sessionToParams(s: Session): unknown[] {
  return [
    s.id,
    s.orgId,
    s.agentId,
    s.status,
    toJsonb(s.metadata),
    s.createdAt,
    s.updatedAt,
    s.closedAt,
  ];
}

export function rowToAgent(row: AgentRow): Agent {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    description: row.description,
    config: row.config,
    createdAt: ms(row.created_at),
  };
}

/** Parameters for an INSERT listing {@link AGENT_COLUMNS}, in that order. */
export function agentToParams(a: Agent): unknown[] {
  return [a.id, a.orgId, a.name, a.description, toJsonb(a.config), a.createdAt];
}

export function rowToOrg(row: OrgRow): Org {
  return {
    id: row.id,
    name: row.name,
    createdAt: ms(row.created_at),
    retentionMs: msOrNull(row.retention_ms),
  };
}

/** Parameters for an INSERT listing {@link ORG_COLUMNS}, in that order. */
export function orgToParams(o: Org): unknown[] {
  return [o.id, o.name, o.createdAt, o.retentionMs];
}

export function rowToApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    keyHash: row.key_hash,
    permissions: row.permissions as Permission[],
    createdAt: ms(row.created_at),
    revokedAt: msOrNull(row.revoked_at),
  };
}

/** Parameters for an INSERT listing {@link API_KEY_COLUMNS}, in that order. */
export function apiKeyToParams(k: ApiKey): unknown[] {
  return [k.id, k.orgId, k.name, k.keyHash, [...k.permissions], k.createdAt, k.revokedAt];
}

/**
 * Column arrays for a multi-row memory INSERT through `unnest`, one array per column in the
 * order of {@link MEMORY_COLUMNS} but `created_at`, then `content_chars`, then `created_at`; tags
 * and metadata go as JSON text
 * (one element per memory).
 */
export function memoriesToColumnArrays(memories: readonly Memory[]): unknown[] {
  return [
    memories.map((m) => m.id),
    memories.map((m) => m.orgId),
    memories.map((m) => m.agentId),
    memories.map((m) => m.sessionId),
    memories.map((m) => m.memoryType),
    memories.map((m) => m.eventType),
    memories.map((m) => contentToBytes(m.content)),
    memories.map((m) => toJsonb(m.metadata)),
    memories.map((m) => toJsonb(m.tags)),
    memories.map((m) => m.importance),
    memories.map((m) => m.dedupKey),
    memories.map((m) => m.parentId),
    memories.map((m) => m.time),
    memories.map((m) => m.supersedes),
    memories.map((m) => m.supersededBy),
    // content_chars (0005): the content's length in UTF-16 code units.
    memories.map((m) => m.content.length),
    memories.map((m) => m.createdAt),
    memories.map((m) => m.expiresAt),
    memories.map((m) => m.pinned),
  ];
}

export interface ArcInstanceRow {
  readonly org_id: string;
  readonly url: string;
  readonly database: string;
  readonly measurement: string;
  readonly api_key_sealed: string | null;
  readonly created_at: Int8;
  readonly updated_at: Int8;
}

export const ARC_INSTANCE_COLUMNS =
  'org_id, url, database, measurement, api_key_sealed, created_at, updated_at';

export function rowToArcInstance(row: ArcInstanceRow): ArcInstance {
  return {
    orgId: row.org_id,
    url: row.url,
    database: row.database,
    measurement: row.measurement,
    apiKeySealed: row.api_key_sealed,
    createdAt: ms(row.created_at),
    updatedAt: ms(row.updated_at),
  };
}

/** Parameters for an INSERT listing {@link ARC_INSTANCE_COLUMNS}, in that order. */
export function arcInstanceToParams(i: ArcInstance): unknown[] {
  return [i.orgId, i.url, i.database, i.measurement, i.apiKeySealed, i.createdAt, i.updatedAt];
}
