import type pg from 'pg';
import {
  DomainError,
  type ApiKey,
  type AuthStore,
  type Org,
  type RevokeOutcome,
} from '../../../domain/index.js';
import { hasPgState, withPg } from './pg-errors.js';
import { inTransaction } from './pg-pool.js';
import {
  API_KEY_COLUMNS,
  apiKeyToParams,
  ORG_COLUMNS,
  orgToParams,
  rowToApiKey,
  rowToOrg,
  type ApiKeyRow,
  type OrgRow,
} from './row-mappers.js';

/** The advisory lock every process takes to bootstrap, so only one can see the store empty. */
export const BOOTSTRAP_LOCK_KEY = 0x6d74_0002;

const INSERT_ORG = `INSERT INTO orgs (${ORG_COLUMNS}) VALUES ($1, $2, $3, $4)`;
const INSERT_KEY = `INSERT INTO api_keys (${API_KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`;

const isUniqueOn = (e: unknown, table: string): boolean =>
  hasPgState(e, '23505') && (e as { table?: string }).table === table;

const keyConflict = (e: unknown): DomainError | undefined =>
  isUniqueOn(e, 'api_keys')
    ? new DomainError('conflict', 'KEY_EXISTS', 'an API key with this id or hash already exists')
    : undefined;

/** {@link AuthStore} on PostgreSQL: `orgs` and `api_keys` (only SHA-256 hashes of keys). */
export class PostgresAuthStore implements AuthStore {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * Creates the org and its first key only when no org exists, in one transaction holding a
   * transaction-level advisory lock: of several processes starting at once, the first checks
   * and inserts, the others wait, then see an org and create nothing.
   * @returns whether they were created
   */
  async bootstrap(org: Org, key: ApiKey): Promise<boolean> {
    return withPg(() =>
      inTransaction(this.pool, async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK_KEY]);
        const { rowCount } = await client.query('SELECT 1 FROM orgs LIMIT 1');
        if ((rowCount ?? 0) > 0) return false;
        await client.query(INSERT_ORG, orgToParams(org));
        await client.query(INSERT_KEY, apiKeyToParams(key));
        return true;
      }),
    );
  }

  /**
   * Creates an org and its first key together (both or neither).
   * @throws DomainError `conflict` (code `ORG_EXISTS`) when an org has that name or id
   */
  async createOrg(org: Org, key: ApiKey): Promise<void> {
    await withPg(
      () =>
        inTransaction(this.pool, async (client) => {
          await client.query(INSERT_ORG, orgToParams(org));
          await client.query(INSERT_KEY, apiKeyToParams(key));
        }),
      (e) =>
        isUniqueOn(e, 'orgs')
          ? new DomainError('conflict', 'ORG_EXISTS', `org '${org.name}' already exists`)
          : keyConflict(e),
    );
  }

  /** Sets the org's own retention (null removes it); null when there is no such org. */
  async setRetention(id: string, retentionMs: number | null): Promise<Org | null> {
    return withPg(async () => {
      const { rows } = await this.pool.query<OrgRow>(
        `UPDATE orgs SET retention_ms = $2 WHERE id = $1 RETURNING ${ORG_COLUMNS}`,
        [id, retentionMs],
      );
      return rows[0] ? rowToOrg(rows[0]) : null;
    });
  }

  /** The org with this id, or null. */
  async findOrg(id: string): Promise<Org | null> {
    return withPg(async () => {
      const { rows } = await this.pool.query<OrgRow>(
        `SELECT ${ORG_COLUMNS} FROM orgs WHERE id = $1`,
        [id],
      );
      return rows[0] ? rowToOrg(rows[0]) : null;
    });
  }

  /** Every org, oldest first (ties: first inserted first). */
  async listOrgs(): Promise<Org[]> {
    return withPg(async () => {
      const { rows } = await this.pool.query<OrgRow>(
        `SELECT ${ORG_COLUMNS} FROM orgs ORDER BY created_at, seq`,
      );
      return rows.map(rowToOrg);
    });
  }

  /**
   * Stores a new key.
   * @throws DomainError `conflict` (code `KEY_EXISTS`) when its id or hash is already stored
   */
  async createKey(key: ApiKey): Promise<void> {
    await withPg(() => this.pool.query(INSERT_KEY, apiKeyToParams(key)), keyConflict);
  }

  /** The key (revoked or not) whose hash is `keyHash`, or null. */
  async findKeyByHash(keyHash: string): Promise<ApiKey | null> {
    return withPg(async () => {
      const { rows } = await this.pool.query<ApiKeyRow>(
        `SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE key_hash = $1`,
        [keyHash],
      );
      return rows[0] ? rowToApiKey(rows[0]) : null;
    });
  }

  /** The org's keys that are not revoked, oldest first (ties: first inserted first). */
  async listKeys(orgId: string): Promise<ApiKey[]> {
    return withPg(async () => {
      const { rows } = await this.pool.query<ApiKeyRow>(
        `SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE org_id = $1 AND revoked_at IS NULL ` +
          'ORDER BY created_at, seq',
        [orgId],
      );
      return rows.map(rowToApiKey);
    });
  }

  /** The org's key with this id (revoked or not), or null. */
  async findKey(orgId: string, id: string): Promise<ApiKey | null> {
    return withPg(async () => {
      const { rows } = await this.pool.query<ApiKeyRow>(
        `SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE id = $1 AND org_id = $2`,
        [id, orgId],
      );
      return rows[0] ? rowToApiKey(rows[0]) : null;
    });
  }

  /**
   * Revokes the key unless it is the org's last admin key, in one transaction that first locks
   * the org's row: revocations of one org's keys (from any process) queue there, and each counts
   * the admin keys that those before it left (READ COMMITTED: every statement sees what committed
   * before it started).
   */
  async revokeKey(orgId: string, id: string, nowMs: number): Promise<RevokeOutcome> {
    return withPg(() =>
      inTransaction(this.pool, async (client) => {
        await client.query('SELECT 1 FROM orgs WHERE id = $1 FOR UPDATE', [orgId]);
        const { rows } = await client.query<{ id: string; admin: boolean }>(
          "SELECT id, 'admin' = ANY(permissions) AS admin FROM api_keys " +
            "WHERE org_id = $1 AND revoked_at IS NULL AND (id = $2 OR 'admin' = ANY(permissions))",
          [orgId, id],
        );
        const target = rows.find((r) => r.id === id);
        if (!target) return 'absent';
        if (target.admin && rows.filter((r) => r.admin).length <= 1) return 'last_admin';
        await client.query('UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND org_id = $3', [
          nowMs,
          id,
          orgId,
        ]);
        return 'revoked';
      }),
    );
  }
}
