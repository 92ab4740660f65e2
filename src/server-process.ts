import 'reflect-metadata';
import { loadConfig, type Config } from './config/index.js';
import { startHttpServer } from './http-server.js';
import { reportFailure } from './report-failure.js';

/**
 * Runs the server as this process (`npm start`, the container, `memtrace serve`): reads the
 * configuration, starts the HTTP server, and stops it on SIGTERM or SIGINT with exit code 0
 * (1 when stopping fails). On the first start of an empty store it prints the admin key to
 * stdout as plain lines, whatever the log format and level. A failure to start is one line
 * on stderr and exit code 1.
 */
export async function serve(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    return reportFailure(e);
  }
  let server;
  try {
    server = await startHttpServer(config);
  } catch (e) {
    return reportFailure(e);
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
