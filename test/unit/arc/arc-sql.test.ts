import { describe, expect, it } from 'vitest';
import {
  chunkByLiteralLength,
  sqlIdent,
  sqlInList,
  sqlDeleteString,
  sqlNumber,
  sqlString,
} from '../../../adapters/storage/arc/arc-sql.js';
import { filterConditions } from '../../../adapters/storage/arc/arc-memory-query.js';

describe('sqlString', () => {
  it.each([
    ['', "''"],
    ['plain', "'plain'"],
    ["it's", "'it''s'"],
    ["''", "''''''"],
    ['back\\slash\\', "'back\\slash\\'"],
    ['é😀中', "'é😀中'"],
    ['load', "'load'"],
    ['SET x = 1', "'SET x = 1'"],
  ])('writes %j as one literal %s', (value, sql) => {
    expect(sqlString(value)).toBe(sql);
  });

  it('writes NUL, other control characters, DEL and ; as chr() so the SQL text holds none', () => {
    expect(sqlString('a\u0000b')).toBe("('a' || chr(0) || 'b')");
    expect(sqlString('\n\t\u001f\u007f')).toBe('(chr(10) || chr(9) || chr(31) || chr(127))');
    expect(sqlString("x'; DROP TABLE events")).toBe("('x''' || chr(59) || ' DROP TABLE events')");
  });

  it('splits -- and both comment marks across literals so none sits inside one', () => {
    expect(sqlString('a--b')).toBe("('a-' || '-b')");
    expect(sqlString('/*x*/')).toBe("('/' || '*x*' || '/')");
    expect(sqlString('---')).toBe("('-' || '-' || '-')");
    for (const v of ['a--b', '/*x*/', "--'; /* */ --", '-'.repeat(9)]) {
      const literals = sqlString(v).match(/'(?:[^']|'')*'/g) ?? [];
      for (const l of literals) expect(l).not.toMatch(/--|\/\*|\*\//);
    }
  });

  it('refuses a lone surrogate, which has no UTF-8 form', () => {
    expect(() => sqlString('a\uD800b')).toThrow(/lone surrogate/);
    expect(() => sqlString('\uDC00')).toThrow(/lone surrogate/);
  });
});

describe('sqlIdent', () => {
  it('double-quotes every name, Arc-refused words included, and doubles inner quotes', () => {
    expect(sqlIdent('load')).toBe('"load"');
    expect(sqlIdent('set')).toBe('"set"');
    expect(sqlIdent('a"b')).toBe('"a""b"');
    expect(sqlIdent('é')).toBe('"é"');
  });

  it('refuses an empty name and control characters', () => {
    expect(() => sqlIdent('')).toThrow();
    expect(() => sqlIdent('a\u0000')).toThrow();
    expect(() => sqlIdent('a\nb')).toThrow();
  });
});

describe('sqlNumber', () => {
  it('writes integers bare, bigints bare and other numbers as an explicit DOUBLE', () => {
    expect(sqlNumber(42)).toBe('42');
    expect(sqlNumber(-7)).toBe('-7');
    expect(sqlNumber(2n ** 62n)).toBe('4611686018427387904');
    expect(sqlNumber(0.49)).toBe("CAST('0.49' AS DOUBLE)");
    expect(sqlNumber(1e-7)).toBe("CAST('1e-7' AS DOUBLE)");
  });

  it('refuses NaN and infinities', () => {
    expect(() => sqlNumber(NaN)).toThrow();
    expect(() => sqlNumber(Infinity)).toThrow();
  });
});

describe('sqlInList', () => {
  it('matches nothing for an empty list and escapes every value', () => {
    expect(sqlInList('"x"', [])).toBe('FALSE');
    expect(sqlInList('"x"', ["a'", 'b'])).toBe(`"x" IN ('a''', 'b')`);
  });
});

describe('chunkByLiteralLength', () => {
  it('keeps every chunk within the budget and every value once, in order', () => {
    const values = Array.from({ length: 500 }, (_, i) => `mem_${i.toString().padStart(24, '0')}`);
    const chunks = chunkByLiteralLength(values, 1000);
    expect(chunks.flat()).toEqual(values);
    for (const c of chunks) {
      expect(c.map(sqlString).join(', ').length).toBeLessThanOrEqual(1000);
    }
  });
});

describe('sqlDeleteString', () => {
  it('keeps the plain literal when Arc accepts it in a delete WHERE', () => {
    expect(sqlDeleteString('mem_0123abcd')).toBe("'mem_0123abcd'");
    expect(sqlDeleteString("it's")).toBe("'it''s'");
    expect(sqlDeleteString('')).toBe("''");
  });

  it.each(['set', 'update-bot', 'a(b', 'x;y', 'a--b', '/*', 'DELETE FROM t', 'é (x)'])(
    'writes %j as the hex of its UTF-8 bytes, holding no word or mark Arc refuses',
    (value) => {
      const sql = sqlDeleteString(value);
      expect(sql).toBe(`decode(unhex('${Buffer.from(value, 'utf8').toString('hex')}'))`);
      expect(sql).not.toMatch(/;|--|\/\*|\b(SET|DELETE|UPDATE|SELECT|FROM)\b/i);
    },
  );

  it('refuses a lone surrogate as sqlString does', () => {
    expect(() => sqlDeleteString('a\uD800')).toThrow(/lone surrogate/);
  });
});

describe('filterConditions', () => {
  it('scopes to the org and writes the ids filter as an IN list, empty as FALSE', () => {
    expect(filterConditions('org_a', { ids: ['mem_1', "x'y"] })).toEqual([
      `"org_id" = 'org_a'`,
      `"id" IN ('mem_1', 'x''y')`,
    ]);
    expect(filterConditions('org_a', { ids: [] })).toEqual([`"org_id" = 'org_a'`, 'FALSE']);
  });

  it('writes every value through the literal it is given', () => {
    const c = filterConditions('org (a)', { ids: ['set'], agentId: 'a;b' }, sqlDeleteString);
    expect(c.join(' AND ')).not.toMatch(/;|\bset\b|org \(a\)/i);
    expect(c[0]).toBe(`"org_id" = ${sqlDeleteString('org (a)')}`);
  });
});
