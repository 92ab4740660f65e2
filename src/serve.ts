import 'reflect-metadata';
import { isDomainError } from '../domain/index.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { startServer } from './server.js';

/**
 * Runs the server until SIGTERM or SIGINT. On the first start of an empty store it prints the
 * admin key to stdout as plain lines, whatever the log format and level.
 */
export async function serve(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    return fail(e);
  }
  let server;
  try {
    server = await startServer(config);
  } catch (e) {
    return fail(e);
  }
  if (server.firstRunKey !== null) {
    if (config.auth.bootstrapKey !== undefined) {
      process.stdout.write('FIRST RUN: admin API key set from MEMTRACE_AUTH_BOOTSTRAP_KEY\n');
    } else {
      process.stdout.write(
        `FIRST RUN: Save your admin API key (shown only once)\nAPI Key: ${server.firstRunKey}\n`,
      );
    }
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.close().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`memtrace: error while stopping on ${signal}: ${String(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

export function fail(e: unknown): void {
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
