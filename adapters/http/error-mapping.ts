import { isDomainError, type DomainErrorKind } from '../../domain/index.js';

/** The `error` codes of the API's error body. */
export type ErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'payload_too_large'
  | 'rate_limited'
  | 'unavailable'
  | 'internal_error';

/** The body of every error response. Extras (`details`, `memory_id`, ...) sit beside these. */
export interface ErrorBody {
  readonly error: ErrorCode;
  readonly message: string;
  readonly request_id: string;
  readonly [extra: string]: unknown;
}

export interface ErrorResponse {
  readonly status: number;
  readonly body: ErrorBody;
  /** True for failures of the service itself (500): log them with their stack. */
  readonly internal: boolean;
}

/** The one table from a DomainError's kind to the HTTP status and `error` code. */
export const DOMAIN_ERROR_STATUS: Readonly<
  Record<DomainErrorKind, { readonly status: number; readonly error: ErrorCode }>
> = {
  invalid: { status: 400, error: 'invalid_request' },
  unauthorized: { status: 401, error: 'unauthorized' },
  forbidden: { status: 403, error: 'forbidden' },
  not_found: { status: 404, error: 'not_found' },
  conflict: { status: 409, error: 'conflict' },
  unavailable: { status: 503, error: 'unavailable' },
};

/** Statuses the HTTP layer itself produces (body parsing, routing) and their codes. */
const HTTP_STATUS_CODES: Readonly<Record<number, ErrorCode>> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  429: 'rate_limited',
  503: 'unavailable',
};

/** A failure of the HTTP exchange itself that has no domain meaning (e.g. a body too large). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const INTERNAL_MESSAGE = 'internal error';

// Keys of the body that a DomainError's details may never replace.
const RESERVED = new Set(['error', 'message', 'request_id']);

/**
 * Translates anything thrown while serving a request into a status and the API's error body.
 * DomainErrors go through {@link DOMAIN_ERROR_STATUS}; errors of Express, its router and its
 * body parser that carry a 4xx status (a URL that does not decode, an unsupported charset) are
 * client mistakes and stay 4xx; everything else is a 500 whose message is never shown.
 */
export function toErrorResponse(err: unknown, requestId: string): ErrorResponse {
  if (isDomainError(err)) {
    const { status, error } = DOMAIN_ERROR_STATUS[err.kind] ?? {
      status: 500,
      error: 'internal_error',
    };
    if (status === 500) return internal(requestId);
    const extras = Object.fromEntries(
      Object.entries(err.details ?? {}).filter(([key]) => !RESERVED.has(key)),
    );
    return {
      status,
      body: { error, message: err.message, ...extras, request_id: requestId },
      internal: false,
    };
  }
  if (err instanceof HttpError) {
    return {
      status: err.status,
      body: { error: err.code, message: err.message, request_id: requestId },
      internal: err.status >= 500,
    };
  }
  const clientStatus = exposedClientStatus(err);
  if (clientStatus !== null) {
    const error = HTTP_STATUS_CODES[clientStatus] ?? 'invalid_request';
    const status = HTTP_STATUS_CODES[clientStatus] ? clientStatus : 400;
    const message = (err as Error).message || 'invalid request';
    return { status, body: { error, message, request_id: requestId }, internal: false };
  }
  return internal(requestId);
}

function internal(requestId: string): ErrorResponse {
  return {
    status: 500,
    body: { error: 'internal_error', message: INTERNAL_MESSAGE, request_id: requestId },
    internal: true,
  };
}

/** The 4xx status of an http-errors style error (not marked `expose: false`), or null. */
function exposedClientStatus(err: unknown): number | null {
  if (!(err instanceof Error)) return null;
  const e = err as Error & { status?: unknown; statusCode?: unknown; expose?: unknown };
  const status = typeof e.status === 'number' ? e.status : e.statusCode;
  if (typeof status !== 'number' || status < 400 || status > 499 || e.expose === false) return null;
  return status;
}
