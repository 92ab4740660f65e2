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

// Rows as better-sqlite3 returns them: snake_case columns, INTEGER ms times, JSON as TEXT.

export interface MemoryRow {
  readonly id: string;
  readonly org_id: string;
  readonly agent_id: string;
  readonly session_id: string | null;
  readonly memory_type: string;
  readonly event_type: string;
  readonly content: string;
  readonly metadata: string;
  readonly tags: string;
  readonly importance: number;
  readonly dedup_key: string | null;
  readonly parent_id: string | null;
  readonly time: number;
  /** Null only in a row an older memtrace wrote after migration 0008: read as `time`. */
  readonly created_at: number | null;
  readonly expires_at: number | null;
  /** 0 or 1. */
  readonly pinned: number;
  readonly supersedes: string | null;
  readonly superseded_by: string | null;
}

export interface SessionRow {
  readonly id: string;
  readonly org_id: string;
  readonly agent_id: string;
  readonly status: string;
  readonly metadata: string;
  readonly created_at: number;
  readonly updated_at: number;
  readonly closed_at: number | null;
}

export interface AgentRow {
  readonly id: string;
  readonly org_id: string;
  readonly name: string;
  readonly description: string | null;
  readonly config: string;
  readonly created_at: number;
}

export interface OrgRow {
  readonly id: string;
  readonly name: string;
  readonly created_at: number;
  readonly retention_ms: number | null;
}

export interface ApiKeyRow {
  readonly id: string;
  readonly org_id: string;
  readonly name: string;
  readonly key_hash: string;
  readonly permissions: string;
  readonly created_at: number;
  readonly revoked_at: number | null;
}

/** The columns of `memories` a mapper needs, in the order of {@link memoryToRow}. */
export const MEMORY_COLUMNS =
  'id, org_id, agent_id, session_id, memory_type, event_type, content, metadata, tags, ' +
  'importance, dedup_key, parent_id, time, created_at, expires_at, pinned, supersedes, superseded_by';

export function rowToMemory(row: MemoryRow): Memory {
  return {
    id: row.id,
    orgId: row.org_id,
    agentId: row.agent_id,
    sessionId: row.session_id,
    memoryType: row.memory_type as MemoryType,
    eventType: row.event_type,
    content: row.content,
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    tags: JSON.parse(row.tags) as string[],
    importance: row.importance,
    dedupKey: row.dedup_key,
    parentId: row.parent_id,
    time: row.time,
    createdAt: row.created_at ?? row.time,
    expiresAt: row.expires_at,
    pinned: row.pinned === 1,
    supersedes: row.supersedes,
    supersededBy: row.superseded_by,
  };
}

/** Positional parameters for an INSERT listing {@link MEMORY_COLUMNS}, in that order. */
export type MemoryParams = [
  id: string,
  orgId: string,
  agentId: string,
  sessionId: string | null,
  memoryType: string,
  eventType: string,
  content: string,
  metadata: string,
  tags: string,
  importance: number,
  dedupKey: string | null,
  parentId: string | null,
  time: number,
  createdAt: number,
  expiresAt: number | null,
  pinned: number,
  supersedes: string | null,
  supersededBy: string | null,
];

export function memoryToParams(m: Memory): MemoryParams {
  return [
    m.id,
    m.orgId,
    m.agentId,
    m.sessionId,
    m.memoryType,
    m.eventType,
    m.content,
    JSON.stringify(m.metadata),
    JSON.stringify(m.tags),
    m.importance,
    m.dedupKey,
    m.parentId,
    m.time,
    m.createdAt,
    m.expiresAt,
    m.pinned ? 1 : 0,
    m.supersedes,
    m.supersededBy,
  ];
}

export function rowToSession(row: SessionRow): Session {
  return {
    id: row.id,
    orgId: row.org_id,
    agentId: row.agent_id,
    status: row.status as SessionStatus,
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    closedAt: row.closed_at,
  };
}

export function sessionToRow(s: Session): SessionRow {
  return {
    id: s.id,
    org_id: s.orgId,
    agent_id: s.agentId,
    status: s.status,
    metadata: JSON.stringify(s.metadata),
    created_at: s.createdAt,
    updated_at: s.updatedAt,
    closed_at: s.closedAt,
  };
}

export function rowToAgent(row: AgentRow): Agent {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    description: row.description,
    config: JSON.parse(row.config) as Record<string, unknown>,
    createdAt: row.created_at,
  };
}

export function agentToRow(a: Agent): AgentRow {
  return {
    id: a.id,
    org_id: a.orgId,
    name: a.name,
    description: a.description,
    config: JSON.stringify(a.config),
    created_at: a.createdAt,
  };
}

export function rowToOrg(row: OrgRow): Org {
  return { id: row.id, name: row.name, createdAt: row.created_at, retentionMs: row.retention_ms };
}

export function orgToRow(o: Org): OrgRow {
  return { id: o.id, name: o.name, created_at: o.createdAt, retention_ms: o.retentionMs };
}

export function rowToApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    keyHash: row.key_hash,
    permissions: JSON.parse(row.permissions) as Permission[],
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

export function apiKeyToRow(k: ApiKey): ApiKeyRow {
  return {
    id: k.id,
    org_id: k.orgId,
    name: k.name,
    key_hash: k.keyHash,
    permissions: JSON.stringify(k.permissions),
    created_at: k.createdAt,
    revoked_at: k.revokedAt,
  };
}

export interface ArcInstanceRow {
  readonly org_id: string;
  readonly url: string;
  readonly database: string;
  readonly measurement: string;
  readonly api_key_sealed: string | null;
  readonly created_at: number;
  readonly updated_at: number;
}

export function rowToArcInstance(row: ArcInstanceRow): ArcInstance {
  return {
    orgId: row.org_id,
    url: row.url,
    database: row.database,
    measurement: row.measurement,
    apiKeySealed: row.api_key_sealed,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function arcInstanceToRow(i: ArcInstance): ArcInstanceRow {
  return {
    org_id: i.orgId,
    url: i.url,
    database: i.database,
    measurement: i.measurement,
    api_key_sealed: i.apiKeySealed,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
  };
}
