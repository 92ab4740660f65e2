import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validate, type ValidationError } from 'class-validator';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { DomainError, isPlainObject } from '../../../domain/index.js';
import { fastFieldsOf, nestedArraysOf } from '../../wire/field-decorators.js';

type Ctor<T extends object = object> = new () => T;

/** One failed field: its API path (`memories[3].agent_id`) and the rules it broke. */
export interface FieldError {
  readonly field: string;
  readonly constraints: Readonly<Record<string, string>>;
}

/** Validation errors listed in a 400 body at most; the message names the first. */
const MAX_DETAILS = 20;

const knownFieldsCache = new WeakMap<object, ReadonlySet<string>>();

/** The API field names a DTO declares (every field carries at least one decorator). */
function knownFields(dto: Ctor): ReadonlySet<string> {
  let known = knownFieldsCache.get(dto);
  if (!known) {
    const metadata = getMetadataStorage().getTargetValidationMetadatas(dto, '', false, false);
    known = new Set(metadata.map((m) => m.propertyName));
    knownFieldsCache.set(dto, known);
  }
  return known;
}

/** A free-form JSON value taken out of class-transformer's reach, and where it goes back. */
interface Opaque {
  readonly at: readonly (string | number)[];
  readonly value: unknown;
}

/**
 * Whether class-transformer must not walk `v`: it reads `constructor` on every nested object,
 * so free-form JSON such as `{"metadata": {"constructor": "x"}}` would crash it (a 500).
 */
const isOpaque = (v: unknown): boolean =>
  isPlainObject(v) || (Array.isArray(v) && v.some((x) => typeof x === 'object' && x !== null));

/**
 * Checks the structure of a JSON object against a DTO before class-transformer sees it: only
 * known fields (so a typo is reported, and no key can reach an object's prototype), nested
 * arrays within their size and made of objects. Known fields set to null are dropped, since
 * null means absent. Free-form values are moved to `opaque` (left as `{}`) so class-transformer
 * never walks them. Returns a cleaned shallow copy.
 */
function checkShape(
  dto: Ctor,
  value: Record<string, unknown>,
  path: string,
  errors: FieldError[],
  opaque: Opaque[] = [],
  at: readonly (string | number)[] = [],
): Record<string, unknown> {
  const known = knownFields(dto);
  const clean: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (!known.has(key)) {
      push(errors, path + key, 'whitelistValidation', 'is not a known field');
    } else if (v !== null) {
      clean[key] = v;
    }
  }
  const nested = nestedArraysOf(dto);
  for (const [key, spec] of nested) {
    const items = clean[key];
    if (!Array.isArray(items)) continue;
    if (items.length > spec.max) {
      push(errors, path + key, 'arrayMaxSize', spec.maxMessage);
      continue;
    }
    clean[key] = items.map((item: unknown, i) => {
      const where = `${path}${key}[${i}]`;
      if (!isPlainObject(item)) {
        push(errors, where, 'isObject', 'must be a JSON object');
        return item;
      }
      return checkShape(spec.type(), item, `${where}.`, errors, opaque, [...at, key, i]);
    });
  }
  for (const [key, v] of Object.entries(clean)) {
    if (!nested.has(key) && isOpaque(v)) {
      opaque.push({ at: [...at, key], value: v });
      clean[key] = {};
    }
  }
  return clean;
}

function push(errors: FieldError[], field: string, rule: string, text: string): void {
  errors.push({ field, constraints: { [rule]: `${field} ${text}` } });
}

/** Flattens class-validator's tree into API paths, prefixing each message with its path. */
function flatten(errors: readonly ValidationError[], parent: string, out: FieldError[]): void {
  for (const e of errors) {
    const field = /^\d+$/.test(e.property)
      ? `${parent}[${e.property}]`
      : parent
        ? `${parent}.${e.property}`
        : e.property;
    if (e.constraints && Object.keys(e.constraints).length > 0) {
      const constraints: Record<string, string> = {};
      for (const [rule, text] of Object.entries(e.constraints)) {
        constraints[rule] =
          rule === 'whitelistValidation' ? `${field} is not a known field` : `${field} ${text}`;
      }
      out.push({ field, constraints });
    }
    if (e.children?.length) flatten(e.children, field, out);
  }
}

function invalidFields(errors: readonly FieldError[]): DomainError {
  const first = errors[0] ? Object.values(errors[0].constraints)[0] : undefined;
  return new DomainError('invalid', 'INVALID_REQUEST', first ?? 'invalid request', {
    details: errors.slice(0, MAX_DETAILS),
  });
}

/**
 * Turns a JSON object into a validated DTO instance.
 * @param where `body` or `query`, for the message when the input is not an object
 * @param options.fast false: always let class-validator judge (tests compare both paths)
 * @throws DomainError `invalid` with `details: [{ field, constraints }]`
 */
export async function toDto<T extends object>(
  dto: Ctor<T>,
  input: unknown,
  where: 'body' | 'query',
  options: { readonly fast?: boolean } = {},
): Promise<T> {
  if (!isPlainObject(input)) {
    throw new DomainError('invalid', 'INVALID_REQUEST', `${where} must be a JSON object`);
  }
  const fast = options.fast === false ? null : fastInstance(dto, input);
  if (fast !== null) return fast;
  const shapeErrors: FieldError[] = [];
  const opaque: Opaque[] = [];
  const clean = checkShape(dto, input, '', shapeErrors, opaque);
  if (shapeErrors.length > 0) throw invalidFields(shapeErrors);
  const instance = plainToInstance(dto, clean);
  for (const { at, value } of opaque) putBack(instance, at, value);
  const errors = await validate(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    // checkShape already refused unknown fields; a DTO without fields (NoQuery) is valid.
    forbidUnknownValues: false,
    stopAtFirstError: true,
    validationError: { target: false, value: false },
  });
  if (errors.length > 0) {
    const fields: FieldError[] = [];
    flatten(errors, '', fields);
    throw invalidFields(fields);
  }
  return instance;
}

/**
 * The DTO instance of a body that has only known fields, nested arrays within their size, and
 * a value every field's {@link fastFieldsOf} check accepts, built as class-transformer would
 * build it (null counts as absent, as in the shape check); null when the DTO has no fast checks
 * or anything fails them (the shape check and class-validator then word the error). It never
 * accepts a body they would refuse.
 */
function fastInstance<T extends object>(dto: Ctor<T>, plain: Record<string, unknown>): T | null {
  const fields = fastFieldsOf(dto);
  if (fields === null) return null;
  for (const key in plain) if (!fields.has(key)) return null;
  const out = new dto() as Record<string, unknown>;
  for (const [key, field] of fields) {
    const v = plain[key];
    if (v === undefined || v === null) {
      if (field.kind === 'requiredString' || field.kind === 'nestedArray') return null;
      continue;
    }
    switch (field.kind) {
      case 'string':
      case 'requiredString':
        if (typeof v !== 'string') return null;
        out[key] = v;
        break;
      case 'number':
        if (typeof v !== 'number' || !Number.isFinite(v)) return null;
        out[key] = v;
        break;
      case 'boolean':
        if (typeof v !== 'boolean') return null;
        out[key] = v;
        break;
      case 'object':
        if (!isPlainObject(v)) return null;
        out[key] = v;
        break;
      case 'stringArray':
        if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) return null;
        out[key] = [...(v as string[])];
        break;
      case 'queryString':
        if (typeof v !== 'string') return null;
        out[key] = v;
        break;
      case 'queryList': {
        const list = queryList(v);
        if (list === null) return null;
        out[key] = list;
        break;
      }
      case 'queryNumber': {
        const n = typeof v === 'string' && field.pattern.test(v) ? Number(v) : NaN;
        if (!Number.isFinite(n)) return null;
        out[key] = n;
        break;
      }
      case 'queryBoolean':
        if (v !== 'true' && v !== 'false') return null;
        out[key] = v === 'true';
        break;
      case 'nestedArray': {
        if (!Array.isArray(v) || v.length > field.max) return null;
        const items: object[] = [];
        for (const item of v) {
          if (!isPlainObject(item)) return null;
          const built = fastInstance(field.type(), item);
          if (built === null) return null;
          items.push(built);
        }
        out[key] = items;
        break;
      }
    }
  }
  return out as T;
}

/** A comma list given once or repeated, split as QueryList's transform does; null otherwise. */
function queryList(v: unknown): string[] | null {
  if (typeof v === 'string') return v.split(',');
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) return null;
  return (v as string[]).flatMap((x) => x.split(','));
}

function putBack(root: object, at: readonly (string | number)[], value: unknown): void {
  let target = root as Record<string | number, unknown>;
  for (const step of at.slice(0, -1)) target = target[step] as Record<string | number, unknown>;
  target[at[at.length - 1] as string | number] = value;
}

/**
 * Validates the parsed JSON body against `dto` and keeps the instance for {@link bodyOf}.
 * Runs after the permission check and the JSON body parser.
 */
export function validateBody<T extends object>(dto: Ctor<T>): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    res.locals.body = await toDto(dto, req.body ?? {}, 'body');
    next();
  };
}

/**
 * Validates the query string against `dto` and keeps the instance for {@link queryOf}. An empty
 * value (`?agent_id=`) counts as absent; a name the DTO does not declare is a 400.
 */
export function validateQuery<T extends object>(dto: Ctor<T>): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(req.query as Record<string, unknown>)) {
      if (value !== '') raw[key] = value;
    }
    res.locals.query = await toDto(dto, raw, 'query');
    next();
  };
}

/** The body validated by {@link validateBody}. */
export const bodyOf = <T>(res: Response): T => res.locals.body as T;

/** The query validated by {@link validateQuery}. */
export const queryOf = <T>(res: Response): T => res.locals.query as T;
