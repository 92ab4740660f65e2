// class-transformer's @Type reads design-type metadata through the Reflect API.
import 'reflect-metadata';
import { Transform, Type } from 'class-transformer';
import {
  getMetadataStorage,
  IsBoolean,
  IsDefined,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  ValidateBy,
  ValidateNested,
  type ValidationArguments,
} from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';

/**
 * Field decorators for the request DTOs. Their messages leave out the field's name: the
 * validation middleware puts the API path of the field in front (`memories[3].agent_id is
 * required`). They never rely on `design:type` metadata, which esbuild does not emit.
 */

type Ctor = new () => object;

/**
 * The OpenAPI (JSON Schema) words of a field: description, default, example, enum, bounds.
 * Each field decorator takes one, so a DTO is the single source of its documented schema.
 */
export type FieldDoc = Readonly<Record<string, unknown>>;

/** Records a field's schema for class-validator-jsonschema: the type first, then the doc. */
const Schema = (type: FieldDoc, doc: FieldDoc): PropertyDecorator =>
  JSONSchema({ ...type, ...doc }) as PropertyDecorator;

const STRING = { type: 'string' };
const NUMBER = { type: 'number' };
const BOOLEAN = { type: 'boolean' };
const OBJECT = { type: 'object', additionalProperties: true };
const STRING_ARRAY = { type: 'array', items: { type: 'string' } };

interface NestedArraySpec {
  readonly type: () => Ctor;
  readonly max: number;
  readonly maxMessage: string;
}

const nestedArrays = new WeakMap<object, Map<string, NestedArraySpec>>();

/** Properties declared with {@link NestedArray} on a DTO class or its ancestors. */
export function nestedArraysOf(dto: Ctor): ReadonlyMap<string, NestedArraySpec> {
  const all = new Map<string, NestedArraySpec>();
  const chain: object[] = [];
  for (let p: object | null = dto; p && p !== Function.prototype; p = Object.getPrototypeOf(p)) {
    chain.unshift(p);
  }
  for (const c of chain) nestedArrays.get(c)?.forEach((spec, key) => all.set(key, spec));
  return all;
}

function compose(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, key) => decorators.forEach((d) => d(target, key));
}

/**
 * What a body or query field must be, so valid input is checked without class-validator (its
 * per-field bookkeeping dominated a 1,000-item batch); what it refuses goes to class-validator.
 */
export type FastField =
  | { readonly kind: 'string' | 'number' | 'boolean' | 'object' | 'stringArray' | 'requiredString' }
  | { readonly kind: 'nestedArray'; readonly type: () => Ctor; readonly max: number }
  // Query parameters: a string given once, a comma list, a boolean, a number written as `pattern`.
  | { readonly kind: 'queryString' | 'queryList' | 'queryBoolean' }
  | { readonly kind: 'queryNumber'; readonly pattern: RegExp };

interface FastEntry {
  readonly field: FastField;
  /** How many class-validator rules the field's decorator registered. */
  readonly rules: number;
}

const fastFields = new WeakMap<object, Map<string, FastEntry>>();

const rulesOf = (ctor: Ctor): number =>
  getMetadataStorage().getTargetValidationMetadatas(ctor, '', false, false).length;

/** Applies a body field decorator and records its {@link FastField}. */
function fastField(field: FastField, ...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, key) => {
    const ctor = target.constructor as Ctor;
    const before = rulesOf(ctor);
    compose(...decorators)(target, key);
    const fields = fastFields.get(ctor) ?? new Map<string, FastEntry>();
    fields.set(String(key), { field, rules: rulesOf(ctor) - before });
    fastFields.set(ctor, fields);
  };
}

const fastSpecs = new WeakMap<object, ReadonlyMap<string, FastField> | null>();

/**
 * The fast checks of every field of a DTO class and its ancestors, or null when a rule of it came
 * from elsewhere (only class-validator may judge it then). NoQuery's map is empty: only `{}` passes.
 */
export function fastFieldsOf(dto: Ctor): ReadonlyMap<string, FastField> | null {
  const cached = fastSpecs.get(dto);
  if (cached !== undefined) return cached;
  const all = new Map<string, FastField>();
  let rules = 0;
  for (let p: object | null = dto; p && p !== Function.prototype; p = Object.getPrototypeOf(p)) {
    fastFields.get(p)?.forEach((entry, key) => {
      if (all.has(key)) return;
      all.set(key, entry.field);
      rules += entry.rules;
    });
  }
  const spec = rules === rulesOf(dto) ? all : null;
  fastSpecs.set(dto, spec);
  return spec;
}

const isStringArray = (v: unknown): boolean =>
  Array.isArray(v) && v.every((x) => typeof x === 'string');

const IsStringArray = () =>
  ValidateBy({
    name: 'isStringArray',
    validator: { validate: isStringArray, defaultMessage: () => 'must be an array of strings' },
  });

const IS_REQUIRED = { message: 'is required' };
const MUST_BE_STRING = { message: 'must be a string' };
const FINITE = { allowNaN: false, allowInfinity: false };

/** A JSON string that must be present (not null). */
export const RequiredString = (doc: FieldDoc = {}): PropertyDecorator =>
  fastField(
    { kind: 'requiredString' },
    IsDefined(IS_REQUIRED),
    IsString(MUST_BE_STRING),
    Schema(STRING, doc),
  );

/** A JSON string, or absent (null counts as absent). */
export const OptionalString = (doc: FieldDoc = {}): PropertyDecorator =>
  fastField({ kind: 'string' }, IsOptional(), IsString(MUST_BE_STRING), Schema(STRING, doc));

/** A finite JSON number, or absent. */
export const OptionalNumber = (doc: FieldDoc = {}): PropertyDecorator =>
  fastField(
    { kind: 'number' },
    IsOptional(),
    IsNumber(FINITE, { message: 'must be a number' }),
    Schema(NUMBER, doc),
  );

/** A JSON boolean, or absent. */
export const OptionalBoolean = (doc: FieldDoc = {}): PropertyDecorator =>
  fastField(
    { kind: 'boolean' },
    IsOptional(),
    IsBoolean({ message: 'must be true or false' }),
    Schema(BOOLEAN, doc),
  );

/** A JSON object (not an array), or absent. */
export const OptionalObject = (doc: FieldDoc = {}): PropertyDecorator =>
  fastField(
    { kind: 'object' },
    IsOptional(),
    IsObject({ message: 'must be a JSON object' }),
    Schema(OBJECT, doc),
  );

/** An array of strings, or absent. */
export const OptionalStringArray = (doc: FieldDoc = {}): PropertyDecorator =>
  fastField({ kind: 'stringArray' }, IsOptional(), IsStringArray(), Schema(STRING_ARRAY, doc));

/**
 * A required array of nested DTOs. The validation middleware checks that every item is an
 * object with only known fields before class-validator runs; `max` is checked first of all, so
 * an oversized array is refused without validating each item.
 */
export function NestedArray(
  type: () => Ctor,
  max: number,
  maxMessage: string,
  doc: FieldDoc = {},
): PropertyDecorator {
  return (target, key) => {
    const ctor = target.constructor;
    const specs = nestedArrays.get(ctor) ?? new Map<string, NestedArraySpec>();
    specs.set(String(key), { type, max, maxMessage });
    nestedArrays.set(ctor, specs);
    fastField(
      { kind: 'nestedArray', type, max },
      IsDefined(IS_REQUIRED),
      ValidateBy({
        name: 'isArray',
        validator: { validate: (v) => Array.isArray(v), defaultMessage: () => 'must be an array' },
      }),
      ValidateNested({ each: true }),
      Type(type),
      Schema(
        {
          type: 'array',
          maxItems: max,
          items: { $ref: `#/components/schemas/${type().name}` },
        },
        doc,
      ),
    )(target, key);
  };
}

// ---- query parameters: every value arrives as a string, or an array when repeated ----------

/** A query parameter given at most once. */
export const QueryString = (doc: FieldDoc = {}): PropertyDecorator =>
  fastField(
    { kind: 'queryString' },
    IsOptional(),
    Schema(STRING, doc),
    ValidateBy({
      name: 'isSingle',
      validator: {
        validate: (v) => typeof v === 'string',
        defaultMessage: () => 'must be given once',
      },
    }),
  );

/** A list parameter: comma-separated, and/or repeated (`tags=a,b` or `tags=a&tags=b`). */
export const QueryList = (doc: FieldDoc = {}): PropertyDecorator =>
  fastField(
    { kind: 'queryList' },
    IsOptional(),
    Schema(STRING_ARRAY, doc),
    Transform(({ value }: { value: unknown }) =>
      (Array.isArray(value) ? value : [value]).flatMap((v) =>
        typeof v === 'string' ? v.split(',') : [v],
      ),
    ),
    IsStringArray(),
  );

const DIGITS = /^\d{1,16}$/;
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Converts a query string to a number when it is written exactly as `pattern` allows. */
function queryNumber(
  pattern: RegExp,
  message: string,
  type: FieldDoc,
  doc: FieldDoc,
): PropertyDecorator {
  return fastField(
    { kind: 'queryNumber', pattern },
    IsOptional(),
    Schema(type, doc),
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' && pattern.test(value) ? Number(value) : value,
    ),
    ValidateBy({
      name: 'isQueryNumber',
      validator: {
        validate: (v) => typeof v === 'number' && Number.isFinite(v),
        defaultMessage: (args?: ValidationArguments) =>
          Array.isArray(args?.value) ? 'must be given once' : message,
      },
    }),
  );
}

/** Digits only (`limit`, `offset`); `message` is used for anything else. */
export const QueryInteger = (message: string, doc: FieldDoc = {}): PropertyDecorator =>
  queryNumber(DIGITS, message, { type: 'integer' }, doc);

/** A decimal number such as `0.5` (`min_importance`). */
export const QueryDecimal = (message: string, doc: FieldDoc = {}): PropertyDecorator =>
  queryNumber(DECIMAL, message, NUMBER, doc);

/** `true` or `false`, given at most once. */
export const QueryBoolean = (doc: FieldDoc = {}): PropertyDecorator =>
  fastField(
    { kind: 'queryBoolean' },
    IsOptional(),
    Schema(BOOLEAN, doc),
    Transform(({ value }: { value: unknown }) =>
      value === 'true' ? true : value === 'false' ? false : value,
    ),
    ValidateBy({
      name: 'isQueryBoolean',
      validator: {
        validate: (v) => typeof v === 'boolean',
        defaultMessage: (args?: ValidationArguments) =>
          Array.isArray(args?.value) ? 'must be given once' : 'must be true or false',
      },
    }),
  );
