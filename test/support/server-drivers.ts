import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The storage drivers the reliability tests run a real server process on. Each gives the
 * environment of a fresh, empty store and a raw view of what the store holds at rest.
 */
export interface ServerDriver {
  readonly name: 'sqlite' | 'postgres';
  /** False when the driver cannot run here; `reason` says why (shown as the skip reason). */
  readonly enabled: boolean;
  readonly reason: string;
  /** A fresh empty store. */
  open(): Promise<ServerStore>;
}

export interface ServerStore {
  /** MEMTRACE_* variables that point a server at this store. */
  readonly env: Record<string, string>;
  /** Everything the store holds at rest, as bytes (files) or row text (tables). */
  rawContents(): Promise<Buffer>;
  /** Removes the store. */
  close(): Promise<void>;
}

/**
 * Set to true once the PostgreSQL driver (issue 4) is committed: the Postgres variants of the
 * durability and auth-at-rest checks then run whenever MEMTRACE_TEST_POSTGRES_URL is set.
 */
export const POSTGRES_DRIVER_LANDED = true;

const POSTGRES_URL = process.env.MEMTRACE_TEST_POSTGRES_URL;

export const sqliteDriver: ServerDriver = {
  name: 'sqlite',
  enabled: true,
  reason: '',
  async open() {
    const dir = mkdtempSync(path.join(tmpdir(), 'memtrace-reliability-'));
    const file = path.join(dir, 'memtrace.db');
    return {
      env: { MEMTRACE_STORAGE_DRIVER: 'sqlite', MEMTRACE_STORAGE_SQLITE_PATH: file },
      async rawContents() {
        return Buffer.concat(
          [file, `${file}-wal`, `${file}-shm`]
            .filter((f) => existsSync(f))
            .map((f) => readFileSync(f)),
        );
      },
      async close() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

/** A database of its own per store, so a test never sees another's rows. */
export const postgresDriver: ServerDriver = {
  name: 'postgres',
  enabled: POSTGRES_DRIVER_LANDED && Boolean(POSTGRES_URL),
  reason: !POSTGRES_DRIVER_LANDED
    ? 'the PostgreSQL driver (issue 4) has not landed'
    : 'MEMTRACE_TEST_POSTGRES_URL is not set',
  async open() {
    const base = new URL(POSTGRES_URL as string);
    const name = `memtrace_rel_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: base.href });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(base.href);
    url.pathname = `/${name}`;
    const query = async <T extends pg.QueryResultRow>(sql: string): Promise<T[]> => {
      const client = new pg.Client({ connectionString: url.href });
      await client.connect();
      try {
        return (await client.query<T>(sql)).rows;
      } finally {
        await client.end();
      }
    };
    return {
      env: { MEMTRACE_STORAGE_DRIVER: 'postgres', MEMTRACE_STORAGE_POSTGRES_URL: url.href },
      async rawContents() {
        const tables = await query<{ schema: string; name: string }>(
          `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
           WHERE table_schema NOT IN ('pg_catalog', 'information_schema')
             AND table_type = 'BASE TABLE'`,
        );
        const parts: string[] = [];
        for (const t of tables) {
          const ident = `"${t.schema.replaceAll('"', '""')}"."${t.name.replaceAll('"', '""')}"`;
          const rows = await query<{ row: string }>(`SELECT t::text AS row FROM ${ident} t`);
          parts.push(...rows.map((r) => r.row));
        }
        return Buffer.from(parts.join('\n'), 'utf8');
      },
      async close() {
        const client = new pg.Client({ connectionString: base.href });
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await client.end();
      },
    };
  },
};

export const SERVER_DRIVERS: readonly ServerDriver[] = [sqliteDriver, postgresDriver];
