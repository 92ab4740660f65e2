import { isDomainError } from '../domain/index.js';
import { ConfigError } from './config/index.js';

/**
 * Ends a command that failed: prints why as one `memtrace: ` line on stderr and sets the exit
 * code to 1 (the server, the `memtrace` command and the migration run share it).
 */
export function reportFailure(e: unknown): void {
  const reason =
    e instanceof ConfigError
      ? `invalid configuration: ${e.message}`
      : isDomainError(e)
        ? e.message
        : e instanceof Error
          ? e.message
          : String(e);
  process.stderr.write(`memtrace: ${reason}\n`);
  process.exitCode = 1;
}
