import { invalid } from './errors.js';

/**
 * Limits an operator may tune (MEMTRACE_LIMITS_*): each bounds the work or the size one request
 * can cause, so that no valid request stalls the server or grows a record without bound.
 */
export interface Limits {
  /**
   * Most values one list filter may hold: `tags`, `memory_types` / `memory_type`,
   * `event_types` / `event_type`, `include_types`, `exclude_types`.
   */
  readonly maxFilterValues: number;
  /** Most tags one batch may carry, summed over its memories (after repeats are dropped). */
  readonly maxBatchTags: number;
  /**
   * Largest JSON object kept in one record, in bytes of its JSON text (UTF-8): a memory's
   * metadata, an agent's config, a session's metadata after every merge.
   */
  readonly maxMetadataBytes: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxFilterValues: 20,
  maxBatchTags: 50_000,
  maxMetadataBytes: 1024 * 1024,
};

/**
 * Refuses a list filter with more than `max` values (a value given twice counts twice).
 * @throws DomainError `invalid` naming the field and the limit
 */
export function checkFilterSize(field: string, values: readonly unknown[], max: number): void {
  if (values.length > max) {
    throw invalid(`${field} must have at most ${max} values, got ${values.length}`);
  }
}

/** How many bytes `text` takes in UTF-8 (a lone surrogate counts as the 3 of U+FFFD). */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** How many bytes the JSON text of `value` takes in UTF-8. */
export function jsonSize(value: unknown): number {
  return utf8Length(JSON.stringify(value) ?? '');
}

/**
 * Refuses a JSON object whose JSON text is longer than `max` bytes.
 * @param what how the message names it, e.g. `metadata`, `memories[3].metadata`
 * @throws DomainError `invalid` naming the field and the limit
 */
export function checkJsonSize(what: string, value: unknown, max: number): void {
  const bytes = jsonSize(value);
  if (bytes > max) {
    throw invalid(`${what} must be at most ${max} bytes of JSON, got ${bytes}`);
  }
}

/**
 * `current` with `patch` merged key by key, a null value removing its key (a Map, so a key such
 * as `__proto__` stays an ordinary key); with `maxBytes`, a merge whose JSON passes it throws.
 * @param what whose metadata, for the message (`memory`, `session`)
 * @throws DomainError `invalid` when the merged metadata is larger than `maxBytes`
 */
export function mergeMetadata(
  current: Readonly<Record<string, unknown>>,
  patch: Readonly<Record<string, unknown>>,
  maxBytes: number | undefined,
  what: string,
): Record<string, unknown> {
  const merged = new Map(Object.entries(current));
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) merged.delete(key);
    else merged.set(key, value);
  }
  const metadata = Object.fromEntries(merged);
  if (maxBytes !== undefined) {
    const bytes = jsonSize(metadata);
    if (bytes > maxBytes) {
      throw invalid(
        `metadata must keep the ${what}'s metadata at most ${maxBytes} bytes ` +
          `of JSON once merged, merged it would be ${bytes}`,
      );
    }
  }
  return metadata;
}
