import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../app-deps.js';
import {
  toArcInstanceResponse,
  toCreatedOrgResponse,
  toIssuedKeyResponse,
  toKeyListResponse,
  toOrgListResponse,
} from '../../wire/admin.response.js';
import { CreateKeyRequest } from '../../wire/create-key.request.js';
import { CreateOrgRequest } from '../../wire/create-org.request.js';
import { NoQuery } from '../../wire/page.query.js';
import { PutArcInstanceRequest } from '../../wire/put-arc-instance.request.js';
import { DomainError } from '../../../domain/index.js';
import { principalOf, requireOperator, requirePermission } from '../middleware/authenticate.js';
import { jsonBody } from '../middleware/json-body.js';
import { bodyOf, validateBody, validateQuery } from '../middleware/validate.js';

const noArcInstance = () =>
  new DomainError(
    'not_found',
    'ARC_INSTANCE_NOT_FOUND',
    'this org has no Arc instance of its own: it uses the default one',
  );

/**
 * /keys (an org's admins manage its keys), /orgs (the operator manages orgs) and
 * /orgs/{id}/arc (the operator routes an org to its own Arc instance).
 */
export function adminRoutes(deps: AppDeps): Router {
  const router = Router();
  const admin = requirePermission(deps.auth, 'admin');
  const operator = requireOperator(deps.auth);
  const body = jsonBody(deps.maxBodyBytes);
  const noQuery = validateQuery(NoQuery);

  router.post(
    '/keys',
    admin,
    noQuery,
    body,
    validateBody(CreateKeyRequest),
    async (_req: Request, res: Response) => {
      const dto = bodyOf<CreateKeyRequest>(res);
      const issued = await deps.auth.createKey(principalOf(res).orgId, dto.name, dto.permissions);
      res.status(201).json(toIssuedKeyResponse(issued));
    },
  );

  router.get('/keys', admin, noQuery, async (_req: Request, res: Response) => {
    const keys = await deps.auth.listKeys(principalOf(res).orgId);
    res.json(toKeyListResponse(keys));
  });

  router.delete('/keys/:id', admin, noQuery, async (req: Request, res: Response) => {
    await deps.auth.revokeKey(principalOf(res).orgId, String(req.params.id));
    res.status(204).end();
  });

  router.post(
    '/orgs',
    operator,
    noQuery,
    body,
    validateBody(CreateOrgRequest),
    async (_req: Request, res: Response) => {
      const created = await deps.auth.createOrg(bodyOf<CreateOrgRequest>(res).name);
      res.status(201).json(toCreatedOrgResponse(created));
    },
  );

  router.get('/orgs', operator, noQuery, async (_req: Request, res: Response) => {
    const orgs = await deps.auth.listOrgs();
    res.json(toOrgListResponse(orgs));
  });

  router.put(
    '/orgs/:id/arc',
    operator,
    noQuery,
    body,
    validateBody(PutArcInstanceRequest),
    async (req: Request, res: Response) => {
      const dto = bodyOf<PutArcInstanceRequest>(res);
      const { instance, created } = await deps.arcInstances.configure(String(req.params.id), {
        url: dto.url,
        database: dto.database,
        ...(dto.measurement !== undefined ? { measurement: dto.measurement } : {}),
        apiKey: dto.api_key ?? null,
      });
      res.status(created ? 201 : 200).json(toArcInstanceResponse(instance));
    },
  );

  router.get('/orgs/:id/arc', operator, noQuery, async (req: Request, res: Response) => {
    const instance = await deps.arcInstances.show(String(req.params.id));
    if (!instance) throw noArcInstance();
    res.json(toArcInstanceResponse(instance));
  });

  router.delete('/orgs/:id/arc', operator, noQuery, async (req: Request, res: Response) => {
    if (!(await deps.arcInstances.remove(String(req.params.id)))) throw noArcInstance();
    res.status(204).end();
  });

  return router;
}
