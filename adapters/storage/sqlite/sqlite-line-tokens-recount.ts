import type Database from 'better-sqlite3';
import type { LineTokens } from '../../../domain/index.js';

/** Memories one transaction of the recount counts. */
const BATCH_ROWS = 1000;

/**
 * Counts the line tokens of every memory once after migration 0017 marked them for it (see that
 * migration), with `lineTokens`: in rowid order, a batch per write transaction that also records
 * the rowid it reached, so an interrupted recount resumes there and two processes opening the
 * file together share the work; a count that is already right is not written again. Does
 * nothing once the mark is gone.
 * @returns how many memories were counted now
 */
export function recountLineTokens(db: Database.Database, lineTokens: LineTokens): number {
  const table = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'line_tokens_recount'")
    .get();
  if (table === undefined) return 0;
  const mark = db.prepare('SELECT after_rowid FROM line_tokens_recount');
  const rows = db.prepare(
    'SELECT rowid AS r, content FROM memories WHERE rowid > ? ORDER BY rowid LIMIT ?',
  );
  const write = db.prepare(
    'UPDATE memories SET line_tokens = @n WHERE rowid = @r AND line_tokens <> @n',
  );
  const advance = db.prepare('UPDATE line_tokens_recount SET after_rowid = ?');
  const done = db.prepare('DELETE FROM line_tokens_recount');
  let counted = 0;
  const batch = db.transaction((): boolean => {
    const at = mark.get() as { after_rowid: number } | undefined;
    if (at === undefined) return false;
    const found = rows.all(at.after_rowid, BATCH_ROWS) as { r: number; content: string }[];
    if (found.length === 0) {
      done.run();
      return false;
    }
    for (const { r, content } of found) write.run({ n: lineTokens(content), r });
    advance.run((found[found.length - 1] as { r: number }).r);
    counted += found.length;
    return true;
  });
  while (batch.immediate()) {
    // one batch per transaction, until the mark is gone
  }
  return counted;
}
