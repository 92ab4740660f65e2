import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import { checkStorableNumber, checkStorableString, DomainError } from '../../../domain/index.js';
import { HttpError } from '../error-mapping.js';

/** Deeper JSON than this is refused: nothing in the API needs it, and recursion has limits. */
export const MAX_JSON_DEPTH = 64;

const invalidBody = (message: string) => new DomainError('invalid', 'INVALID_REQUEST', message);

/**
 * Parses the body as JSON whatever the Content-Type says (curl -d sends a form type), up to
 * `maxBytes`. An empty body is `{}`. The result must be a JSON object, at most
 * {@link MAX_JSON_DEPTH} levels deep, with no `__proto__` key anywhere, only finite numbers
 * (`1e309` would silently become null) and only strings every store keeps byte for byte:
 * well-formed Unicode (no lone surrogate, which UTF-8 cannot encode) without NUL (which
 * PostgreSQL text and jsonb refuse).
 * @throws DomainError `invalid` for malformed or non-object JSON; HttpError 413 when too large
 */
export function jsonBody(maxBytes: number): RequestHandler {
  const parse = express.json({ limit: maxBytes, strict: false, type: () => true });
  return (req: Request, res: Response, next: NextFunction) => {
    parse(req, res, (err?: unknown) => {
      if (err) {
        next(translate(err, maxBytes));
        return;
      }
      try {
        req.body = checkBody(req.body);
        next();
      } catch (e) {
        next(e);
      }
    });
  };
}

function checkBody(body: unknown): unknown {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidBody('body must be a JSON object');
  }
  checkStructure(body);
  return body;
}

/** Walks the parsed JSON without recursion. */
function checkStructure(root: object): void {
  const stack: { value: object; depth: number }[] = [{ value: root, depth: 1 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop() as { value: object; depth: number };
    if (depth > MAX_JSON_DEPTH) {
      throw invalidBody(`body must not be nested more than ${MAX_JSON_DEPTH} levels deep`);
    }
    for (const [key, child] of Object.entries(value)) {
      if (key === '__proto__') throw invalidBody('__proto__ is not a known field');
      checkStorableString('body', key);
      if (typeof child === 'object' && child !== null) {
        stack.push({ value: child, depth: depth + 1 });
      } else if (typeof child === 'string') {
        checkStorableString('body', child);
      } else if (typeof child === 'number') {
        checkStorableNumber('body', child);
      }
    }
  }
}

function translate(err: unknown, maxBytes: number): unknown {
  const type = (err as { type?: unknown }).type;
  if (type === 'entity.too.large') {
    return new HttpError(413, 'payload_too_large', `body must be at most ${maxBytes} bytes`);
  }
  if (type === 'entity.parse.failed') return invalidBody('body is not valid JSON');
  return err;
}
