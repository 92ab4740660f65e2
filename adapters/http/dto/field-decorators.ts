// class-transformer's @Type reads design-type metadata through the Reflect API.
import 'reflect-metadata';
import { Transform, Type } from 'class-transformer';
import {
  IsDefined,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  ValidateBy,
  ValidateNested,
  type ValidationArguments,
} from 'class-validator';

/**
 * Field decorators for the request DTOs. Their messages leave out the field's name: the
 * validation middleware puts the API path of the field in front (`memories[3].agent_id is
 * required`). They never rely on `design:type` metadata, which esbuild does not emit.
 */

type Ctor = new () => object;

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
export const RequiredString = (): PropertyDecorator =>
  compose(IsDefined(IS_REQUIRED), IsString(MUST_BE_STRING));

/** A JSON string, or absent (null counts as absent). */
export const OptionalString = (): PropertyDecorator =>
  compose(IsOptional(), IsString(MUST_BE_STRING));

/** A finite JSON number, or absent. */
export const OptionalNumber = (): PropertyDecorator =>
  compose(IsOptional(), IsNumber(FINITE, { message: 'must be a number' }));

/** A JSON object (not an array), or absent. */
export const OptionalObject = (): PropertyDecorator =>
  compose(IsOptional(), IsObject({ message: 'must be a JSON object' }));

/** An array of strings, or absent. */
export const OptionalStringArray = (): PropertyDecorator => compose(IsOptional(), IsStringArray());

/**
 * A required array of nested DTOs. The validation middleware checks that every item is an
 * object with only known fields before class-validator runs; `max` is checked first of all, so
 * an oversized array is refused without validating each item.
 */
export function NestedArray(type: () => Ctor, max: number, maxMessage: string): PropertyDecorator {
  return (target, key) => {
    const ctor = target.constructor;
    const specs = nestedArrays.get(ctor) ?? new Map<string, NestedArraySpec>();
    specs.set(String(key), { type, max, maxMessage });
    nestedArrays.set(ctor, specs);
    compose(
      IsDefined(IS_REQUIRED),
      ValidateBy({
        name: 'isArray',
        validator: { validate: (v) => Array.isArray(v), defaultMessage: () => 'must be an array' },
      }),
      ValidateNested({ each: true }),
      Type(type),
    )(target, key);
  };
}

// ---- query parameters: every value arrives as a string, or an array when repeated ----------

/** A query parameter given at most once. */
export const QueryString = (): PropertyDecorator =>
  compose(
    IsOptional(),
    ValidateBy({
      name: 'isSingle',
      validator: {
        validate: (v) => typeof v === 'string',
        defaultMessage: () => 'must be given once',
      },
    }),
  );

/** A list parameter: comma-separated, and/or repeated (`tags=a,b` or `tags=a&tags=b`). */
export const QueryList = (): PropertyDecorator =>
  compose(
    IsOptional(),
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
function queryNumber(pattern: RegExp, message: string): PropertyDecorator {
  return compose(
    IsOptional(),
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
export const QueryInteger = (message: string): PropertyDecorator => queryNumber(DIGITS, message);

/** A decimal number such as `0.5` (`min_importance`). */
export const QueryDecimal = (message: string): PropertyDecorator => queryNumber(DECIMAL, message);
