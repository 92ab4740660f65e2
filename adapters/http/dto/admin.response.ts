import type { ApiKey, IssuedKey, Org } from '../../../domain/index.js';
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

export function toOrgResponse(o: Org) {
  return { org_id: o.id, name: o.name, created_at: iso(o.createdAt) };
}

export const toCreatedOrgResponse = (created: { readonly org: Org; readonly apiKey: string }) => ({
  ...toOrgResponse(created.org),
  api_key: created.apiKey,
});
