import Database from 'better-sqlite3';
import { DomainError } from '../../../domain/index.js';

/** SQLite result codes that mean "the store cannot serve this now", not "the request is wrong". */
const UNAVAILABLE_CODES = [
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_IOERR',
  'SQLITE_FULL',
  'SQLITE_CANTOPEN',
  'SQLITE_READONLY',
  'SQLITE_CORRUPT',
  'SQLITE_NOTADB',
  'SQLITE_PROTOCOL',
];

/** The driver's error class: `code` is the (extended) SQLite result code, e.g. `SQLITE_BUSY`. */
export type SqliteError = InstanceType<typeof Database.SqliteError>;

/** Whether `e` is a SQLite error whose (extended) code starts with one of `codes`. */
export function hasSqliteCode(e: unknown, ...codes: string[]): e is SqliteError {
  return e instanceof Database.SqliteError && codes.some((c) => e.code.startsWith(c));
}

/** Whether `e` is a UNIQUE or PRIMARY KEY violation on `table.column` (or any, without one). */
export function isUniqueViolation(e: unknown, column?: string): boolean {
  if (!hasSqliteCode(e, 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY')) return false;
  return column === undefined || e.message.includes(column);
}

/**
 * Translates driver failures the caller cannot fix into DomainError `unavailable`; anything else
 * (already a DomainError, a bug) passes through unchanged.
 */
export function translateSqliteError(e: unknown): unknown {
  if (e instanceof DomainError) return e;
  if (hasSqliteCode(e, ...UNAVAILABLE_CODES)) {
    return new DomainError(
      'unavailable',
      'STORAGE_UNAVAILABLE',
      `storage unavailable: ${e.message}`,
    );
  }
  // better-sqlite3 throws a TypeError on a closed connection.
  if (e instanceof TypeError && /database connection is not open/i.test(e.message)) {
    return new DomainError('unavailable', 'STORAGE_UNAVAILABLE', 'storage unavailable: closed');
  }
  return e;
}

/** Runs synchronous driver work, translating its failures (see {@link translateSqliteError}). */
export function withSqlite<T>(work: () => T): T {
  try {
    return work();
  } catch (e) {
    throw translateSqliteError(e);
  }
}

/** A failed insert as the port reports it: a taken id is a conflict, an outage unavailable. */
export function translateInsertError(e: unknown): unknown {
  if (isUniqueViolation(e, 'memories.id')) {
    return new DomainError('conflict', 'MEMORY_EXISTS', 'a memory with this id already exists');
  }
  return translateSqliteError(e);
}
