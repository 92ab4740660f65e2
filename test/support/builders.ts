import type { Agent, ApiKey, ArcInstance, Memory, Org, Session } from '../../domain/index.js';

let counter = 0;
const unique = () => (++counter).toString(16).padStart(12, '0');

/** 2026-02-07T20:00:00Z: builders' default times count up from here. */
export const BASE_TIME = Date.UTC(2026, 1, 7, 20, 0, 0);

const hex24 = (time: number) => Math.floor(time).toString(16).padStart(12, '0') + unique();

/** A valid memory with unique id; every field can be overridden. */
export function aMemory(overrides: Partial<Memory> = {}): Memory {
  const time = overrides.time ?? BASE_TIME + counter * 1000;
  return {
    id: `mem_${hex24(time)}`,
    orgId: 'org_a',
    agentId: 'agent_web_crawler',
    sessionId: 'sess_abc123',
    memoryType: 'episodic',
    eventType: 'page_crawled',
    content: `Crawled https://example.com/${counter}`,
    metadata: { url: 'https://example.com', pages_found: 3 },
    tags: ['crawling', 'products'],
    importance: 0.7,
    dedupKey: null,
    parentId: null,
    time,
    createdAt: overrides.createdAt ?? time,
    expiresAt: null,
    pinned: false,
    supersedes: null,
    supersededBy: null,
    ...overrides,
  };
}

export function aSession(overrides: Partial<Session> = {}): Session {
  const t = overrides.createdAt ?? BASE_TIME + counter * 1000;
  return {
    id: `sess_${unique()}${unique()}`,
    orgId: 'org_a',
    agentId: 'agent_abc',
    status: 'active',
    metadata: { task: 'product_research' },
    createdAt: t,
    updatedAt: t,
    closedAt: null,
    ...overrides,
  };
}

export function anAgent(overrides: Partial<Agent> = {}): Agent {
  const n = unique();
  return {
    id: `agent_${n}${unique()}`,
    orgId: 'org_a',
    name: `crawler_${n}`,
    description: 'Crawls product pages',
    config: { max_depth: 3 },
    createdAt: BASE_TIME + counter * 1000,
    ...overrides,
  };
}

export function anOrg(overrides: Partial<Org> = {}): Org {
  const n = unique();
  return {
    id: `org_${n}${unique()}`,
    name: `org ${n}`,
    createdAt: BASE_TIME + counter,
    retentionMs: null,
    ...overrides,
  };
}

export function anApiKey(overrides: Partial<ApiKey> = {}): ApiKey {
  const n = unique();
  return {
    id: `key_${n}${unique()}`,
    orgId: 'org_a',
    name: `key ${n}`,
    keyHash: (n + unique()).padStart(64, 'a'),
    permissions: ['read', 'write'],
    createdAt: BASE_TIME + counter,
    revokedAt: null,
    ...overrides,
  };
}

/** A valid Arc instance of org_a (no API key); every field can be overridden. */
export function anArcInstance(overrides: Partial<ArcInstance> = {}): ArcInstance {
  const n = unique();
  const t = BASE_TIME + counter;
  return {
    orgId: 'org_a',
    url: 'http://127.0.0.1:8000',
    database: `db_${n}`,
    measurement: 'events',
    apiKeySealed: null,
    createdAt: t,
    updatedAt: t,
    ...overrides,
  };
}
