import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import {
  checkNoRoundedNumbers,
  checkStorableNumber,
  checkStorableString,
  DomainError,
  findInexactInteger,
  inexactIntegerError,
  MAX_EXACT_INTEGER,
} from '../../../domain/index.js';
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
 * PostgreSQL text and jsonb refuse). An integer written beyond ±(2^53 − 1), which parsing
 * rounds, is refused naming its field (`metadata.discord_id`), found in the body's text.
 * @throws DomainError `invalid` for malformed or non-object JSON; HttpError 413 when too large
 */
export function jsonBody(maxBytes: number): RequestHandler {
  const texts = new WeakMap<Request, { buf: Buffer; encoding: string }>();
  const parse = express.json({
    limit: maxBytes,
    strict: false,
    type: () => true,
    // Only keeps a reference: the text is decoded again only when a number needs its digits.
    verify: (req, _res, buf, encoding) => texts.set(req as Request, { buf, encoding }),
  });
  return (req: Request, res: Response, next: NextFunction) => {
    parse(req, res, (err?: unknown) => {
      if (err) {
        next(translate(err, maxBytes));
        return;
      }
      try {
        const big = checkBody(req);
        const raw = texts.get(req);
        if (big && raw) checkIntegers(req.body as Record<string, unknown>, raw.buf, raw.encoding);
        next();
      } catch (e) {
        next(e);
      }
    });
  };
}

/** Checks `req.body` (setting it to `{}` when absent); true when a number is beyond 2^53 − 1. */
function checkBody(req: Request): boolean {
  const body: unknown = req.body;
  if (body === undefined) {
    req.body = {};
    return false;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidBody('body must be a JSON object');
  }
  return checkStructure(body);
}

/** Refuses an integer of the body's text that parsing rounded, naming its field. */
function checkIntegers(body: Record<string, unknown>, buf: Buffer, encoding: string): void {
  let text: string;
  try {
    text = new TextDecoder(encoding).decode(buf);
  } catch {
    // A charset TextDecoder lacks: without the digits, refuse every number that may be rounded.
    for (const [key, value] of Object.entries(body)) checkNoRoundedNumbers(key, value);
    return;
  }
  const found = findInexactInteger(text);
  if (found) throw inexactIntegerError(found.path, found.literal);
}

/**
 * Walks the parsed JSON without recursion; true when it has a number beyond ±2^53 − 1, which
 * may be an integer parsing rounded.
 */
function checkStructure(root: object): boolean {
  let big = false;
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
        if (Math.abs(child) > MAX_EXACT_INTEGER) big = true;
      }
    }
  }
  return big;
}

function translate(err: unknown, maxBytes: number): unknown {
  const type = (err as { type?: unknown }).type;
  if (type === 'entity.too.large') {
    return new HttpError(413, 'payload_too_large', `body must be at most ${maxBytes} bytes`);
  }
  if (type === 'entity.parse.failed') return invalidBody('body is not valid JSON');
  return err;
}
