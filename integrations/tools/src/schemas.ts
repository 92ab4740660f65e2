import { z } from 'zod';

/** The kinds of memory memtrace stores. */
export const MEMORY_TYPES = ['episodic', 'decision', 'entity', 'session'] as const;

const memoryType = z
  .enum(MEMORY_TYPES)
  .describe(
    'episodic: something that happened (default); decision: a choice and why; entity: a fact about someone or something; session: about the conversation itself',
  );
const tags = z
  .array(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/))
  .max(64)
  .describe("Exact-match labels: letters, digits, '_', '.' or '-', 64 characters at most");
const limit = (fallback: number) =>
  z.number().int().min(1).max(100).describe(`How many memories at most (default ${fallback})`);
const since = z
  .string()
  .describe("How far back: a duration such as '30m', '2h', '7d', '1w', or an ISO 8601 time");

/** remember: records one memory of the agent. */
export const rememberInput = z.object({
  content: z
    .string()
    .min(1)
    .describe('What happened, was decided or was learned, in one self-contained sentence'),
  memory_type: memoryType.optional(),
  importance: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe('0 to 1; higher comes first in the session context'),
  tags: tags.optional(),
});

/** recall: the agent's recent memories, newest first. */
export const recallInput = z.object({
  since: since.optional().describe("How far back (default '24h'): '30m', '2h', '7d', '1w'"),
  memory_type: memoryType.optional(),
  tags: tags.optional().describe('Only memories carrying all of these tags'),
  limit: limit(10).optional(),
});

/** search: the agent's memories matching keywords, best match first. */
export const searchInput = z.object({
  query: z
    .string()
    .min(1)
    .describe(
      'Keywords that must all appear; "a phrase" in double quotes, prefix* for word starts, OR (upper case) between alternatives',
    ),
  memory_type: memoryType.optional(),
  since: since.optional(),
  limit: limit(10).optional(),
});

/** sessionContext: the session's memories as LLM-ready markdown within a token budget. */
export const sessionContextInput = z.object({
  max_tokens: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('Token budget of the context (default: no budget)'),
  query: z
    .string()
    .min(1)
    .optional()
    .describe('Keywords: memories matching them come first within the budget'),
  since: since.optional(),
});

export type RememberInput = z.infer<typeof rememberInput>;
export type RecallInput = z.infer<typeof recallInput>;
export type SearchInput = z.infer<typeof searchInput>;
export type SessionContextInput = z.infer<typeof sessionContextInput>;

/** The input schema of each tool, by tool name. */
export const inputSchemas = {
  remember: rememberInput,
  recall: recallInput,
  search: searchInput,
  sessionContext: sessionContextInput,
} as const;

/** An input where an optional field may also come as null (see {@link strictSchema}). */
export type Nullable<T> = { [K in keyof T]: undefined extends T[K] ? T[K] | null : T[K] };

/**
 * The same object schema with every optional field required but nullable: the shape that
 * structured-output ("strict") tool calling asks for, where the model sends null for a field it
 * leaves out. The operations read null as absent.
 */
export function strictSchema<Shape extends z.ZodRawShape>(
  schema: z.ZodObject<Shape>,
): z.ZodObject<{
  [K in keyof Shape]: Shape[K] extends z.ZodOptional<infer Inner> ? z.ZodNullable<Inner> : Shape[K];
}> {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(schema.shape) as [string, z.ZodType][]) {
    shape[key] = field instanceof z.ZodOptional ? (field.unwrap() as z.ZodType).nullable() : field;
  }
  return z.object(shape) as never;
}
