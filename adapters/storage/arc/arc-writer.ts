import { DomainError } from '../../../domain/index.js';
import { ArcWriteInDoubt, type ArcClient, type ArcTarget } from './arc-client.js';
import { CONFIRM_AFTER_MS } from './arc-options.js';
import type { ArcQueries } from './arc-queries.js';
import type { ArcTargetState, InDoubtWrite } from './arc-target-state.js';
import { encodeWrite, type StoredMemory } from './arc-wire.js';

/**
 * Writes rows to Arc and keeps track of them: an acknowledged write is pending (merged into
 * reads) until Arc shows it; a write whose outcome is unknown is kept and resent, byte for byte,
 * before the next write to its database.
 */
export class ArcWriter {
  constructor(
    private readonly client: ArcClient,
    private readonly queries: ArcQueries,
    private readonly gzipAboveBytes: number,
  ) {}

  /**
   * One msgpack write of `rows`; once acknowledged they are pending, and Arc is asked which
   * pending writes it shows when the oldest has waited {@link CONFIRM_AFTER_MS}.
   * @throws DomainError `unavailable` when Arc did not confirm the write (it is then in doubt)
   */
  async write(
    target: ArcTarget,
    state: ArcTargetState,
    rows: readonly StoredMemory[],
  ): Promise<void> {
    if (rows.length === 0) return;
    const body = await encodeWrite(target.measurement, rows, this.gzipAboveBytes);
    try {
      await this.client.write(target, body);
    } catch (e) {
      if (e instanceof ArcWriteInDoubt) {
        state.inDoubt.push({ rows, body });
        throw inDoubtError(e);
      }
      throw e;
    }
    state.acknowledge(rows, Date.now());
    this.queries.wroteCreatedAt(target);
    const oldest = state.oldestAckedAt();
    if (oldest !== undefined && Date.now() - oldest >= CONFIRM_AFTER_MS) {
      void this.queries.confirm(target, state);
    }
  }

  /**
   * Resends writes whose outcome is unknown, byte for byte, before anything else is written
   * to that database: they are then stored (perhaps twice, which reads collapse) and visible
   * to the checks of the insert that follows.
   * @throws DomainError `unavailable` while Arc still does not confirm them
   */
  async resendInDoubt(target: ArcTarget, state: ArcTargetState): Promise<void> {
    while (state.inDoubt.length > 0) {
      const first = state.inDoubt[0] as InDoubtWrite;
      try {
        await this.client.write(target, first.body);
      } catch (e) {
        if (e instanceof ArcWriteInDoubt) throw inDoubtError(e);
        if (e instanceof DomainError) throw e;
        // Arc refuses it outright: it was never stored and never will be.
        state.inDoubt.shift();
        continue;
      }
      state.inDoubt.shift();
      state.acknowledge(first.rows, Date.now());
    }
  }
}

const inDoubtError = (e: Error) =>
  new DomainError(
    'unavailable',
    'STORAGE_UNAVAILABLE',
    `storage unavailable: ${e.message}; the write will be resent before the next one`,
  );
