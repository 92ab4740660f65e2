/** Any failure of a memtrace call. `statusCode` is 0 for network failures and timeouts. */
export class MemtraceError extends Error {
  /** The HTTP status, or 0 when no response arrived (network failure, timeout). */
  readonly statusCode: number;
  /** The API's error code (`not_found`, `conflict`, ...), when the body carried one. */
  readonly code: string | undefined;
  /** The parsed error body, when it was JSON. */
  readonly body: unknown;

  constructor(message: string, statusCode: number, code?: string, body?: unknown) {
    super(message);
    this.name = 'MemtraceError';
    this.statusCode = statusCode;
    this.code = code;
    this.body = body;
  }
}

/** 400: the request was invalid; the message starts with the field's name. */
export class ValidationError extends MemtraceError {
  constructor(message: string, statusCode = 400, code?: string, body?: unknown) {
    super(message, statusCode, code, body);
    this.name = 'ValidationError';
  }
}

/** 401: the API key is missing, unknown or revoked. */
export class AuthenticationError extends MemtraceError {
  constructor(message: string, statusCode = 401, code?: string, body?: unknown) {
    super(message, statusCode, code, body);
    this.name = 'AuthenticationError';
  }
}

/** 403: the key lacks the permission (read, write, admin) the call needs. */
export class PermissionError extends MemtraceError {
  constructor(message: string, statusCode = 403, code?: string, body?: unknown) {
    super(message, statusCode, code, body);
    this.name = 'PermissionError';
  }
}

/** 404: no such memory, session, agent or key in the key's org. */
export class NotFoundError extends MemtraceError {
  constructor(message: string, statusCode = 404, code?: string, body?: unknown) {
    super(message, statusCode, code, body);
    this.name = 'NotFoundError';
  }
}

/** 409: a duplicate memory (`memoryId` is the stored one), a taken agent name, the last admin key. */
export class ConflictError extends MemtraceError {
  /** For a duplicate memory: the `memory_id` of the memory already stored. */
  readonly memoryId: string | undefined;

  constructor(message: string, statusCode = 409, code?: string, body?: unknown) {
    super(message, statusCode, code, body);
    this.name = 'ConflictError';
    const id = (body as { memory_id?: unknown } | undefined)?.memory_id;
    this.memoryId = typeof id === 'string' ? id : undefined;
  }
}

/** 429: too many requests. */
export class RateLimitError extends MemtraceError {
  constructor(message: string, statusCode = 429, code?: string, body?: unknown) {
    super(message, statusCode, code, body);
    this.name = 'RateLimitError';
  }
}

/** 503: the service or its storage is unavailable; retrying later may succeed. */
export class UnavailableError extends MemtraceError {
  constructor(message: string, statusCode = 503, code?: string, body?: unknown) {
    super(message, statusCode, code, body);
    this.name = 'UnavailableError';
  }
}

type ErrorClass = new (
  message: string,
  statusCode: number,
  code?: string,
  body?: unknown,
) => MemtraceError;

const BY_STATUS: Readonly<Record<number, ErrorClass>> = {
  400: ValidationError,
  401: AuthenticationError,
  403: PermissionError,
  404: NotFoundError,
  409: ConflictError,
  429: RateLimitError,
  503: UnavailableError,
};

/**
 * The typed error for an HTTP error response. The message is the body's `message` (memtrace's
 * `{"error": code, "message": text}`), else a string `error` (the Go version's body), else the
 * raw text, else `HTTP <status>`.
 */
export function errorFromResponse(status: number, text: string): MemtraceError {
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  const fields = (typeof body === 'object' && body !== null ? body : {}) as {
    message?: unknown;
    error?: unknown;
  };
  const code = typeof fields.error === 'string' ? fields.error : undefined;
  const message =
    typeof fields.message === 'string' && fields.message !== ''
      ? fields.message
      : code !== undefined && code !== ''
        ? code
        : text.trim() !== ''
          ? text.trim()
          : `HTTP ${status}`;
  const Class = BY_STATUS[status] ?? MemtraceError;
  return new Class(message, status, typeof fields.message === 'string' ? code : undefined, body);
}
