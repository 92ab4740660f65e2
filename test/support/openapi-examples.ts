/**
 * What Swagger UI's "Try it out" fills in from an OpenAPI document, rebuilt for tests: a query
 * parameter gets its example, else its default; a request body is the media type's example when
 * there is one, else a sample of its schema, each field taking its default, else its example,
 * else its first enum value, else a placeholder of its type (`oneOf`: the first choice).
 */

type Schema = Readonly<Record<string, unknown>>;

export interface DocumentedParameter {
  readonly name: string;
  readonly in: string;
  readonly example?: unknown;
  readonly schema?: Schema;
}

function resolve(doc: Schema, schema: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const target = ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((at, key) => (at as Schema)[key], doc);
  return resolve(doc, target as Schema);
}

export interface DocumentedBody {
  readonly content: { readonly 'application/json': { schema: Schema; example?: unknown } };
}

/** The body Swagger UI pre-fills for a request body. */
export function sampleBody(doc: Schema, body: DocumentedBody): unknown {
  const { schema, example } = body.content['application/json'];
  return example !== undefined ? example : sampleSchema(doc, schema);
}

function sampleSchema(doc: Schema, schemaOrRef: Schema): unknown {
  const schema = resolve(doc, schemaOrRef);
  if (schema.default !== undefined) return schema.default;
  if (schema.example !== undefined) return schema.example;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (Array.isArray(schema.oneOf)) return sampleSchema(doc, schema.oneOf[0] as Schema);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(
        Object.entries((schema.properties ?? {}) as Record<string, Schema>).map(([k, v]) => [
          k,
          sampleSchema(doc, v),
        ]),
      );
    case 'array':
      return [sampleSchema(doc, (schema.items ?? {}) as Schema)];
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 0;
    case 'boolean':
      return true;
    default:
      return 'string';
  }
}

/** The query string Swagger UI pre-fills from the parameters' examples and defaults. */
export function sampleQuery(parameters: readonly DocumentedParameter[]): URLSearchParams {
  const query = new URLSearchParams();
  for (const p of parameters) {
    if (p.in !== 'query') continue;
    const value = p.example ?? p.schema?.example ?? p.schema?.default;
    if (value === undefined || value === null || value === '') continue;
    for (const v of Array.isArray(value) ? value : [value]) query.append(p.name, String(v));
  }
  return query;
}
