import { describe, expect, it } from 'vitest';
import {
  cursorPosition,
  decodeCursor,
  DomainError,
  encodeCursor,
  nextCursor,
  type CursorScope,
} from '../../../domain/index.js';

const SCOPE: CursorScope = {
  orgId: 'org_a',
  list: 'memories',
  query: { agentId: 'agent_1', tags: ['a', 'b'], order: 'desc' },
};
const AT = { time: 1_770_494_400_123, seq: '9007199254740993' };

const refusal = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).kind).toBe('invalid');
    expect((e as DomainError).code).toBe('INVALID_CURSOR');
    return (e as DomainError).message;
  }
  throw new Error('not refused');
};

describe('encodeCursor and decodeCursor', () => {
  it('gives the position back, seq beyond 2^53 included, when the scope is the same', () => {
    const cursor = encodeCursor(SCOPE, AT);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(SCOPE, cursor)).toEqual(AT);
    // Key order and absent values of the query do not matter.
    const same = {
      ...SCOPE,
      query: { order: 'desc', sessionId: undefined, tags: ['a', 'b'], agentId: 'agent_1' },
    };
    expect(decodeCursor(same, cursor)).toEqual(AT);
  });

  it('round-trips every length of encoded text (no padding)', () => {
    for (let n = 0; n < 12; n++) {
      const scope = { ...SCOPE, list: 'x'.repeat(n) };
      const position = { time: n, seq: String(n * 7) };
      expect(decodeCursor(scope, encodeCursor(scope, position))).toEqual(position);
    }
  });

  it('carries a search score exactly (version 2), and positions without one stay version 1', () => {
    for (const score of [0.1 + 0.2, 1e-300, 12.345678901234567, 3]) {
      const at = { ...AT, score };
      expect(decodeCursor(SCOPE, encodeCursor(SCOPE, at))).toEqual(at);
    }
    const v1 = JSON.parse(Buffer.from(encodeCursor(SCOPE, AT), 'base64url').toString());
    expect(v1).toEqual({ v: 1, b: expect.any(String), t: AT.time, s: AT.seq });
    const body = (r: unknown) =>
      Buffer.from(JSON.stringify({ ...v1, v: 2, r })).toString('base64url');
    expect(decodeCursor(SCOPE, body(2.5))).toEqual({ ...AT, score: 2.5 });
    for (const r of ['2.5', null, undefined]) {
      expect(refusal(() => decodeCursor(SCOPE, body(r)))).toMatch(/^cursor is malformed/);
    }
  });

  it('binds the search text of a memory list', () => {
    const withQuery = { ...SCOPE, query: { ...SCOPE.query, query: 'deploy' } };
    const cursor = encodeCursor(withQuery, AT);
    const other = { ...SCOPE, query: { ...SCOPE.query, query: 'deploy*' } };
    expect(refusal(() => decodeCursor(other, cursor))).toMatch(/^cursor belongs to another query/);
    expect(refusal(() => decodeCursor(SCOPE, cursor))).toMatch(/^cursor belongs to another query/);
  });

  it.each([
    ['another org', { ...SCOPE, orgId: 'org_b' }],
    ['another list', { ...SCOPE, list: 'search' }],
    ['another filter', { ...SCOPE, query: { ...SCOPE.query, agentId: 'agent_2' } }],
    ['another order', { ...SCOPE, query: { ...SCOPE.query, order: 'asc' } }],
    ['a filter more', { ...SCOPE, query: { ...SCOPE.query, since: '2h' } }],
  ])('refuses a cursor used with %s', (_, scope) => {
    const cursor = encodeCursor(SCOPE, AT);
    expect(refusal(() => decodeCursor(scope, cursor))).toMatch(/^cursor belongs to another query/);
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'abc+/=='],
    ['one stray character', 'a'],
    ['not JSON', 'bm90IGpzb24'],
    ['JSON of another shape', Buffer.from('{"v":1}').toString('base64url')],
    ['another version', Buffer.from('{"v":2,"b":"x","t":1,"s":"1"}').toString('base64url')],
    [
      'a seq that is no number',
      Buffer.from('{"v":1,"b":"x","t":1,"s":"1e3"}').toString('base64url'),
    ],
    [
      'a time that is no integer',
      Buffer.from('{"v":1,"b":"x","t":1.5,"s":"1"}').toString('base64url'),
    ],
    ['too long', 'A'.repeat(600)],
    ['cut short', encodeCursor(SCOPE, AT).slice(0, -5)],
  ])('refuses a malformed cursor: %s', (_, cursor) => {
    expect(refusal(() => decodeCursor(SCOPE, cursor))).toMatch(/^cursor is malformed/);
  });
});

describe('cursorPosition', () => {
  it('is undefined without a cursor and refuses one next to a non-zero offset', () => {
    expect(cursorPosition(SCOPE, undefined, 5)).toBeUndefined();
    const cursor = encodeCursor(SCOPE, AT);
    expect(cursorPosition(SCOPE, cursor, 0)).toEqual(AT);
    expect(refusal(() => cursorPosition(SCOPE, cursor, 1))).toMatch(/non-zero offset/);
  });
});

describe('nextCursor', () => {
  it('points at the last row of the page when a row past it was read, else is null', () => {
    const positions = [1, 2, 3].map((n) => ({ time: n, seq: String(n) }));
    const next = nextCursor(SCOPE, positions, 2);
    expect(next).not.toBeNull();
    expect(decodeCursor(SCOPE, next as string)).toEqual(positions[1]);
    expect(nextCursor(SCOPE, positions, 3)).toBeNull();
    expect(nextCursor(SCOPE, [], 1)).toBeNull();
  });
});
