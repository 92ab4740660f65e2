import { DomainError } from '../../../domain/index.js';

/** What pg attaches to a server error: the SQLSTATE and, for constraint errors, the name. */
interface PgServerError {
  readonly code: string;
  readonly constraint?: string;
  readonly message: string;
}

/** Node socket errors that mean the server cannot be reached. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** pg's own messages for a lost, slow or closed connection (it sets no code on them). */
const UNAVAILABLE_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /query read timeout/i,
  /not queryable/i,
  /cannot use a pool after calling end/i,
  /client was closed/i,
  /connection is closed/i,
];

/**
 * SQLSTATEs that mean "the database cannot serve this now": class 08 (connection exception),
 * 53 (insufficient resources), 57P01-57P03 (shutdown, crash, not yet accepting), 57014 (statement
 * timeout), 40001/40P01 (serialisation failure, deadlock), 58 (system error).
 */
function isUnavailableState(code: string): boolean {
  return (
    code.startsWith('08') ||
    code.startsWith('53') ||
    code.startsWith('58') ||
    code === '57P01' ||
    code === '57P02' ||
    code === '57P03' ||
    code === '57014' ||
    code === '40001' ||
    code === '40P01'
  );
}

const hasCode = (e: unknown): e is { code: unknown; message?: unknown } =>
  typeof e === 'object' && e !== null && 'code' in e;

/** Whether `e` is a PostgreSQL error with this SQLSTATE. */
export function hasPgState(e: unknown, state: string): e is PgServerError {
  return hasCode(e) && e.code === state;
}

/** Whether `e` is a unique violation (23505), on the named constraint when one is given. */
export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  if (!hasPgState(e, '23505')) return false;
  return constraint === undefined || e.constraint === constraint;
}

/** Whether `e` means the database could not be reached or could not answer in time. */
export function isUnavailable(e: unknown): boolean {
  if (hasCode(e) && typeof e.code === 'string') {
    if (NETWORK_CODES.has(e.code) || isUnavailableState(e.code)) return true;
  }
  const message = e instanceof Error ? e.message : '';
  return UNAVAILABLE_MESSAGES.some((m) => m.test(message));
}

/**
 * Translates driver failures into domain errors: unreachable, shut down, too slow or overloaded
 * becomes `unavailable` (code `STORAGE_UNAVAILABLE`); a unique violation not handled by the
 * caller becomes `conflict`; text PostgreSQL cannot store (U+0000 in jsonb) becomes `invalid`.
 * A DomainError or anything else (a bug) passes through unchanged.
 */
export function translatePgError(e: unknown): unknown {
  if (e instanceof DomainError) return e;
  if (isUnavailable(e)) {
    const reason = e instanceof Error ? e.message : String(e);
    return new DomainError('unavailable', 'STORAGE_UNAVAILABLE', `storage unavailable: ${reason}`);
  }
  if (isUniqueViolation(e)) {
    return new DomainError('conflict', 'CONFLICT', 'the record already exists');
  }
  if (hasPgState(e, '22P05') || hasPgState(e, '22021')) {
    return new DomainError(
      'invalid',
      'INVALID_REQUEST',
      'metadata cannot contain the character U+0000',
    );
  }
  return e;
}

/**
 * Runs driver work, translating its failures: first by `specific` (a constraint the caller
 * knows, e.g. a taken name), then by {@link translatePgError}.
 */
export async function withPg<T>(
  work: () => Promise<T>,
  specific: (e: unknown) => DomainError | undefined = () => undefined,
): Promise<T> {
  try {
    return await work();
  } catch (e) {
    throw specific(e) ?? translatePgError(e);
  }
}
