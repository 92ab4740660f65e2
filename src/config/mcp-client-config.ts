import { ConfigError } from './config-error.js';
import type { Source } from './parse-setting.js';

/**
 * The settings of `memtrace mcp` (stdio), a client of a running server, read as the Go
 * version's memtrace-mcp reads them: MEMTRACE_URL (default http://localhost:9100) and
 * MEMTRACE_API_KEY.
 * @throws ConfigError when MEMTRACE_API_KEY is missing or MEMTRACE_URL is not an http(s) URL
 */
export function loadMcpClientConfig(env: Source = process.env): { url: string; apiKey: string } {
  const url = env.MEMTRACE_URL || 'http://localhost:9100';
  const apiKey = env.MEMTRACE_API_KEY;
  if (!apiKey) throw new ConfigError('MEMTRACE_API_KEY is required (an mtk_... key of the server)');
  if (!/^https?:\/\/[^/]/.test(url)) {
    throw new ConfigError(`MEMTRACE_URL must be an http(s) URL, got '${url}'`);
  }
  return { url, apiKey };
}
