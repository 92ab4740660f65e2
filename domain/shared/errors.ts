/**
 * The kinds of failure the core reports. The HTTP adapter maps each kind to one status code
 * in a single table; every other driving adapter (CLI, MCP) can rely on the same kinds.
 */
export type DomainErrorKind =
  'invalid' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict' | 'unavailable';

/** Base class of every error the domain and the storage adapters throw on purpose. */
export class DomainError extends Error {
  /**
   * @param kind what went wrong, in terms a caller can act on
   * @param code a stable machine-readable code, e.g. `MEMORY_NOT_FOUND`
   * @param message a human-readable sentence; for validation failures it starts with the field's name
   * @param details extra fields merged into the error body (never secrets)
   */
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** A request whose input breaks a rule. The message starts with the offending field's name. */
export const invalid = (message: string, code = 'INVALID_REQUEST'): DomainError =>
  new DomainError('invalid', code, message);

export const notFound = (what: string, code: string): DomainError =>
  new DomainError('not_found', code, `${what} not found`);

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
