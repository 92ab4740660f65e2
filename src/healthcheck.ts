import { loadConfig } from './config/index.js';
import { localUrl } from './local-url.js';

/**
 * Exits 0 when the server this configuration describes (environment and memtrace.toml, as the
 * server reads them) answers GET /ready with 200, else 1. The container image's HEALTHCHECK.
 */
async function healthcheck(): Promise<number> {
  const { host, port } = loadConfig().server;
  const res = await fetch(`${localUrl(host, port)}/ready`, { signal: AbortSignal.timeout(2500) });
  return res.ok ? 0 : 1;
}

healthcheck().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`memtrace healthcheck: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
