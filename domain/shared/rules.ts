import { invalid } from './errors.js';

/** `agent_id`, `session_id`, `parent_id`: a letter, then letters, digits, `_` or `-`; 128 at most. */
export const ID_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,127}$/;
/** A tag: letters, digits, `_`, `.` or `-`; 1..64 characters. Tags match exactly. */
export const TAG_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
/** `event_type`: a letter, then letters, digits or `_`; 64 at most. */
export const EVENT_TYPE_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

export const MAX_TAGS = 64;
export const MAX_DEDUP_KEY_LENGTH = 256;
export const MAX_NAME_LENGTH = 200;
export const MAX_DESCRIPTION_LENGTH = 10_000;

/** What {@link ID_PATTERN} asks, after the field's name. */
export const ID_RULE =
  "must start with a letter and contain only letters, digits, '_' or '-' (at most 128 characters)";

export function checkId(field: string, value: string): string {
  if (!ID_PATTERN.test(value)) throw invalid(`${field} ${ID_RULE}`);
  return value;
}

export function checkEventType(field: string, value: string): string {
  if (!EVENT_TYPE_PATTERN.test(value)) {
    throw invalid(
      `${field} must start with a letter and contain only letters, digits or '_' (at most 64 characters)`,
    );
  }
  return value;
}

export function checkTag(field: string, value: string): string {
  if (!TAG_PATTERN.test(value)) {
    throw invalid(
      `${field} must be 1 to 64 letters, digits, '_', '.' or '-', got '${value.slice(0, 80)}'`,
    );
  }
  return value;
}

/** Validates tags and drops repeats, keeping the first occurrence's position. */
export function checkTags(field: string, tags: readonly string[]): string[] {
  if (tags.length > MAX_TAGS) throw invalid(`${field} must have at most ${MAX_TAGS} tags`);
  tags.forEach((t, i) => checkTag(`${field}[${i}]`, t));
  return [...new Set(tags)];
}

export function checkImportance(field: string, value: number): number {
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw invalid(`${field} must be a number between 0 and 1`);
  }
  return value;
}

export function checkText(field: string, value: string, max: number): string {
  if (value.length === 0) throw invalid(`${field} must not be empty`);
  if (value.length > max) throw invalid(`${field} must be at most ${max} characters`);
  return value;
}

/** A JSON object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A UTF-16 surrogate without its other half. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Refuses a string that not every store keeps byte for byte: one with NUL (which PostgreSQL
 * text and jsonb refuse) or a lone surrogate (which UTF-8 cannot encode).
 * @throws DomainError `invalid` naming `field`
 */
export function checkStorableString(field: string, text: string): string {
  if (text.includes('\0')) throw invalid(`${field} must not contain NUL characters (\\u0000)`);
  if (LONE_SURROGATE.test(text)) {
    throw invalid(`${field} must be well-formed Unicode: it contains a lone surrogate`);
  }
  return text;
}

/**
 * Refuses a number JSON cannot carry: NaN or one beyond the range of a double (`1e309` parses
 * as Infinity and would be stored as null).
 * @throws DomainError `invalid` naming `field`
 */
export function checkStorableNumber(field: string, value: number): number {
  if (!Number.isFinite(value)) {
    throw invalid(`${field} must not contain numbers beyond the range of a double (e.g. 1e309)`);
  }
  return value;
}

/**
 * Refuses a JSON-like value (strings, keys and numbers at any depth, `__proto__` keys) that not
 * every store keeps byte for byte; the message names the path, as `metadata.a[2]`. Walks without
 * recursion.
 * @throws DomainError `invalid`
 */
export function checkStorable(field: string, value: unknown): void {
  const stack: { path: string; value: unknown }[] = [{ path: field, value }];
  while (stack.length > 0) {
    const { path, value: v } = stack.pop() as { path: string; value: unknown };
    if (typeof v === 'string') checkStorableString(path, v);
    else if (typeof v === 'number') checkStorableNumber(path, v);
    else if (Array.isArray(v))
      v.forEach((item, i) => stack.push({ path: `${path}[${i}]`, value: item }));
    else if (typeof v === 'object' && v !== null) {
      for (const [key, child] of Object.entries(v)) {
        // An own `__proto__` key (JSON.parse makes one) is lost by any code that copies the
        // object with assignments, so it cannot be kept reliably: refuse it, as the HTTP edge does.
        if (key === '__proto__') throw invalid(`${path} must not have a __proto__ key`);
        checkStorableString(`${path} key`, key);
        stack.push({ path: `${path}.${key}`, value: child });
      }
    }
  }
}
