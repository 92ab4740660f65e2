// The configuration: defaults, memtrace.toml and MEMTRACE_* variables. The only reader of the
// environment in memtrace; every other module is given a `Config`.
export type { Config, LogFormat, LogLevel } from './config.js';
export { ConfigError } from './config-error.js';
export { loadConfig } from './load-config.js';
export { loadMcpClientConfig } from './mcp-client-config.js';
export type { ArcConfig, PostgresConfig } from './storage-config.js';
