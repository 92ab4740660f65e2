import type { StorageDriver } from '../storage.js';
import type { Limits } from '../../domain/index.js';
import type { ContextConfig } from './context-config.js';
import type { MemoryConfig } from './memory-config.js';
import type { ArcConfig, PostgresConfig } from './storage-config.js';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | 'silent';
export type LogFormat = 'console' | 'json';

export interface Config {
  readonly server: {
    readonly host: string;
    readonly port: number;
    readonly maxBodyBytes: number;
    readonly shutdownTimeoutMs: number;
    /** Node's maxHeaderSize: larger request heads get 431. */
    readonly maxHeaderBytes: number;
    /** Longer request targets (path and query) get 414. */
    readonly maxUrlBytes: number;
    /** Time a client has to send a whole request (0: no limit). */
    readonly requestTimeoutMs: number;
    /** Time a client has to send the request head. */
    readonly headersTimeoutMs: number;
    /** How long an idle keep-alive connection stays open. */
    readonly keepAliveTimeoutMs: number;
  };
  readonly storage: {
    readonly driver: StorageDriver;
    readonly sqlitePath: string;
    readonly sqliteSynchronous: 'full' | 'normal';
    /** How long a SQLite write waits for another process's lock before it is a 503. */
    readonly sqliteBusyTimeoutMs?: number;
    /**
     * Present when the driver is `postgres`, or `arc` with MEMTRACE_STORAGE_POSTGRES_URL set
     * (orgs, keys, agents and sessions then live in PostgreSQL rather than SQLite).
     */
    readonly postgres?: PostgresConfig;
    /** Present when the driver is `arc`. */
    readonly arc?: ArcConfig;
  };
  readonly log: { readonly level: LogLevel; readonly format: LogFormat };
  readonly dedup: { readonly enabled: boolean; readonly windowHours: number };
  /** Memory expiry: the default retention and the purge. */
  readonly memory: MemoryConfig;
  /** Session context: the tokenizer that counts `max_tokens` by default. */
  readonly context: ContextConfig;
  readonly auth: { readonly bootstrapKey?: string };
  /**
   * MEMTRACE_MASTER_KEY (environment only, never memtrace.toml): 32 bytes as 64 hex digits or
   * base64, checked here; it encrypts the API keys of per-org Arc instances at rest. Absent is
   * allowed until a key has to be encrypted or decrypted.
   */
  readonly secrets: { readonly masterKey?: string };
  /** GET /metrics and the request and store timing behind it (MEMTRACE_METRICS_ENABLED). */
  readonly metrics: { readonly enabled: boolean };
  /** Per-key rate limit; off unless enabled (the spec leaves it to a reverse proxy). */
  readonly rateLimit: {
    readonly enabled: boolean;
    readonly requestsPerMinute: number;
    readonly burst: number;
  };
  /** What one request may ask for or store (MEMTRACE_LIMITS_*); see the domain's `Limits`. */
  readonly limits: Limits;
  /** The memtrace.toml that was read, if any. */
  readonly file?: string;
}
