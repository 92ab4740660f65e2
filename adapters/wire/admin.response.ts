import {
  PERMISSIONS,
  type ApiKey,
  type ArcInstanceView,
  type IssuedKey,
  type Org,
  type Principal,
} from '../../domain/index.js';
import { arrayOf, count, isoTime, nullable, objectSchema, ref } from './json-schema.js';
import { iso } from './memory.response.js';

/** A key as listed: never the key itself. */
export function toKeyResponse(k: ApiKey) {
  return { key_id: k.id, name: k.name, permissions: k.permissions, created_at: iso(k.createdAt) };
}

/** A key just issued: the only response that carries `api_key`. */
export const toIssuedKeyResponse = (issued: IssuedKey) => ({
  ...toKeyResponse(issued.key),
  api_key: issued.apiKey,
});

/** The calling key (GET /auth/whoami): what it may do, never the key itself. */
export const toWhoamiResponse = (p: Principal, operator: boolean) => ({
  org_id: p.orgId,
  key_id: p.keyId,
  permissions: p.permissions,
  operator,
});

export const toKeyListResponse = (keys: readonly ApiKey[]) => ({
  keys: keys.map(toKeyResponse),
  count: keys.length,
});

export function toOrgResponse(o: Org) {
  return {
    org_id: o.id,
    name: o.name,
    created_at: iso(o.createdAt),
    retention: formatRetention(o.retentionMs),
  };
}

const UNITS = [
  ['w', 604_800_000],
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
] as const;

/** A retention as it was given (`30d`): in the largest unit that divides it; null stays null. */
export function formatRetention(ms: number | null): string | null {
  if (ms === null) return null;
  const [unit, size] = UNITS.find(([, n]) => ms % n === 0) ?? ['m', 60_000];
  return `${Math.round(ms / size)}${unit}`;
}

export const toCreatedOrgResponse = (created: { readonly org: Org; readonly apiKey: string }) => ({
  ...toOrgResponse(created.org),
  api_key: created.apiKey,
});

export const toOrgListResponse = (orgs: readonly Org[]) => ({
  orgs: orgs.map(toOrgResponse),
  count: orgs.length,
});

const API_KEY = {
  type: 'string',
  description: 'The key itself: shown in this response only, never again.',
  pattern: '^mtk_[A-Za-z0-9_-]{43}$',
  example: 'mtk_3q2-7Vb0W1xYzA4bC5dE6fG7hI8jK9lM0nO1pQ2rS3t',
};
const KEY_FIELDS = {
  key_id: { type: 'string', example: 'key_019c56b7f5c0a1b2c3d4e5f6' },
  name: { type: 'string', example: 'dashboard' },
  permissions: arrayOf({ type: 'string', enum: PERMISSIONS }, { example: ['read'] }),
  created_at: isoTime(),
};
const ORG_FIELDS = {
  org_id: { type: 'string', example: 'org_019c56b7f5c0a1b2c3d4e5f6' },
  name: { type: 'string', example: 'acme' },
  created_at: isoTime(),
  retention: nullable('string', {
    description:
      "The org's own retention (`30d`): its memories without an expiry of their own and not " +
      'pinned expire this long after their time. null: the server default applies ' +
      '(MEMTRACE_DEFAULT_RETENTION; unset keeps them).',
    example: '30d',
  }),
};

/** The documented schemas of the shapes above, by their OpenAPI component name. */
export const ADMIN_RESPONSE_SCHEMAS = {
  KeyResponse: objectSchema<ReturnType<typeof toKeyResponse>>(KEY_FIELDS, {
    description: 'An API key as listed: never the key itself.',
  }),
  IssuedKeyResponse: objectSchema<ReturnType<typeof toIssuedKeyResponse>>({
    ...KEY_FIELDS,
    api_key: API_KEY,
  }),
  KeyListResponse: objectSchema<ReturnType<typeof toKeyListResponse>>({
    keys: arrayOf(ref('KeyResponse')),
    count: count('Keys of the org that are not revoked.'),
  }),
  WhoamiResponse: objectSchema<ReturnType<typeof toWhoamiResponse>>({
    org_id: { type: 'string', example: 'org_default' },
    key_id: KEY_FIELDS.key_id,
    permissions: KEY_FIELDS.permissions,
    operator: {
      type: 'boolean',
      description: 'Whether the key is an admin key of the default org, which manages orgs.',
    },
  }),
  OrgResponse: objectSchema<ReturnType<typeof toOrgResponse>>(ORG_FIELDS),
  CreatedOrgResponse: objectSchema<ReturnType<typeof toCreatedOrgResponse>>({
    ...ORG_FIELDS,
    api_key: { ...API_KEY, description: "The new org's first admin key, shown only here." },
  }),
  OrgListResponse: objectSchema<ReturnType<typeof toOrgListResponse>>({
    orgs: arrayOf(ref('OrgResponse')),
    count: count('Every org.'),
  }),
};

/** An org's Arc instance: whether it has an API key, never the key. */
export function toArcInstanceResponse(i: ArcInstanceView) {
  return {
    org_id: i.orgId,
    url: i.url,
    database: i.database,
    measurement: i.measurement,
    api_key_set: i.apiKeySet,
    created_at: iso(i.createdAt),
    updated_at: iso(i.updatedAt),
  };
}

/** The documented schema of {@link toArcInstanceResponse}. */
export const ARC_RESPONSE_SCHEMAS = {
  ArcInstanceResponse: objectSchema<ReturnType<typeof toArcInstanceResponse>>(
    {
      org_id: { type: 'string', example: 'org_019c56b7f5c0a1b2c3d4e5f6' },
      url: { type: 'string', example: 'https://arc.acme.internal:8000' },
      database: { type: 'string', example: 'acme' },
      measurement: { type: 'string', example: 'events' },
      api_key_set: {
        type: 'boolean',
        description: 'Whether an API key is stored (encrypted); the key itself is never shown.',
      },
      created_at: isoTime(),
      updated_at: isoTime(),
    },
    { description: "The Arc instance an org's memories are routed to." },
  ),
};
