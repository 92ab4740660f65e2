/**
 * How many real tokens a session context has against its `max_tokens` (issue 16's starting point,
 * re-measured): sessions of Chinese, Japanese, emoji and ASCII source code, budgets 100, 500 and
 * 2000, the context counted by cl100k_base and o200k_base. "before" is the former rule (the whole
 * text within max_tokens × 4 characters, lines kept whole by importance then recency), re-run
 * here on the same sessions; "now" is the server's context with each tokenizer.
 *
 *   npx tsx test/reliability/context-tokens.ts
 */
import { createInMemoryStorage } from '../../adapters/storage/in-memory/index.js';
import { gptTokenCounters } from '../../adapters/tokenizer/gpt-token-counter.js';
import {
  compareContextPriority,
  contextLine,
  renderMarkdown,
  sectionHeader,
  type Memory,
  type TokenizerName,
} from '../../domain/index.js';
import { createMemtrace } from '../../src/core.js';
import { aMemory, BASE_TIME } from '../support/builders.js';
import { FixedClock } from '../support/fixed-clock.js';
import { SequentialIds } from '../support/sequential-ids.js';

const SESSION = 'sess_measure';
const counters = gptTokenCounters();

const SAMPLES: Record<string, readonly string[]> = {
  Chinese: [
    '用户决定使用PostgreSQL作为主数据库，因为需要完整的事务支持和复杂查询。',
    '抓取了三个产品页面，提取了价格和库存信息，并存入数据库。',
    '客户反馈新版本的搜索速度明显提升，但移动端界面仍需改进。',
  ],
  Japanese: [
    'ユーザーはPostgreSQLを主データベースとして使うことに決めました。',
    '東京の顧客データを分析し、売上が前年比で増加したことを確認しました。',
    '次のリリースでは検索機能の改善とモバイル画面の修正を予定しています。',
  ],
  emoji: ['🚀✅📦🔥', '😀😃😄😁😆😅🤣😂', '👨‍👩‍👧‍👦👍🏽🇯🇵🇫🇷'],
  'ASCII code': [
    'const rows = await db.query(`SELECT id, name FROM users WHERE org_id = $1`, [orgId]);',
    'export function retry<T>(fn: () => Promise<T>, n = 3): Promise<T> { return fn().catch((e) => (n > 0 ? retry(fn, n - 1) : Promise.reject(e))); }',
    'if (!res.ok) throw new Error(`HTTP ${res.status}: ${await res.text()}`);',
  ],
};

const sessionOf = (samples: readonly string[]): Memory[] =>
  Array.from({ length: 400 }, (_, i) =>
    aMemory({
      sessionId: SESSION,
      content: `${samples[i % samples.length] as string} #${i}`,
      importance: (i % 5) / 4,
      time: BASE_TIME + i * 1000,
      memoryType: (['episodic', 'decision', 'entity', 'session'] as const)[i % 4],
    }),
  );

/** The former rule: the whole text within max_tokens × 4 characters. */
function before(memories: Memory[], maxTokens: number): string {
  const budget = maxTokens * 4;
  let used = `## Session Context (${SESSION})`.length;
  const counts = new Map<string, number>();
  const kept: Memory[] = [];
  for (const m of [...memories].sort(compareContextPriority)) {
    const n = counts.get(m.memoryType) ?? 0;
    const header = (k: number) => sectionHeader(m.memoryType, k).length;
    const cost = (n === 0 ? 2 + header(1) : header(n + 1) - header(n)) + 1 + contextLine(m).length;
    if (used + cost > budget) continue;
    used += cost;
    counts.set(m.memoryType, n + 1);
    kept.push(m);
  }
  return renderMarkdown(
    SESSION,
    kept.sort((a, b) => b.time - a.time),
  );
}

const ratio = (tokens: number, max: number) => `${tokens} (${(tokens / max).toFixed(2)}×)`;

console.log(
  '| session | max_tokens | before: cl100k | before: o200k | now, cl100k_base | now, o200k_base |',
);
console.log('|---|---:|---:|---:|---:|---:|');
for (const [name, samples] of Object.entries(SAMPLES)) {
  const memories = sessionOf(samples);
  const storage = await createInMemoryStorage();
  await storage.memories.insert(memories, null);
  const context = createMemtrace({
    storage,
    clock: new FixedClock(BASE_TIME + 86_400_000),
    ids: new SequentialIds(),
  }).context;
  for (const maxTokens of [100, 500, 2000]) {
    const old = before(memories, maxTokens);
    const now: string[] = [];
    for (const tokenizer of ['cl100k_base', 'o200k_base'] as TokenizerName[]) {
      const started = performance.now();
      const got = await context.forSession('org_a', SESSION, { maxTokens, tokenizer });
      const ms = performance.now() - started;
      const exact = counters(tokenizer).countTokens(got.context as string);
      if (exact !== got.tokens || exact > maxTokens)
        throw new Error(`${name} ${maxTokens}: ${exact}`);
      now.push(`${ratio(exact, maxTokens)}, ${got.memoryCount} kept, ${ms.toFixed(0)} ms`);
    }
    const cl = counters('cl100k_base').countTokens(old);
    const o2 = counters('o200k_base').countTokens(old);
    console.log(
      `| ${name} | ${maxTokens} | ${ratio(cl, maxTokens)} | ${ratio(o2, maxTokens)} | ${now.join(' | ')} |`,
    );
  }
}
