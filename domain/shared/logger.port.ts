import { token } from './token.js';

export type LogMeta = Readonly<Record<string, unknown>>;

/** Structured logging. Never pass secrets (API keys) in `meta`. */
export interface Logger {
  debug(message: string, meta?: LogMeta): void;
  info(message: string, meta?: LogMeta): void;
  warn(message: string, meta?: LogMeta): void;
  error(message: string, meta?: LogMeta): void;
  /**
   * Whether lines of `level` are written at all, for a caller that would otherwise build one per
   * request only to have it dropped; a logger without it writes every level.
   */
  enabled?(level: 'debug' | 'info' | 'warn' | 'error'): boolean;
}
export const LOGGER = token<Logger>('memtrace/Logger');

/** A logger that drops everything; for tests and tools. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
