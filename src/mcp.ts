import { serveMcpStdio } from '../adapters/mcp/stdio.js';
import { Memtrace } from '../sdk/typescript/src/index.js';
import { ConfigError, loadMcpClientConfig } from './config/index.js';

/**
 * `memtrace mcp`: the MCP server on stdin/stdout, a client of the memtrace at MEMTRACE_URL
 * (default http://localhost:9100) with MEMTRACE_API_KEY, as the Go version's memtrace-mcp.
 * Without a key it prints one line to stderr and exits 1.
 */
export async function runMcpStdio(): Promise<void> {
  let config: { url: string; apiKey: string };
  try {
    config = loadMcpClientConfig();
  } catch (e) {
    process.stderr.write(`memtrace mcp: ${e instanceof ConfigError ? e.message : String(e)}\n`);
    process.exit(1);
  }
  await serveMcpStdio(new Memtrace(config.url, config.apiKey));
}
