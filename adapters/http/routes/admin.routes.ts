import { DomainError } from '../../../domain/index.js';
import {
  toArcInstanceResponse,
  toCreatedOrgResponse,
  toIssuedKeyResponse,
  toKeyListResponse,
  toWhoamiResponse,
  toOrgListResponse,
  toOrgResponse,
} from '../../wire/admin.response.js';
import { PutRetentionRequest } from '../../wire/put-retention.request.js';
import { CreateKeyRequest } from '../../wire/create-key.request.js';
import { CreateOrgRequest } from '../../wire/create-org.request.js';
import { PutArcInstanceRequest } from '../../wire/put-arc-instance.request.js';
import { ref } from '../../wire/json-schema.js';
import { apiRoute, Reply, type ApiCall, type Route } from './route.js';

const noArcInstance = () =>
  new DomainError(
    'not_found',
    'ARC_INSTANCE_NOT_FOUND',
    'this org has no Arc instance of its own: it uses the default one',
  );

/** Routes the org `id` to its own Arc instance: 201 when it had none, 200 when replaced. */
async function putArcInstance({ deps, id, body }: ApiCall<unknown, PutArcInstanceRequest>) {
  const { instance, created } = await deps.arcInstances.configure(id, {
    url: body.url,
    database: body.database,
    ...(body.measurement !== undefined ? { measurement: body.measurement } : {}),
    apiKey: body.api_key ?? null,
  });
  return new Reply(created ? 201 : 200, toArcInstanceResponse(instance));
}

/**
 * /auth/whoami (any key, about itself), /keys (an org's admins manage its keys), /orgs (the operator manages orgs) and
 * /orgs/{id}/arc (the operator routes an org to its own Arc instance) and /orgs/{id}/retention
 * (the operator sets how long an org's memories live).
 */
export const ADMIN_ROUTES: readonly Route[] = [
  apiRoute({
    method: 'get',
    path: '/api/v1/auth/whoami',
    operationId: 'whoami',
    tag: 'admin',
    summary: 'The calling key: its org, id and permissions',
    description:
      'What a client (the web console) shows or hides for this key: `permissions` as issued, ' +
      'and `operator` when it is an admin key of the default org (it manages orgs).',
    access: 'key',
    ok: { 200: { description: 'The key.', schema: ref('WhoamiResponse') } },
    handle: async ({ deps, principal }) => {
      let operator = true;
      try {
        deps.auth.authorizeOperator(principal);
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        operator = false;
      }
      return toWhoamiResponse(principal, operator);
    },
  }),
  apiRoute({
    method: 'post',
    path: '/api/v1/keys',
    operationId: 'createKey',
    tag: 'admin',
    summary: 'Issue an API key for the org',
    access: 'admin',
    body: { required: true, dto: CreateKeyRequest },
    ok: {
      201: {
        description: 'Issued; `api_key` is shown only here.',
        schema: ref('IssuedKeyResponse'),
      },
    },
    errors: [413],
    handle: async ({ deps, orgId, body }) =>
      toIssuedKeyResponse(await deps.auth.createKey(orgId, body.name, body.permissions)),
  }),
  apiRoute({
    method: 'get',
    path: '/api/v1/keys',
    operationId: 'listKeys',
    tag: 'admin',
    summary: "The org's keys (never their secrets)",
    access: 'admin',
    ok: { 200: { description: 'The keys.', schema: ref('KeyListResponse') } },
    handle: async ({ deps, orgId }) => toKeyListResponse(await deps.auth.listKeys(orgId)),
  }),
  apiRoute({
    method: 'delete',
    path: '/api/v1/keys/{id}',
    operationId: 'revokeKey',
    tag: 'admin',
    summary: 'Revoke a key, effective on the next request',
    description: 'The last admin key of an org cannot be revoked (409).',
    access: 'admin',
    ok: { 204: { description: 'Revoked.' } },
    errors: [404, 409],
    handle: async ({ deps, orgId, id }) => {
      await deps.auth.revokeKey(orgId, id);
    },
  }),
  apiRoute({
    method: 'post',
    path: '/api/v1/orgs',
    operationId: 'createOrg',
    tag: 'admin',
    summary: 'Create an org with its first admin key',
    access: 'operator',
    body: { required: true, dto: CreateOrgRequest },
    ok: { 201: { description: 'Created.', schema: ref('CreatedOrgResponse') } },
    errors: [409, 413],
    handle: async ({ deps, body }) => toCreatedOrgResponse(await deps.auth.createOrg(body.name)),
  }),
  apiRoute({
    method: 'get',
    path: '/api/v1/orgs',
    operationId: 'listOrgs',
    tag: 'admin',
    summary: 'Every org',
    access: 'operator',
    ok: { 200: { description: 'The orgs.', schema: ref('OrgListResponse') } },
    handle: async ({ deps }) => toOrgListResponse(await deps.auth.listOrgs()),
  }),
  apiRoute({
    method: 'put',
    path: '/api/v1/orgs/{id}/retention',
    operationId: 'putOrgRetention',
    tag: 'admin',
    summary: "Set an org's default memory retention",
    description:
      "The org's memories without an expiry of their own (`ttl`, `expires_at`) and not pinned " +
      'expire this long after their time: from then on no read returns them, and the purge ' +
      'deletes them. Effective at once on every server. `null` removes it (the server default ' +
      'applies again). The org list shows it.',
    access: 'operator',
    body: { required: true, dto: PutRetentionRequest },
    ok: { 200: { description: 'Set.', schema: ref('OrgResponse') } },
    errors: [404, 413],
    handle: async ({ deps, id, body }) =>
      toOrgResponse(await deps.auth.setRetention(id, body.retention ?? null)),
  }),
  apiRoute({
    method: 'put',
    path: '/api/v1/orgs/{id}/arc',
    operationId: 'putOrgArcInstance',
    tag: 'admin',
    summary: "Route an org's memories to its own Arc instance (create or replace)",
    description:
      'Every field is replaced; an absent `api_key` means the instance needs none. The key is ' +
      'stored encrypted (AES-256-GCM under MEMTRACE_MASTER_KEY; 503 when that is not set) and ' +
      'never returned. Used by the `arc` storage driver: effective at once in this server, and ' +
      'within 1 s in every other one on the same store.',
    access: 'operator',
    body: { required: true, dto: PutArcInstanceRequest },
    ok: {
      200: { description: 'Replaced.', schema: ref('ArcInstanceResponse') },
      201: { description: 'Created.', schema: ref('ArcInstanceResponse') },
    },
    errors: [404, 413],
    handle: putArcInstance,
  }),
  apiRoute({
    method: 'get',
    path: '/api/v1/orgs/{id}/arc',
    operationId: 'getOrgArcInstance',
    tag: 'admin',
    summary: "The org's own Arc instance (never its API key)",
    description: 'A 404 when the org does not exist or uses the default Arc instance.',
    access: 'operator',
    ok: { 200: { description: 'The instance.', schema: ref('ArcInstanceResponse') } },
    errors: [404],
    handle: async ({ deps, id }) => {
      const instance = await deps.arcInstances.show(id);
      if (!instance) throw noArcInstance();
      return toArcInstanceResponse(instance);
    },
  }),
  apiRoute({
    method: 'delete',
    path: '/api/v1/orgs/{id}/arc',
    operationId: 'deleteOrgArcInstance',
    tag: 'admin',
    summary: 'Route the org back to the default Arc instance',
    description: 'A 404 when the org does not exist or has no instance of its own.',
    access: 'operator',
    ok: { 204: { description: 'Removed.' } },
    errors: [404],
    handle: async ({ deps, id }) => {
      if (!(await deps.arcInstances.remove(id))) throw noArcInstance();
    },
  }),
];
