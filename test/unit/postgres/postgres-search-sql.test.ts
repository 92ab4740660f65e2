import { describe, expect, it } from 'vitest';
import {
  searchSql,
  searchVectorSource,
  SIMPLE_TEXT_SEARCH,
  tsqueryText,
} from '../../../adapters/storage/postgres/postgres-search-sql.js';
import { Params } from '../../../adapters/storage/postgres/postgres-sql-params.js';
import { parseSearchQuery } from '../../../domain/index.js';

const ENGLISH = { config: 'english', exact: false };

describe('tsqueryText', () => {
  it('joins quoted lexemes with &, |, <-> and :* only', () => {
    expect(tsqueryText(parseSearchQuery('Deploy "failed on" stag* OR version-3*'))).toBe(
      "(('deploy') & ('failed' <-> 'on') & ('stag':*)) | (('version' <-> '3':*))",
    );
  });

  it('keeps every operator character of the input out of the query text', () => {
    const text = tsqueryText(parseSearchQuery("a'b & c|d !e <-> f:* (g) \\h"));
    expect(text).toBe("(('a' <-> 'b') & ('c' <-> 'd') & ('e') & ('f':*) & ('g') & ('h'))");
  });

  it('leaves out a group holding a word PostgreSQL cannot index, and gives null for none', () => {
    const long = '語'.repeat(700);
    expect(tsqueryText(parseSearchQuery(`${long} x OR y`))).toBe("(('y'))");
    expect(tsqueryText(parseSearchQuery(long))).toBeNull();
  });
});

describe('searchSql', () => {
  it('passes the query as one parameter, cast as it is under simple', () => {
    const p = new Params();
    const sql = searchSql(parseSearchQuery('lease'), SIMPLE_TEXT_SEARCH, p);
    expect(sql.match).toBe('m.search_vector @@ $1::tsquery');
    expect(sql.score).toBe('ts_rank_cd(m.search_vector, $1::tsquery, 1)::float8');
    expect(p.values).toEqual(["(('lease'))"]);
  });

  it('normalises the quoted lexemes through another configuration', () => {
    const p = new Params();
    const sql = searchSql(parseSearchQuery('leases'), ENGLISH, p);
    expect(sql.match).toBe('m.search_vector @@ to_tsquery($1::regconfig, $2)');
    expect(p.values).toEqual(['english', "(('leases'))"]);
  });

  it('matches nothing when no group can match', () => {
    const sql = searchSql(parseSearchQuery('語'.repeat(700)), SIMPLE_TEXT_SEARCH, new Params());
    expect(sql).toEqual({ match: 'false', score: '0::float8' });
  });
});

describe('searchVectorSource', () => {
  it('lists each word once with its positions under simple', () => {
    expect(searchVectorSource('Lease lost, lease RENEWED', SIMPLE_TEXT_SEARCH)).toBe(
      "'lease':1,3 'lost':2 'renewed':4",
    );
  });

  it('keeps the first 256 positions of a word and stores later ones at 16383', () => {
    const source = searchVectorSource(
      `${'a '.repeat(300)}${'b '.repeat(17000)}c`,
      SIMPLE_TEXT_SEARCH,
    );
    const [a, b, c] = source.split(' ');
    expect(a?.split(',')).toHaveLength(256);
    expect(b).toBe(`'b':${Array.from({ length: 256 }, (_, i) => 301 + i).join(',')}`);
    expect(c).toBe("'c':16383");
  });

  it('skips a word over 2047 bytes but keeps the place it held', () => {
    expect(searchVectorSource(`x ${'y'.repeat(2048)} z`, SIMPLE_TEXT_SEARCH)).toBe("'x':1 'z':3");
    expect(searchVectorSource(`x ${'y'.repeat(2048)} z`, ENGLISH)).toBe('x z');
  });

  it('gives the words joined by spaces for another configuration', () => {
    expect(searchVectorSource('Deployed: the services!', ENGLISH)).toBe('deployed the services');
  });
});
