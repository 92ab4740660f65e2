export const PERMISSIONS = ['read', 'write', 'admin'] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const isPermission = (v: string): v is Permission =>
  (PERMISSIONS as readonly string[]).includes(v);

/** The org of the operator: its admins may create and list orgs. */
export const DEFAULT_ORG_ID = 'org_default';
export const DEFAULT_ORG_NAME = 'Default';

/** A tenant. Everything else belongs to exactly one org. */
export interface Org {
  /** `org_` + 24 hex, or `org_default`. */
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
  /**
   * The org's own retention in ms: its memories without an expiry of their own and not pinned
   * expire this long after their time. null: the configured default applies.
   */
  readonly retentionMs: number | null;
}

/** An API key as stored: never the key itself, only its SHA-256. */
export interface ApiKey {
  /** `key_` + 24 hex. */
  readonly id: string;
  readonly orgId: string;
  readonly name: string;
  /** SHA-256 of the whole key (`mtk_...`), 64 hex. */
  readonly keyHash: string;
  readonly permissions: readonly Permission[];
  readonly createdAt: number;
  /** Set when revoked; a revoked key authenticates nothing. */
  readonly revokedAt: number | null;
}

/** Who is calling: the org and permissions of a valid key. */
export interface Principal {
  readonly orgId: string;
  readonly keyId: string;
  readonly permissions: readonly Permission[];
  /**
   * The id of the request acting, when the caller's transport has one (the HTTP API's
   * `x-request-id`), so that what a service logs for it can be matched with the request log.
   */
  readonly requestId?: string;
}

/**
 * Who acted, as the logs of deletions say it: `org_id`, `key_id`, and `request_id` when the
 * principal has one.
 */
export function actorLogMeta(actor: Principal): Record<string, string> {
  return {
    org_id: actor.orgId,
    key_id: actor.keyId,
    ...(actor.requestId === undefined ? {} : { request_id: actor.requestId }),
  };
}
