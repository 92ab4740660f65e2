import type Database from 'better-sqlite3';
import {
  DomainError,
  type ApiKey,
  type AuthStore,
  type Org,
  type RevokeOutcome,
} from '../../../domain/index.js';
import {
  apiKeyToRow,
  orgToRow,
  rowToApiKey,
  rowToOrg,
  type ApiKeyRow,
  type OrgRow,
} from './row-mappers.js';
import { isUniqueViolation, withSqlite } from './sqlite-errors.js';

const ORG_COLUMNS = 'id, name, created_at, retention_ms';
const KEY_COLUMNS = 'id, org_id, name, key_hash, permissions, created_at, revoked_at';

/** {@link AuthStore} on SQLite: `orgs` and `api_keys` (only SHA-256 hashes of keys). */
export class SqliteAuthStore implements AuthStore {
  private readonly insertOrg: Database.Statement<[OrgRow]>;
  private readonly insertKey: Database.Statement<[ApiKeyRow]>;
  private readonly anyOrg: Database.Statement<[], { one: number }>;
  private readonly selectOrg: Database.Statement<[string], OrgRow>;
  private readonly selectOrgs: Database.Statement<[], OrgRow>;
  private readonly updateRetention: Database.Statement<[number | null, string], OrgRow>;
  private readonly selectKeyByHash: Database.Statement<[string], ApiKeyRow>;
  private readonly selectKeys: Database.Statement<[string], ApiKeyRow>;
  private readonly selectKey: Database.Statement<[string, string], ApiKeyRow>;
  private readonly revoke: Database.Statement<[number, string, string]>;
  private readonly revokeTx: Database.Transaction<
    (orgId: string, id: string, nowMs: number) => RevokeOutcome
  >;
  private readonly bootstrapTx: Database.Transaction<(org: Org, key: ApiKey) => boolean>;
  private readonly createOrgTx: Database.Transaction<(org: Org, key: ApiKey) => void>;

  constructor(db: Database.Database) {
    this.insertOrg = db.prepare(
      `INSERT INTO orgs (${ORG_COLUMNS}) VALUES (@id, @name, @created_at, @retention_ms)`,
    );
    this.insertKey = db.prepare(
      `INSERT INTO api_keys (${KEY_COLUMNS}) ` +
        'VALUES (@id, @org_id, @name, @key_hash, @permissions, @created_at, @revoked_at)',
    );
    this.anyOrg = db.prepare('SELECT 1 AS one FROM orgs LIMIT 1');
    this.selectOrg = db.prepare(`SELECT ${ORG_COLUMNS} FROM orgs WHERE id = ?`);
    this.selectOrgs = db.prepare(`SELECT ${ORG_COLUMNS} FROM orgs ORDER BY created_at, seq`);
    this.updateRetention = db.prepare(
      `UPDATE orgs SET retention_ms = ? WHERE id = ? RETURNING ${ORG_COLUMNS}`,
    );
    this.selectKeyByHash = db.prepare(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE key_hash = ?`);
    this.selectKeys = db.prepare(
      `SELECT ${KEY_COLUMNS} FROM api_keys INDEXED BY idx_api_keys_org_created ` +
        'WHERE org_id = ? AND revoked_at IS NULL ORDER BY created_at, seq',
    );
    this.selectKey = db.prepare(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE id = ? AND org_id = ?`);
    this.revoke = db.prepare(
      'UPDATE api_keys SET revoked_at = ? WHERE id = ? AND org_id = ? AND revoked_at IS NULL',
    );
    this.revokeTx = db.transaction((orgId, id, nowMs) => {
      const target = this.selectKey.get(id, orgId);
      if (!target || target.revoked_at !== null) return 'absent';
      const isAdmin = (k: ApiKeyRow) => rowToApiKey(k).permissions.includes('admin');
      if (isAdmin(target) && this.selectKeys.all(orgId).filter(isAdmin).length <= 1) {
        return 'last_admin';
      }
      this.revoke.run(nowMs, id, orgId);
      return 'revoked';
    });
    this.bootstrapTx = db.transaction((org, key) => {
      if (this.anyOrg.get()) return false;
      this.insertOrg.run(orgToRow(org));
      this.insertKey.run(apiKeyToRow(key));
      return true;
    });
    this.createOrgTx = db.transaction((org, key) => {
      this.insertOrg.run(orgToRow(org));
      this.insertKey.run(apiKeyToRow(key));
    });
  }

  /**
   * Creates the org and its first key only when no org exists, in one IMMEDIATE transaction:
   * the check and the inserts hold the write lock, so of several processes exactly one wins.
   * @returns whether they were created
   */
  async bootstrap(org: Org, key: ApiKey): Promise<boolean> {
    return withSqlite(() => this.bootstrapTx.immediate(org, key));
  }

  /**
   * Creates an org and its first key together (both or neither).
   * @throws DomainError `conflict` (code `ORG_EXISTS`) when an org has that name or id
   */
  async createOrg(org: Org, key: ApiKey): Promise<void> {
    withSqlite(() => {
      try {
        this.createOrgTx.immediate(org, key);
      } catch (e) {
        if (isUniqueViolation(e, 'orgs.')) {
          throw new DomainError('conflict', 'ORG_EXISTS', `org '${org.name}' already exists`);
        }
        throw keyConflict(e);
      }
    });
  }

  /** Sets the org's own retention (null removes it); null when there is no such org. */
  async setRetention(id: string, retentionMs: number | null): Promise<Org | null> {
    return withSqlite(() => {
      const row = this.updateRetention.get(retentionMs, id);
      return row ? rowToOrg(row) : null;
    });
  }

  /** The org with this id, or null. */
  async findOrg(id: string): Promise<Org | null> {
    return withSqlite(() => {
      const row = this.selectOrg.get(id);
      return row ? rowToOrg(row) : null;
    });
  }

  /** Every org, oldest first (ties: first inserted first). */
  async listOrgs(): Promise<Org[]> {
    return withSqlite(() => this.selectOrgs.all().map(rowToOrg));
  }

  /**
   * Stores a new key.
   * @throws DomainError `conflict` (code `KEY_EXISTS`) when its id or hash is already stored
   */
  async createKey(key: ApiKey): Promise<void> {
    withSqlite(() => {
      try {
        this.insertKey.run(apiKeyToRow(key));
      } catch (e) {
        throw keyConflict(e);
      }
    });
  }

  /** The key (revoked or not) whose hash is `keyHash`, or null. */
  async findKeyByHash(keyHash: string): Promise<ApiKey | null> {
    return withSqlite(() => {
      const row = this.selectKeyByHash.get(keyHash);
      return row ? rowToApiKey(row) : null;
    });
  }

  /** The org's keys that are not revoked, oldest first (ties: first inserted first). */
  async listKeys(orgId: string): Promise<ApiKey[]> {
    return withSqlite(() => this.selectKeys.all(orgId).map(rowToApiKey));
  }

  /** The org's key with this id (revoked or not), or null. */
  async findKey(orgId: string, id: string): Promise<ApiKey | null> {
    return withSqlite(() => {
      const row = this.selectKey.get(id, orgId);
      return row ? rowToApiKey(row) : null;
    });
  }

  /**
   * Revokes the key unless it is the org's last admin key, in one IMMEDIATE transaction: the
   * count and the change hold the write lock, so revocations from several processes on one
   * file run one after another, each seeing what those before it left.
   */
  async revokeKey(orgId: string, id: string, nowMs: number): Promise<RevokeOutcome> {
    return withSqlite(() => this.revokeTx.immediate(orgId, id, nowMs));
  }
}

function keyConflict(e: unknown): unknown {
  return isUniqueViolation(e, 'api_keys.')
    ? new DomainError('conflict', 'KEY_EXISTS', 'an API key with this id or hash already exists')
    : e;
}
