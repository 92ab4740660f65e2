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
