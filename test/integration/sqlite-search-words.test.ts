import { describe, expect, it } from 'vitest';
import { tokenizeWords } from '../../domain/index.js';
import { codePoints, fts5Words } from '../support/fts5-words.js';

/** Each text as tokenizeWords and as FTS5 read it, for the texts where they differ. */
function differences(texts: readonly string[]): [string, string[], string[]][] {
  const truth = fts5Words(texts);
  return texts
    .map((t, i): [string, string[], string[]] => [t, tokenizeWords(t), truth[i] ?? []])
    .filter(([, mine, theirs]) => JSON.stringify(mine) !== JSON.stringify(theirs));
}

describe('tokenizeWords agrees with SQLite FTS5 unicode61 (remove_diacritics 0)', () => {
  it('on tricky text: accents, combining marks, CJK, emoji, digits, underscores, apostrophes', () => {
    const texts = [
      'Café CAFÉ cafe\u0301 naïve',
      'e\u0301x a\u0300b \u0301lead x\u0308y',
      '中文分词 日本語テキスト 한국어',
      'emoji😀x 🚀rocket 👍🏽ok 🤖bot',
      'abc123 ١٢٣ ½ ² 3.14 1,000',
      "snake_case a-b a'b don’t it's",
      'Ωμέγα ΟΔΟΣ οδος ПРИВЕТ привет ſ µ',
      'x\u200by zero\u200dwidth soft\u00adhyphen',
      'ß ẞ ǅ ﬁ ＡＢＣ İstanbul Ꭰ',
      '\u0e01\u0e34 \u0915\u093f \u0d15\u0d4d',
      'private\ue000use NEAR(a b) "x" col:y ^z -w *',
      'tab\tnew\nline\u2028sep\u0085next',
    ];
    expect(differences(texts)).toEqual([]);
  });

  it('on every code point of the Basic Multilingual Plane and the emoji blocks, alone and inside a word', () => {
    const points = [...codePoints(1, 0xffff), ...codePoints(0x1f000, 0x1faff)];
    const chars = points.map((c) => String.fromCodePoint(c));
    expect(differences(chars.map((ch) => ` ${ch} `))).toEqual([]);
    expect(differences(chars.map((ch) => `Q${ch}Q`))).toEqual([]);
  });
});
