import { parseArgs } from 'node:util';
import { startFakeArc } from './index.js';

/**
 * `npm run arc:dev -- [--port 8000] [--host 127.0.0.1] [--token <t>] [--data <dir>]
 * [--buffer-age <ms>] [--delete]`: runs the Arc server standalone so the arc driver can be tried
 * without Arc. Prints its URL on stdout; SIGTERM/SIGINT flush, close and exit 0.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8000' },
      host: { type: 'string', default: '127.0.0.1' },
      token: { type: 'string' },
      data: { type: 'string' },
      'buffer-age': { type: 'string' },
      delete: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const port = Number(values.port);
  const bufferAge = values['buffer-age'] === undefined ? 0 : Number(values['buffer-age']);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`--port must be 0..65535, got ${values.port}`);
  }
  if (!Number.isFinite(bufferAge) || bufferAge < 0) {
    throw new Error(`--buffer-age must be a number of milliseconds >= 0`);
  }
  const arc = await startFakeArc({
    port,
    host: values.host,
    authToken: values.token,
    dataDir: values.data,
    maxBufferAgeMs: bufferAge,
    deleteEnabled: values.delete,
  });
  process.stdout.write(`${arc.url}\n`);
  const shutdown = (): void => {
    arc.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
