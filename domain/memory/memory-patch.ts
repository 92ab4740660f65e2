import { DomainError, invalid } from '../shared/errors.js';
import { checkJsonSize, DEFAULT_LIMITS, mergeMetadata } from '../shared/limits.js';
import { checkImportance, checkTags, isPlainObject } from '../shared/rules.js';
import { parseTimestamp } from '../shared/time-expression.js';
import type { Memory } from './memory.js';

/**
 * A correction of a stored memory's mutable fields; absent fields stay as they are. Content,
 * agent, types and session never change: a corrected fact is a new memory that `supersedes` the
 * old one. A new mutable field is one more optional member here and one more line in
 * {@link applyMemoryPatch}.
 */
export interface MemoryPatch {
  readonly importance?: number;
  /** Replaces the tags (repeats dropped, first position kept). */
  readonly tags?: readonly string[];
  /** Merged key by key; a key set to null is removed. */
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** true: never expires (its own expiry is cleared); false: the expiry rules apply again. */
  readonly pinned?: boolean;
  /** Its own expiry in ms since the epoch; null removes it (the org's retention applies again). */
  readonly expiresAt?: number | null;
  /**
   * The largest the merged metadata may be, in bytes of JSON: a merge past it changes nothing
   * and throws. Checked on the stored memory inside the store's atomic step.
   */
  readonly maxMetadataBytes?: number;
}

/** A patch as a caller sends it, with its field names as the API spells them. */
export interface MemoryPatchInput {
  readonly importance?: unknown;
  readonly tags?: unknown;
  readonly metadata?: unknown;
  readonly pinned?: unknown;
  readonly expires_at?: unknown;
  readonly [field: string]: unknown;
}

/** Fields a patch may not touch: changing them makes another memory. */
export const IMMUTABLE_MEMORY_FIELDS = [
  'content',
  'agent_id',
  'memory_type',
  'event_type',
  'session_id',
] as const;

const PATCHABLE_FIELDS = ['importance', 'tags', 'metadata', 'pinned', 'expires_at'] as const;

const PINNED_WITH_EXPIRY =
  'pinned must not be given with expires_at: a pinned memory never expires';

/**
 * Checks a patch and turns it into a {@link MemoryPatch}.
 * `pinned: true` clears the memory's own expiry; `expires_at` (ISO 8601, after `nowMs`) or null
 * sets or removes it; `pinned: true` with a non-null `expires_at` is refused.
 * @param nowMs the server's clock: a non-null `expires_at` must be after it
 * @throws DomainError `invalid`: an immutable field (the message says a correction is a new
 *   memory with `supersedes`), an unknown field, a value that breaks its rule, or no field at all
 */
export function toMemoryPatch(
  input: MemoryPatchInput,
  maxMetadataBytes: number = DEFAULT_LIMITS.maxMetadataBytes,
  nowMs = 0,
): MemoryPatch {
  const immutable = IMMUTABLE_MEMORY_FIELDS.find((f) => input[f] !== undefined);
  if (immutable !== undefined) {
    throw invalid(
      `${immutable} cannot be changed: a memory's content, agent, types and session are ` +
        'immutable; a correction is a new memory with supersedes: "<memory_id>"',
      'IMMUTABLE_FIELD',
    );
  }
  const unknown = Object.keys(input).find(
    (f) => input[f] !== undefined && !(PATCHABLE_FIELDS as readonly string[]).includes(f),
  );
  if (unknown !== undefined) {
    throw invalid(`${unknown} cannot be patched: only ${PATCHABLE_FIELDS.join(', ')} can`);
  }
  const patch: { -readonly [K in keyof MemoryPatch]: MemoryPatch[K] } = { maxMetadataBytes };
  if (input.importance !== undefined) {
    if (typeof input.importance !== 'number') throw invalid('importance must be a number');
    patch.importance = checkImportance('importance', input.importance);
  }
  if (input.tags !== undefined) {
    if (!Array.isArray(input.tags) || input.tags.some((t) => typeof t !== 'string')) {
      throw invalid('tags must be an array of strings');
    }
    patch.tags = checkTags('tags', input.tags as string[]);
  }
  if (input.metadata !== undefined) {
    if (!isPlainObject(input.metadata)) throw invalid('metadata must be a JSON object');
    checkJsonSize('metadata', input.metadata, maxMetadataBytes);
    patch.metadata = input.metadata;
  }
  if (input.pinned !== undefined) {
    if (typeof input.pinned !== 'boolean') throw invalid('pinned must be true or false');
    patch.pinned = input.pinned;
  }
  if (input.expires_at !== undefined) {
    patch.expiresAt = toPatchedExpiry(input.expires_at, nowMs);
    if (patch.pinned === true && patch.expiresAt !== null) throw invalid(PINNED_WITH_EXPIRY);
  }
  if (Object.keys(patch).length === 1) {
    throw invalid(`a patch must set at least one of ${PATCHABLE_FIELDS.join(', ')}`);
  }
  return patch;
}

function toPatchedExpiry(value: unknown, nowMs: number): number | null {
  if (value === null) return null;
  if (typeof value !== 'string') throw invalid('expires_at must be an ISO 8601 time or null');
  const expiresAt = parseTimestamp('expires_at', value);
  if (expiresAt <= nowMs) throw invalid('expires_at must be in the future');
  return expiresAt;
}

/**
 * The memory after `patch`: importance and tags replaced, metadata merged key by key with a
 * null value removing its key, `pinned: true` clearing the expiry. Every store applies it inside
 * one atomic step, so concurrent patches never lose each other's keys.
 * @throws DomainError `invalid` when the merged metadata passes `patch.maxMetadataBytes`, or an
 *   expiry is set on a memory that is pinned and stays pinned (unpin it in the same patch)
 */
export function applyMemoryPatch(m: Memory, patch: MemoryPatch): Memory {
  const metadata =
    patch.metadata === undefined
      ? m.metadata
      : mergeMetadata(m.metadata, patch.metadata, patch.maxMetadataBytes, 'memory');
  const pinned = patch.pinned ?? m.pinned;
  let expiresAt = patch.expiresAt === undefined ? m.expiresAt : patch.expiresAt;
  if (pinned && expiresAt !== null) {
    if (patch.expiresAt !== undefined) {
      throw invalid(`${PINNED_WITH_EXPIRY}; send pinned: false with it to unpin the memory`);
    }
    expiresAt = null; // pinned now: its own expiry goes
  }
  return {
    ...m,
    importance: patch.importance ?? m.importance,
    tags: patch.tags === undefined ? m.tags : [...new Set(patch.tags)],
    metadata,
    pinned,
    expiresAt,
  };
}

/** A `supersedes` naming no memory of the org. */
export const supersededNotFound = (id: string): DomainError =>
  new DomainError('not_found', 'MEMORY_NOT_FOUND', `supersedes: memory ${id} not found`);

/** A `supersedes` naming a memory another one already corrects: chains stay linear. */
export const alreadySuperseded = (id: string, by: string | null): DomainError =>
  new DomainError(
    'conflict',
    'ALREADY_SUPERSEDED',
    `supersedes: memory ${id} is already superseded` +
      (by === null ? '' : ` by ${by}; supersede the newest version instead`),
    by === null ? undefined : { superseded_by: by },
  );
