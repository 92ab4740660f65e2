/** A JSON Schema (OpenAPI 3.1 dialect) as plain data. */
export type JsonSchema = { readonly [keyword: string]: unknown };

/** A reference to a named schema of the document's `components.schemas`. */
export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/** `type` or null (OpenAPI 3.1 writes nullability as a type union). */
export const nullable = (type: string, doc: JsonSchema = {}): JsonSchema => ({
  type: [type, 'null'],
  ...doc,
});

export const arrayOf = (items: JsonSchema, doc: JsonSchema = {}): JsonSchema => ({
  type: 'array',
  items,
  ...doc,
});

export const isoTime = (doc: JsonSchema = {}): JsonSchema => ({
  type: 'string',
  format: 'date-time',
  description: 'ISO 8601, UTC, with milliseconds.',
  example: '2026-02-13T10:30:00.000Z',
  ...doc,
});

export const count = (description: string): JsonSchema => ({
  type: 'integer',
  minimum: 0,
  description,
});

export const HAS_MORE: JsonSchema = {
  type: 'boolean',
  description: 'More matches follow this page.',
};
export const NEXT_CURSOR: JsonSchema = {
  type: ['string', 'null'],
  description:
    'Pass as `cursor` (same filters and order) for the page after this one; null on the last page.',
  example: 'eyJ2IjoxLCJiIjoiMDEyMzQ1Njc4OWFiY2RlZiIsInQiOjE3NzA0OTQ0MDAwMDAsInMiOiI0MiJ9',
};

/**
 * The schema of a response object of type `T`: every key of `T` must be described and no other
 * (the compiler checks both), every field is required, and nothing else may appear. Written next
 * to the function that builds `T`, so the shape and its documentation are checked together.
 */
export function objectSchema<T extends object>(
  properties: { readonly [K in keyof Required<T>]: JsonSchema },
  doc: JsonSchema = {},
): JsonSchema {
  return {
    type: 'object',
    ...doc,
    properties,
    required: Object.keys(properties),
    additionalProperties: false,
  };
}
