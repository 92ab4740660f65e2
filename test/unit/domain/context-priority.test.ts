import { describe, expect, it } from 'vitest';
import { gptTokenCounters } from '../../../adapters/tokenizer/gpt-token-counter.js';
import { contextPriority, formatSessionContext } from '../../../domain/index.js';
import { aMemory, BASE_TIME } from '../../support/builders.js';

const counter = gptTokenCounters()('o200k_base');

describe('contextPriority', () => {
  const pinnedLow = aMemory({ pinned: true, importance: 0, time: BASE_TIME });
  const relevant = aMemory({ importance: 0.1, time: BASE_TIME + 1 });
  const important = aMemory({ importance: 1, time: BASE_TIME + 2 });
  const newer = aMemory({ importance: 0.1, time: BASE_TIME + 3 });

  it('ranks pinned first, then importance, then recency without scores', () => {
    const sorted = [newer, important, relevant, pinnedLow].sort(contextPriority());
    expect(sorted).toEqual([pinnedLow, important, newer, relevant]);
  });

  it('ranks relevance after pinned and before importance when scores are given', () => {
    const scores = new Map([
      [relevant.id, 2],
      [pinnedLow.id, 0],
    ]);
    const sorted = [newer, important, relevant, pinnedLow].sort(contextPriority(scores));
    expect(sorted).toEqual([pinnedLow, relevant, important, newer]);
  });

  it('keeps a pinned memory over a more important one when only one fits', () => {
    const pinned = aMemory({ sessionId: 's', pinned: true, importance: 0, content: 'pinned note' });
    const other = aMemory({ sessionId: 's', importance: 1, content: 'important note' });
    const one = counter.countTokens(
      '## Session Context (s)\n\n### Recent Actions (1)\n- pinned note',
    );
    const made = formatSessionContext('s', [other, pinned], { maxTokens: one, counter });
    expect(made.context).toBe('## Session Context (s)\n\n### Recent Actions (1)\n- pinned note');
    expect(made).toMatchObject({ included: 1, omitted: 1, truncated: true, tokens: one });
  });
});
