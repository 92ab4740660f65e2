// The benchmark's seeded dataset and query plans, shared by memtrace and every peer so that all of
// them hold the same items and answer the same queries. Matches the description in
// peer-baselines.md "Conditions": mulberry32 seed 20261122, 20 agents, 200 sessions (each owned by
// one agent), 4 memory types, 10 event types, 0-3 distinct tags of 30, importance U(0,1), content
// 80-200 chars of English words, metadata {url, n}, time U(2026-01-01, +30 days). The item at
// position i carries metadata.n = i, which is how results are mapped back to the dataset.
import { createHash } from 'node:crypto';

export const SEED = 20261122;
export const ORG = 'org_default';
export const PEER_ORG = 'org-1';
export const AGENTS = Array.from({ length: 20 }, (_, i) => `agent-${String(i).padStart(2, '0')}`);
export const SESSIONS = Array.from({ length: 200 }, (_, i) => ({
  // Three digits, so no session id is a prefix of another (LangGraph's PostgresStore matches
  // namespaces with LIKE 'prefix%': 'sess-2' would also match 'sess-22').
  id: `sess-${String(i).padStart(3, '0')}`,
  agent: AGENTS[i % AGENTS.length],
}));
export const TYPES = ['episodic', 'session', 'decision', 'entity'];
export const EVENTS = Array.from({ length: 10 }, (_, i) => `event_${i}`);
export const TAGS = Array.from({ length: 30 }, (_, i) => `tag-${i}`);
export const START = Date.UTC(2026, 0, 1);
export const DAY = 86_400_000;
/** 200 English words of agent work: what the memories' content is written in. */
const WORDS = [
  'release',
  'service',
  'database',
  'query',
  'index',
  'cache',
  'deploy',
  'error',
  'timeout',
  'customer',
  'invoice',
  'payment',
  'session',
  'token',
  'login',
  'password',
  'upgrade',
  'rollback',
  'cluster',
  'node',
  'worker',
  'queue',
  'message',
  'retry',
  'latency',
  'memory',
  'disk',
  'network',
  'server',
  'client',
  'request',
  'response',
  'report',
  'export',
  'import',
  'backup',
  'restore',
  'schema',
  'migration',
  'table',
  'column',
  'record',
  'user',
  'account',
  'team',
  'project',
  'task',
  'ticket',
  'issue',
  'bug',
  'fix',
  'test',
  'build',
  'pipeline',
  'branch',
  'commit',
  'review',
  'merge',
  'config',
  'setting',
  'alert',
  'incident',
  'outage',
  'metric',
  'dashboard',
  'trace',
  'log',
  'warning',
  'debug',
  'monitor',
  'agent',
  'model',
  'prompt',
  'context',
  'summary',
  'note',
  'decision',
  'plan',
  'meeting',
  'budget',
  'price',
  'order',
  'cart',
  'checkout',
  'refund',
  'email',
  'notification',
  'calendar',
  'document',
  'file',
  'folder',
  'image',
  'upload',
  'download',
  'search',
  'filter',
  'result',
  'page',
  'list',
  'item',
  'product',
  'feature',
  'flag',
  'version',
  'change',
  'update',
  'patch',
  'security',
  'access',
  'role',
  'policy',
  'permission',
  'audit',
  'region',
  'zone',
  'host',
  'container',
  'pod',
  'volume',
  'storage',
  'bucket',
  'snapshot',
  'replica',
  'primary',
  'failover',
  'throughput',
  'capacity',
  'quota',
  'limit',
  'rate',
  'spike',
  'load',
  'peak',
  'traffic',
  'weekly',
  'daily',
  'monthly',
  'morning',
  'evening',
  'night',
  'weekend',
  'holiday',
  'travel',
  'flight',
  'hotel',
  'office',
  'remote',
  'contract',
  'vendor',
  'partner',
  'support',
  'sales',
  'finance',
  'legal',
  'design',
  'frontend',
  'backend',
  'mobile',
  'browser',
  'desktop',
  'api',
  'endpoint',
  'webhook',
  'schedule',
  'cron',
  'batch',
  'stream',
  'event',
  'signal',
  'channel',
  'thread',
  'lock',
  'deadlock',
  'leak',
  'crash',
  'restart',
  'health',
  'check',
  'probe',
  'certificate',
  'domain',
  'proxy',
  'gateway',
  'balancer',
  'firewall',
  'vpn',
  'secret',
  'key',
  'vault',
  'analytics',
  'experiment',
  'cohort',
  'funnel',
  'signup',
  'onboarding',
  'churn',
  'revenue',
  'growth',
  'forecast',
  'parser',
];

/** The W4 session: 10,000 memories of one agent, without tags (so they never match a search). */
export const CONTEXT_SESSION = { id: 'sess-ctx', agent: 'agent-00' };

export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The 200 words content is drawn from: real English words, so the full-text and trigram indexes
 * see real text. It draws the random numbers the earlier pseudo-word vocabulary drew (one for a
 * length, then one per syllable), so agents, sessions, tags, importance and times of every item
 * stay what they were; only the words of the content changed.
 */
export function vocabulary(rand = mulberry32(SEED)) {
  return WORDS.map((word) => {
    const n = 2 + Math.floor(rand() * 2);
    for (let i = 0; i < n; i++) rand();
    return word;
  });
}

/**
 * The dataset, item by item: `{index, agentId, sessionId, memoryType, eventType, content,
 * metadata, tags, importance, time}`. Deterministic: the same n gives the same items.
 * `session` forces every item into one session (the W4 context session, from its own seed).
 */
export function* dataset(n, { seed = SEED, session = null, withTags = true } = {}) {
  const rand = mulberry32(seed);
  const words = vocabulary(rand);
  for (let i = 0; i < n; i++) {
    const s = SESSIONS[Math.floor(rand() * SESSIONS.length)];
    const target = 80 + Math.floor(rand() * 121);
    let content = '';
    while (content.length < target)
      content += (content ? ' ' : '') + words[Math.floor(rand() * words.length)];
    content = content.slice(0, target);
    const tagCount = Math.floor(rand() * 4);
    const tags = [];
    while (tags.length < tagCount) {
      const t = TAGS[Math.floor(rand() * TAGS.length)];
      if (!tags.includes(t)) tags.push(t);
    }
    const time = START + Math.floor(rand() * 30 * DAY);
    yield {
      index: i,
      agentId: session ? session.agent : s.agent,
      sessionId: session ? session.id : s.id,
      memoryType: TYPES[Math.floor(rand() * TYPES.length)],
      eventType: EVENTS[Math.floor(rand() * EVENTS.length)],
      content,
      metadata: { url: `https://example.com/${i}`, n: i },
      tags: withTags ? tags : [],
      importance: rand(),
      time,
    };
  }
}

/** The W4 session's memories (indexes from 10,000,000 up so they never clash with the main set). */
export function* contextDataset(n) {
  for (const m of dataset(n, { seed: SEED + 3, session: CONTEXT_SESSION, withTags: false })) {
    const index = 10_000_000 + m.index;
    yield { ...m, index, metadata: { url: `https://example.com/${index}`, n: index } };
  }
}

/** The dedup key memtrace derives when none is given (MemoryService.build). */
export const derivedDedupKey = (m) =>
  createHash('sha256')
    .update([m.agentId, m.sessionId ?? '', m.memoryType, m.eventType, m.content].join('|'))
    .digest('hex')
    .slice(0, 32);

/** A dataset item as a memtrace domain Memory, with a backdated time and its own id. */
export function toMemory(m, { orgId = ORG, time = m.time, id, dedupKey = null } = {}) {
  return {
    id: id ?? `mem_${time.toString(16).padStart(12, '0')}${m.index.toString(16).padStart(12, '0')}`,
    orgId,
    agentId: m.agentId,
    sessionId: m.sessionId,
    memoryType: m.memoryType,
    eventType: m.eventType,
    content: m.content,
    metadata: m.metadata,
    tags: m.tags,
    importance: m.importance,
    dedupKey,
    parentId: null,
    time,
    // The lifecycle fields (recorded at the event time, no expiry, not pinned, no correction):
    // a store reads `supersedes` as a memory to retire unless it is null.
    createdAt: time,
    expiresAt: null,
    pinned: false,
    supersedes: null,
    supersededBy: null,
  };
}

/** A dataset item as the body of POST /api/v1/memories. */
export const toApiBody = (m) => ({
  agent_id: m.agentId,
  session_id: m.sessionId,
  memory_type: m.memoryType,
  event_type: m.eventType,
  content: m.content,
  metadata: m.metadata,
  tags: m.tags,
  importance: m.importance,
});

/**
 * Query parameters, from their own seed, identical for every system: `warmup` untimed queries
 * (different parameters) then `count` timed ones.
 * q1 = agent X + its session Y + memory_type Z + time >= T (T uniform over the first 27 days),
 *      newest first, limit 50 (memtrace: GET /api/v1/memories).
 * q2 = tag A AND importance >= 0.5, limit 50 (peers: no order; memtrace /search: newest first).
 * q3 = q2 + content_contains one of the 40 first vocabulary words (memtrace /search, W3).
 * q4 = ranked keyword search: `query` of one vocabulary word (half of them) or two (both must
 *      occur), best first, limit 50 (memtrace /search, W3). Drawn after q1-q3, which stay as
 *      they were.
 */
export function queryPlan(count, warmup) {
  const rand = mulberry32(SEED + 1);
  const words = vocabulary(mulberry32(SEED));
  const total = count + warmup;
  const q1 = Array.from({ length: total }, () => {
    const s = SESSIONS[Math.floor(rand() * SESSIONS.length)];
    return {
      agent: s.agent,
      session: s.id,
      type: TYPES[Math.floor(rand() * TYPES.length)],
      since: START + Math.floor(rand() * 27 * DAY),
    };
  });
  const q2 = Array.from({ length: total }, () => ({
    tag: TAGS[Math.floor(rand() * TAGS.length)],
    minImportance: 0.5,
  }));
  const q3 = Array.from({ length: total }, () => ({
    tag: TAGS[Math.floor(rand() * TAGS.length)],
    minImportance: 0.5,
    word: words[Math.floor(rand() * 40)],
  }));
  const q4 = Array.from({ length: total }, () => {
    const n = 1 + Math.floor(rand() * 2);
    const picked = [];
    while (picked.length < n) {
      const w = words[Math.floor(rand() * words.length)];
      if (!picked.includes(w)) picked.push(w);
    }
    return { words: picked, text: picked.join(' ') };
  });
  return { q1, q2, q3, q4, warmup, count };
}

/**
 * Checks one answer. `items` are `{id, index, agent, session, type, time, tags, importance,
 * content}` (get: the one memory asked for, by its id).
 * @returns the number of items that break the filter or the newest-first order (when `ordered`)
 */
export function violations(kind, q, items, { ordered = true } = {}) {
  let bad = 0;
  for (let j = 0; j < items.length; j++) {
    const m = items[j];
    let ok;
    if (kind === 'q1') {
      ok = m.agent === q.agent && m.session === q.session && m.type === q.type && m.time >= q.since;
    } else if (kind === 'q2') {
      ok = m.tags.includes(q.tag) && m.importance >= q.minImportance;
    } else if (kind === 'get') {
      ok = m.id === q.id;
    } else if (kind === 'q4') {
      const words = contentWords(m.content);
      ok = q.words.every((w) => words.has(w));
    } else {
      ok = m.tags.includes(q.tag) && m.importance >= q.minImportance && m.content.includes(q.word);
    }
    // q4 is ordered by relevance, which only the store's scores show.
    if (ordered && kind !== 'q4' && j > 0 && items[j - 1].time < m.time) ok = false;
    if (!ok) bad++;
  }
  return bad;
}

/** The words of a content as memtrace's search reads them: runs of letters and digits, lower case. */
export const contentWords = (content) =>
  new Set((content.match(/[\p{L}\p{N}]+/gu) ?? []).map((w) => w.toLowerCase()));

/** FNV-1a (32 bit) over the returned item indexes of every query, in order. */
export class Checksum {
  h = 0x811c9dc5;
  add(n) {
    // the index as 4 bytes, then a separator so [1,2] and [12] differ
    for (let k = 0; k < 4; k++) {
      this.h ^= (n >>> (8 * k)) & 0xff;
      this.h = Math.imul(this.h, 0x01000193) >>> 0;
    }
  }
  endQuery() {
    this.h ^= 0xff;
    this.h = Math.imul(this.h, 0x01000193) >>> 0;
  }
  hex() {
    return this.h.toString(16).padStart(8, '0');
  }
}

/** Newest first, equal times by dataset position (memtrace: insertion order, reversed). */
export const newestFirst = (a, b) => b.time - a.time || b.index - a.index;
