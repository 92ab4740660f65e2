import type { RequestHandler } from 'express';
import type { Principal } from '../../../domain/index.js';
import type { AppDeps } from '../app-deps.js';
import type { JsonSchema } from '../../wire/json-schema.js';

/**
 * One route, declared once: what the OpenAPI document says of it and what Express runs for it.
 * The tables of `*.routes.ts` list them; `mount-routes.ts` builds the Express routers from
 * them, `openapi/` the document, and `served-routes.ts` the list the 405s are answered from.
 */

export type Ctor<T extends object = object> = new () => T;
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
/** `key`: any valid API key, whatever its permissions. */
export type Access = 'public' | 'key' | 'read' | 'write' | 'admin' | 'operator';
/** The document's tags, one per table. */
export type Tag = 'memories' | 'sessions' | 'agents' | 'admin' | 'health';

export interface SuccessResponse {
  readonly description: string;
  readonly schema?: JsonSchema;
  /** For a body that is not JSON (`text/plain`, `text/html`). */
  readonly mediaType?: string;
  /** Response headers the route sets, by name. */
  readonly headers?: Readonly<
    Record<string, { readonly description: string; readonly schema: JsonSchema }>
  >;
}

interface RouteDoc {
  readonly method: Method;
  /** The path as OpenAPI writes it (`/api/v1/memories/{id}`); Express gets `:id`. */
  readonly path: string;
  readonly operationId: string;
  readonly tag: Tag;
  readonly summary: string;
  readonly description?: string;
  /** Success status → description and schema; a handler answers the first unless it replies. */
  readonly ok: Readonly<Record<number, SuccessResponse>>;
  /** Error statuses besides those every route of its access level can answer. */
  readonly errors?: readonly number[];
}

/** What a public route's handlers may use: the app's dependencies and the OpenAPI document. */
export interface RouteContext {
  readonly deps: AppDeps;
  readonly document: Readonly<Record<string, unknown>>;
}

/** A route outside /api/v1, which needs no key: plain Express handlers. */
export interface PublicRoute extends RouteDoc {
  readonly access: 'public';
  /** Served only when this says so (GET /metrics needs `deps.metrics`); always when absent. */
  readonly servedWhen?: (deps: AppDeps) => boolean;
  readonly serve: (ctx: RouteContext) => RequestHandler | readonly RequestHandler[];
  /** Handlers mounted under the path after the route (the /docs page's scripts and styles). */
  readonly alsoUnder?: (ctx: RouteContext) => readonly RequestHandler[];
}

/**
 * The request body of an /api/v1 route: one DTO validated before the handler runs, or a
 * choice of DTOs the handler tells apart itself (it gets the parsed JSON object).
 */
export type BodySpec<B> =
  | { readonly dto: Ctor<B & object>; readonly required: boolean }
  | { readonly oneOf: readonly Ctor[]; readonly required: boolean };

/** What an /api/v1 handler gets: the caller's org, the `{id}`, the validated query and body. */
export interface ApiCall<Q, B> {
  readonly deps: AppDeps;
  readonly orgId: string;
  /** The caller's key (its org, id and permissions): for what is logged by key or needs more. */
  readonly principal: Principal;
  /** The `{id}` of the path (routes without one ignore it). */
  readonly id: string;
  /** The validated query DTO (an empty `NoQuery` for routes that declare none). */
  readonly query: Q;
  /** The validated body DTO; the parsed JSON object for a `oneOf` body. */
  readonly body: B;
}

/**
 * A status other than the route's first success status, with its body (none for `end()`) and
 * any headers it sets.
 */
export class Reply {
  constructor(
    readonly status: number,
    readonly body?: unknown,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {}
}

/** A route under /api/v1: the key's permission, validated input, and a handler of the call. */
export interface ApiRoute<Q = unknown, B = unknown> extends RouteDoc {
  readonly access: Exclude<Access, 'public'>;
  /** The query DTO; none means no parameter is accepted (`NoQuery`). */
  readonly query?: Ctor<Q & object>;
  readonly body?: BodySpec<B>;
  /** The response body (none: `end()`), or a {@link Reply} for another status. */
  handle(call: ApiCall<Q, B>): Promise<unknown>;
}

export type Route = PublicRoute | ApiRoute;

/** Declares an /api/v1 route, typing its handler's query and body from the DTOs it names. */
export const apiRoute = <Q = unknown, B = Record<string, unknown>>(
  route: ApiRoute<Q, B>,
): ApiRoute => route as ApiRoute;

export const isPublic = (route: Route): route is PublicRoute => route.access === 'public';

/** Whether this app build serves the route (GET /metrics only with metrics). */
export const isServed = (route: Route, deps: AppDeps): boolean =>
  !isPublic(route) || (route.servedWhen?.(deps) ?? true);

/** The path as Express writes it: `/api/v1/memories/:id`. */
export const expressPath = (path: string): string => path.replace(/\{(\w+)\}/g, ':$1');

/** The base path of every route that needs a key. */
export const API_BASE = '/api/v1';
