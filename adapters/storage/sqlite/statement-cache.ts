import type Database from 'better-sqlite3';

/**
 * Prepared statements keyed by SQL text, for queries built at run time. Bounded (least recently
 * used goes first) because IN lists and tag counts make the set of texts open-ended.
 */
export class StatementCache {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly capacity = 256,
  ) {}

  /** The prepared statement for `sql`, prepared now if it is not cached. */
  get(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (statement) {
      this.statements.delete(sql);
    } else {
      statement = this.db.prepare(sql);
      if (this.statements.size >= this.capacity) {
        const oldest = this.statements.keys().next();
        if (!oldest.done) this.statements.delete(oldest.value);
      }
    }
    this.statements.set(sql, statement);
    return statement;
  }
}
