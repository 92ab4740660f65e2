import { DomainError, matchesFilter, type MemoryFilter } from '../../../domain/index.js';
import type { ArcClient, ArcTarget } from './arc-client.js';
import { buildCount, buildFind, buildIds, filterConditions } from './arc-memory-query.js';
import type { ArcQueries } from './arc-queries.js';
import { chunkByLiteralLength, MAX_SQL_CHARS, sqlDeleteString } from './arc-sql.js';
import type { ArcTargetState } from './arc-target-state.js';
import { toInt } from './arc-wire.js';
import type { ArcWriter } from './arc-writer.js';

/** Flushes Arc asks for while this process's acknowledged writes are not all shown yet. */
const VISIBLE_ROUNDS = 4;
const VISIBLE_PAUSE_MS = 50;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Deletes memories from Arc. Arc deletes only rows of its flushed files (it rewrites them) and
 * leaves its buffer alone, and this process merges acknowledged writes into reads, so a delete
 * (under the target's insert lock, taken by the caller):
 * 1. resends writes in doubt first, so that no resend brings a deleted memory back later;
 * 2. asks Arc to flush its buffers, and waits until Arc shows every acknowledged write of this
 *    process that matches (flushing again a few times), so the delete reaches them;
 * 3. counts the matching memories (distinct ids: a resent write may be stored twice, and Arc's
 *    `deleted_count` counts each copy), deletes them with one request per chunk of ids (one
 *    request without an ids filter), checks that Arc deleted them (when it reports fewer rows
 *    than memories, by counting again), and forgets the matching acknowledged writes.
 * The WHERE is the org's filter with every value through `sqlDeleteString`.
 *
 * Not covered: a memory another process writes after the flush; another process that wrote a
 * memory and has not yet seen Arc show it keeps merging it into its own reads (for at most its
 * `readYourWritesMs`). A failure part way through a chunked delete leaves the earlier chunks
 * deleted (Arc has no transaction over several requests).
 */
export class ArcDeleter {
  constructor(
    private readonly client: ArcClient,
    private readonly queries: ArcQueries,
    private readonly writer: ArcWriter,
  ) {}

  /**
   * @returns how many memories of the org matched and were deleted
   * @throws DomainError `unavailable` when Arc cannot be reached, refuses deletes, or does not
   *   show this process's acknowledged writes after several flushes
   */
  async delete(
    target: ArcTarget,
    state: ArcTargetState,
    orgId: string,
    filter: MemoryFilter,
  ): Promise<number> {
    const f: MemoryFilter =
      filter.ids === undefined ? filter : { ...filter, ids: unique(filter.ids) };
    if (f.ids?.length === 0) return 0;
    await this.writer.resendInDoubt(target, state);
    // The matches, and every revision Arc may not show yet (its older one might match).
    const pending = state
      .pendingOf(orgId)
      .filter((p) => p.revision > 0 || matchesFilter(p.memory, f))
      .map((p) => p.memory.id);
    await this.client.flush(target);
    await this.untilShown(target, state, orgId, pending);
    // The matches are read by the latest revision of each memory; the delete names their ids,
    // so every revision of a match goes and none of another memory does.
    const ids = await this.idsShown(target, orgId, f);
    if (ids.length > 0) {
      const byIds = { ids, includeSuperseded: true };
      let deleted = 0;
      for (const chunk of this.idChunks(orgId, byIds)) {
        const where = filterConditions(orgId, chunk, sqlDeleteString).join(' AND ');
        deleted += await this.client.delete(target, where);
      }
      // Arc counts every copy it deleted, and skips a file it cannot read the WHERE on.
      const left = deleted < ids.length ? await this.count(target, orgId, byIds) : 0;
      if (left > 0) {
        throw unavailable(`Arc still shows ${left} of the memories it was asked to delete`);
      }
    }
    for (const id of [...pending, ...ids]) state.pending.delete(id);
    return ids.length;
  }

  /**
   * Waits until Arc shows every one of `ids` (acknowledged writes of this process) at its
   * pending revision, so the matches read next are Arc's own.
   */
  private async untilShown(
    target: ArcTarget,
    state: ArcTargetState,
    orgId: string,
    ids: readonly string[],
  ) {
    let missing = ids;
    for (let round = 0; missing.length > 0; round++) {
      const shown = new Map<string, number>();
      const rows = await this.queries.chunks(target, missing, (chunk) =>
        buildFind(
          target.measurement,
          orgId,
          { ids: chunk, includeSuperseded: true },
          'asc',
          null,
          0,
        ),
      );
      for (const r of rows) shown.set(String(r['id']), toInt(r['revision']));
      missing = missing.filter(
        (id) => (shown.get(id) ?? -1) < (state.pending.get(id)?.revision ?? 0),
      );
      if (missing.length === 0) return;
      if (round + 1 >= VISIBLE_ROUNDS) {
        throw unavailable(
          `Arc does not show ${missing.length} acknowledged memories after a flush, so it ` +
            'cannot delete them yet',
        );
      }
      await sleep(VISIBLE_PAUSE_MS * 2 ** round);
      await this.client.flush(target);
    }
  }

  /** How many distinct memories of the org match (the ids filter read in chunks). */
  private async count(target: ArcTarget, orgId: string, f: MemoryFilter): Promise<number> {
    if (f.ids !== undefined) return new Set(await this.idsShown(target, orgId, f)).size;
    const [row] = await this.queries.one(target, buildCount(target.measurement, orgId, f));
    return toInt(row?.['n']);
  }

  /** The ids of the org's memories matching `f`, one query per chunk of `f.ids`. */
  private async idsShown(target: ArcTarget, orgId: string, f: MemoryFilter): Promise<string[]> {
    const m = target.measurement;
    const all = { kind: 'all' } as const;
    const rows =
      f.ids === undefined
        ? await this.queries.rows(target, buildIds(m, orgId, f, all))
        : await this.queries.chunks(target, f.ids, (ids) => buildIds(m, orgId, { ...f, ids }, all));
    return rows.map((r) => String(r['id']));
  }

  /** The ids filter split so that each delete's WHERE stays short; `{}` when there is none. */
  private idChunks(orgId: string, f: MemoryFilter): { ids?: readonly string[] }[] {
    if (f.ids === undefined) return [{}];
    const rest = filterConditions(orgId, { ...f, ids: [] }, sqlDeleteString);
    const budget = MAX_SQL_CHARS - rest.join(' AND ').length;
    return chunkByLiteralLength(f.ids, budget, sqlDeleteString).map((ids) => ({ ids }));
  }
}

const unavailable = (reason: string) =>
  new DomainError(
    'unavailable',
    'STORAGE_UNAVAILABLE',
    `storage unavailable: ${reason}; try again`,
  );
const unique = (ids: readonly string[]) => [...new Set(ids)];
