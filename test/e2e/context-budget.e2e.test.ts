import { beforeEach, describe, expect, it } from 'vitest';
import { gptTokenCounters } from '../../adapters/tokenizer/gpt-token-counter.js';
import type { TokenizerName } from '../../domain/index.js';
import { apiAs, buildTestApp, type ApiClient, type TestApp } from '../support/test-app.js';

// The context's budget over HTTP, on every driver: `tokens` is the exact count of what the budget
// counts (the markdown, the JSON text of the sections, the message contents) by the tokenizer
// asked for, and never more than max_tokens, whatever the script.

const counters = gptTokenCounters();
let t: TestApp;
let api: ApiClient;

beforeEach(async () => {
  t = await buildTestApp();
  api = apiAs(t.app, t.adminKey);
});

const SCRIPTS: Record<string, readonly string[]> = {
  chinese: [
    '用户决定使用PostgreSQL作为主数据库，因为需要事务支持。',
    '抓取了三个产品页面并提取价格。',
  ],
  emoji: ['🚀✅📦🔥😀😃😄', '👨‍👩‍👧‍👦👍🏽🇯🇵 done'],
  code: [
    'const rows = await db.query(`SELECT * FROM t WHERE id = $1`, [id]);',
    'if (!ok) { throw new Error("x"); }',
  ],
};

async function sessionOf(name: string, samples: readonly string[]): Promise<string> {
  const sessionId = `sess_${name}`;
  const memories = Array.from({ length: 60 }, (_, i) => ({
    agent_id: 'agent_budget',
    session_id: sessionId,
    memory_type: (['episodic', 'decision', 'entity', 'session'] as const)[i % 4],
    content: `${samples[i % samples.length] as string} #${i}`,
    importance: (i % 5) / 4,
    ...(i % 9 === 0 ? { pinned: true } : {}),
  }));
  const res = await api.post('/api/v1/memories', { memories });
  expect(res.status).toBe(201);
  return sessionId;
}

describe('POST /api/v1/sessions/:id/context with max_tokens', () => {
  it('returns exactly `tokens` tokens, never more than max_tokens, for CJK, emoji and code', async () => {
    for (const [name, samples] of Object.entries(SCRIPTS)) {
      const id = await sessionOf(name, samples);
      for (const tokenizer of ['o200k_base', 'cl100k_base'] as TokenizerName[]) {
        const count = (text: string) => counters(tokenizer).countTokens(text);
        for (const max_tokens of [100, 500, 2000]) {
          const res = await api.post(`/api/v1/sessions/${id}/context`, { max_tokens, tokenizer });
          expect(res.status).toBe(200);
          const body = res.body as Record<string, unknown> & { context: string; tokens: number };
          expect(body.tokens).toBe(count(body.context));
          expect(body.tokens).toBeLessThanOrEqual(max_tokens);
          expect(body.estimated_tokens).toBe(body.tokens);
          expect(body).toMatchObject({ format: 'markdown', tokenizer });
          expect(body.memory_count as number).toBeGreaterThan(0);
          expect(body.truncated).toBe((body.omitted_count as number) > 0);
          // 2000 tokens hold all 60 short memories of every script.
          if (max_tokens === 2000) expect(body.memory_count).toBe(60);
        }
      }
    }
  });

  it('counts the JSON text of the sections for format json', async () => {
    const id = await sessionOf('json', SCRIPTS.chinese as readonly string[]);
    for (const max_tokens of [100, 500, 2000]) {
      const res = await api.post(`/api/v1/sessions/${id}/context`, { max_tokens, format: 'json' });
      expect(res.status).toBe(200);
      const sections = res.body.context as {
        title: string;
        memory_type: string;
        items: {
          memory_id: string;
          content: string;
          time: string;
          importance: number;
          tags: string[];
        }[];
      }[];
      expect(res.body.tokens).toBe(counters('o200k_base').countTokens(JSON.stringify(sections)));
      expect(res.body.tokens).toBeLessThanOrEqual(max_tokens);
      const items = sections.flatMap((s) => s.items);
      expect(items).toHaveLength(res.body.memory_count);
      expect(Object.keys(items[0] ?? {}).sort()).toEqual(
        ['content', 'importance', 'memory_id', 'tags', 'time'].sort(),
      );
      expect(sections.map((s) => s.title)).toEqual(
        ['Recent Actions', 'Decisions', 'Entities', 'Session Notes'].filter((title) =>
          sections.some((s) => s.title === title),
        ),
      );
    }
  });

  it('answers chat messages holding the markdown for format messages', async () => {
    const id = await sessionOf('messages', SCRIPTS.emoji as readonly string[]);
    const markdown = await api.post(`/api/v1/sessions/${id}/context`, { max_tokens: 300 });
    const res = await api.post(`/api/v1/sessions/${id}/context`, {
      max_tokens: 300,
      format: 'messages',
    });
    expect(res.status).toBe(200);
    expect(res.body.context).toEqual([{ role: 'system', content: markdown.body.context }]);
    expect(res.body.tokens).toBe(markdown.body.tokens);
    expect(res.body.tokens).toBeLessThanOrEqual(300);
  });

  it('cuts a memory that alone exceeds the budget, visibly, and counts it', async () => {
    const id = 'sess_long';
    const res = await api.post('/api/v1/memories', {
      agent_id: 'agent_budget',
      session_id: id,
      content: '长'.repeat(3000),
      importance: 1,
    });
    expect(res.status).toBe(201);
    const got = await api.post(`/api/v1/sessions/${id}/context`, { max_tokens: 50 });
    expect(got.status).toBe(200);
    expect(got.body.context).toMatch(
      /^## Session Context \(sess_long\)\n\n### Recent Actions \(1\)\n- 长+…$/,
    );
    expect(got.body).toMatchObject({ memory_count: 1, omitted_count: 0, truncated: true });
    expect(got.body.tokens).toBeLessThanOrEqual(50);
  });

  it('refuses an unknown tokenizer or format with a clear 400', async () => {
    const id = await sessionOf('bad', SCRIPTS.code as readonly string[]);
    const bad = await api.post(`/api/v1/sessions/${id}/context`, { tokenizer: 'gpt2' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      error: 'invalid_request',
      message: 'tokenizer must be one of o200k_base, cl100k_base',
    });
    const format = await api.post(`/api/v1/sessions/${id}/context`, { format: 'html' });
    expect(format.status).toBe(400);
    expect(format.body.message).toBe('format must be one of markdown, json, messages');
    const type = await api.post(`/api/v1/sessions/${id}/context`, { tokenizer: 5 });
    expect(type.status).toBe(400);
  });
  it('keeps the memories matching `query` first within max_tokens, after pinned ones', async () => {
    // Arrange: a pinned note, an important note that does not match, an unimportant one that does
    const id = 'sess_query';
    const at = (minutesAgo: number) => new Date(t.clock.now() - minutesAgo * 60_000).toISOString();
    const memories = [
      { content: 'ops runbook', importance: 0, pinned: true, time: at(3) },
      { content: 'cache warmed', importance: 1, time: at(2) },
      { content: 'deploy failed', importance: 0, time: at(1) },
    ].map((m) => ({ agent_id: 'agent_budget', session_id: id, ...m }));
    const stored = await api.post('/api/v1/memories', { memories });
    expect(stored.body).toMatchObject({ count: 3, duplicates: 0 });
    const expected = `## Session Context (${id})\n\n### Recent Actions (2)\n- deploy failed\n- ops runbook`;
    // Room for exactly two lines ('cache warmed' costs what 'deploy failed' does).
    const max_tokens = counters('o200k_base').countTokens(expected);

    // Act
    const ranked = await api.post(`/api/v1/sessions/${id}/context`, {
      max_tokens,
      query: 'deploy',
    });
    const unranked = await api.post(`/api/v1/sessions/${id}/context`, { max_tokens });
    const sections = await api.post(`/api/v1/sessions/${id}/context`, {
      max_tokens: 1000,
      query: 'deploy',
      format: 'json',
    });

    // Assert: the query ranks, it does not filter
    expect(ranked.status).toBe(200);
    expect(ranked.body).toMatchObject({
      context: expected,
      memory_count: 2,
      omitted_count: 1,
      truncated: true,
      tokens: max_tokens,
    });
    expect(unranked.body.context).toBe(
      `## Session Context (${id})\n\n### Recent Actions (2)\n- cache warmed\n- ops runbook`,
    );
    expect(sections.body).toMatchObject({ memory_count: 3, omitted_count: 0, truncated: false });
  });

  it('refuses a `query` the search language refuses with a clear 400', async () => {
    const id = await sessionOf('badquery', SCRIPTS.code as readonly string[]);
    const post = (query: unknown) =>
      api.post(`/api/v1/sessions/${id}/context`, { max_tokens: 100, query });
    const noWord = await post('"*" :');
    expect(noWord.status).toBe(400);
    expect(noWord.body).toMatchObject({
      error: 'invalid_request',
      message: 'query must contain at least one word (letters or digits)',
    });
    const long = await post('a'.repeat(1001));
    expect(long.status).toBe(400);
    expect(long.body.message).toBe('query must be at most 1000 characters');
    const many = await post(Array.from({ length: 33 }, (_, i) => `w${i}`).join(' '));
    expect(many.status).toBe(400);
    expect(many.body.message).toBe('query must have at most 32 terms (it has 33)');
    expect((await post(5)).status).toBe(400);
    // FTS syntax is literal text: never a 500.
    for (const q of ['NEAR(a b', 'a AND (b OR', '"unbalanced', '*', 'OR']) {
      expect([200, 400]).toContain((await post(q)).status);
    }
    const empty = await post('');
    expect(empty.status).toBe(200);
    expect(empty.body.memory_count as number).toBeGreaterThan(0);
  });
});
