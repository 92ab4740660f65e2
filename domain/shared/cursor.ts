import { DomainError } from './errors.js';
import type { KeysetPosition } from './page.js';

/**
 * What a cursor is bound to: the org, the list it pages (`memories`, `search`, `sessions`,
 * `agents`) and the normalised filters and order of the request that issued it. A cursor used with
 * anything else is refused, so a page never continues a different query.
 */
export interface CursorScope {
  readonly orgId: string;
  readonly list: string;
  /** Filters and order, normalised (lists sorted, absent values left out); limit is not part. */
  readonly query: Readonly<Record<string, unknown>>;
}

/** 1: a time and a seq; 2 adds a search score (relevance order). Both stay decodable. */
const VERSION = 1;
const VERSION_WITH_SCORE = 2;
const MAX_CURSOR_LENGTH = 512;

const badCursor = (why: string): DomainError =>
  new DomainError('invalid', 'INVALID_CURSOR', `cursor ${why}`);

/** An opaque cursor (base64url) for the page that starts after `position`. */
export function encodeCursor(scope: CursorScope, position: KeysetPosition): string {
  const scored = position.score !== undefined;
  const body = JSON.stringify({
    v: scored ? VERSION_WITH_SCORE : VERSION,
    b: scopeHash(scope),
    t: position.time,
    s: position.seq,
    // A double's JSON text reads back as the same double, so the next page compares exactly.
    ...(scored ? { r: position.score } : {}),
  });
  return base64UrlEncode(new TextEncoder().encode(body));
}

/**
 * The position a cursor continues after.
 * @throws DomainError `invalid` (code `INVALID_CURSOR`) when the text is not a cursor, or was
 *   issued for another org, list, filters or order
 */
export function decodeCursor(scope: CursorScope, cursor: string): KeysetPosition {
  const parsed = cursor.length <= MAX_CURSOR_LENGTH ? parse(cursor) : null;
  if (parsed === null) {
    throw badCursor('is malformed: pass the next_cursor of an earlier page unchanged');
  }
  if (parsed.b !== scopeHash(scope)) {
    throw badCursor(
      'belongs to another query: a cursor continues only the org, filters and order of the ' +
        'request that returned it (limit may change)',
    );
  }
  return parsed.r === undefined
    ? { time: parsed.t, seq: parsed.s }
    : { time: parsed.t, seq: parsed.s, score: parsed.r };
}

interface CursorBody {
  readonly b: string;
  readonly t: number;
  readonly s: string;
  readonly r?: number;
}

function parse(cursor: string): CursorBody | null {
  const bytes = base64UrlDecode(cursor);
  if (bytes === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const scored = v['v'] === VERSION_WITH_SCORE;
  const ok =
    (v['v'] === VERSION || scored) &&
    typeof v['b'] === 'string' &&
    Number.isSafeInteger(v['t']) &&
    typeof v['s'] === 'string' &&
    /^[0-9]{1,19}$/.test(v['s']) &&
    (!scored || (typeof v['r'] === 'number' && Number.isFinite(v['r'])));
  if (!ok) return null;
  const body = { b: v['b'] as string, t: v['t'] as number, s: v['s'] as string };
  return scored ? { ...body, r: v['r'] as number } : body;
}

/** FNV-1a (64 bit) of the scope: enough to tell queries apart; cursors grant nothing by it. */
function scopeHash(scope: CursorScope): string {
  const text = JSON.stringify([scope.orgId, scope.list, sortedEntries(scope.query)]);
  let h = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= BigInt(byte);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

const sortedEntries = (q: Readonly<Record<string, unknown>>): [string, unknown][] =>
  Object.keys(q)
    .filter((k) => q[k] !== undefined)
    .sort()
    .map((k) => [k, q[k]]);

/** A sorted copy without repeats, or undefined for an absent or empty list (which filters nothing). */
export const normalisedList = (
  values: readonly string[] | undefined,
): readonly string[] | undefined =>
  values === undefined || values.length === 0 ? undefined : [...new Set(values)].sort();

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function base64UrlEncode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let c = 0; c < chars; c++) out += ALPHABET[(n >> (18 - 6 * c)) & 63];
  }
  return out;
}

function base64UrlDecode(text: string): Uint8Array | null {
  if (text.length === 0 || text.length % 4 === 1) return null;
  const bytes: number[] = [];
  let bits = 0;
  let acc = 0;
  for (const ch of text) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) return null;
    acc = ((acc << 6) | v) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((acc >> bits) & 0xff);
    }
  }
  return Uint8Array.from(bytes);
}

/**
 * The position a page request continues after: none without a cursor.
 * @throws DomainError `invalid` for a cursor together with a non-zero offset, or a cursor
 *   {@link decodeCursor} refuses
 */
export function cursorPosition(
  scope: CursorScope,
  cursor: string | undefined,
  offset: number,
): KeysetPosition | undefined {
  if (cursor === undefined) return undefined;
  if (offset !== 0) {
    throw badCursor(
      'cannot be combined with a non-zero offset: a cursor says where the page starts',
    );
  }
  return decodeCursor(scope, cursor);
}

/**
 * The cursor of the page after one read with one row more than `limit` (`positions` of every
 * row read): null when no row follows.
 */
export function nextCursor(
  scope: CursorScope,
  positions: readonly KeysetPosition[],
  limit: number,
): string | null {
  const last = positions[limit - 1];
  return positions.length > limit && last !== undefined ? encodeCursor(scope, last) : null;
}
