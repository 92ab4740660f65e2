import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { checkNoRoundedNumbers, checkStorable } from '../../domain/index.js';
import { MEMORY_TYPES, type MemtraceBackend } from './memtrace-backend.js';

/** The version the MCP server reports. */
export const MCP_SERVER_VERSION = '0.3.0';

export interface McpServerOptions {
  /** Reported to clients in the initialize handshake. */
  readonly version?: string;
}

/** The context resource's URI for a session. */
export const contextUri = (sessionId: string) =>
  `memtrace://sessions/${encodeURIComponent(sessionId)}/context`;

const json = (value: unknown): CallToolResult => ({
  content: [{ type: 'text', text: JSON.stringify(value, null, 2) }],
});

/**
 * Runs a tool; a failure becomes an MCP tool error carrying memtrace's message. Arguments that
 * not every store keeps byte for byte (NUL, a lone surrogate, a number beyond a double) are
 * refused first, naming the field, as the HTTP edge refuses them with 400; so is a number beyond
 * ±(2^53 − 1), which the protocol's JSON parsing may have rounded from an integer.
 */
async function tool(
  args: Record<string, unknown>,
  run: () => Promise<CallToolResult>,
): Promise<CallToolResult> {
  try {
    for (const [field, value] of Object.entries(args)) {
      checkStorable(field, value);
      checkNoRoundedNumbers(field, value);
    }
    return await run();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { content: [{ type: 'text', text: `memtrace error: ${message}` }], isError: true };
  }
}

// Passed through untouched: z.record rebuilds the object with assignments, which silently drops
// a `__proto__` key. memtrace itself checks that metadata is a JSON object it can store.
const metadata = z.any().describe('A JSON object of your own fields');

/**
 * The memtrace MCP server: the Go version's tools with their names and inputs, plus
 * `memtrace_session_close`, `memtrace_agent_stats` and `memtrace_forget`, and the session context as the resource
 * template `memtrace://sessions/{id}/context`. Tools answer with 2-space-indented JSON, except
 * `memtrace_session_context`, which answers with the raw markdown.
 */
export function createMcpServer(backend: MemtraceBackend, options: McpServerOptions = {}) {
  const server = new McpServer(
    { name: 'memtrace', version: options.version ?? '0.0.0' },
    {
      instructions:
        'memtrace is the memory of AI agents: remember what you did, decided and learned, recall it, and read a session as markdown context.',
    },
  );

  server.registerTool(
    'memtrace_remember',
    {
      description: 'Store a memory: what an agent did, saw or learned.',
      inputSchema: {
        agent_id: z.string().describe('The agent storing the memory'),
        content: z.string().describe('What happened, in plain text'),
        memory_type: z.enum(MEMORY_TYPES).optional().describe('Default episodic'),
        event_type: z.string().optional().describe('Default general'),
        session_id: z.string().optional(),
        tags: z.array(z.string()).optional(),
        importance: z.number().min(0).max(1).optional().describe('0 to 1'),
        metadata: metadata.optional(),
        time: z
          .string()
          .optional()
          .describe('When it happened, ISO 8601 (e.g. 2026-02-13T10:30:00Z); default now'),
        ttl: z.string().optional().describe('How long it lives: 30m, 12h, 7d, 1w'),
        expires_at: z.string().optional().describe('When it expires, ISO 8601 (not with ttl)'),
        pinned: z.boolean().optional().describe('Never expires (not with ttl or expires_at)'),
        supersedes: z
          .string()
          .optional()
          .describe(
            'The memory_id of a memory this one corrects: the old one is no longer recalled',
          ),
      },
    },
    (args) =>
      tool(args, async () =>
        json(
          await backend.addMemory({
            ...args,
            memory_type: args.memory_type ?? 'episodic',
            event_type: args.event_type ?? 'general',
          }),
        ),
      ),
  );

  server.registerTool(
    'memtrace_recall',
    {
      description: "Recall an agent's recent memories, newest first.",
      inputSchema: {
        agent_id: z.string(),
        since: z.string().optional().describe('30m, 2h, 7d or ISO 8601; default 24h'),
        session_id: z.string().optional(),
        memory_type: z.string().optional(),
        limit: z.number().int().min(1).max(1000).optional().describe('Default 50'),
        cursor: z
          .string()
          .optional()
          .describe('next_cursor of the previous answer (same filters): the page after it'),
      },
    },
    (args) =>
      tool(args, async () =>
        json(
          await backend.listMemories({
            ...args,
            since: args.since ?? '24h',
            limit: args.limit ?? 50,
            order: 'desc',
          }),
        ),
      ),
  );

  server.registerTool(
    'memtrace_search',
    {
      description:
        'Search memories by keywords (ranked by relevance, each result with its score), agent, ' +
        'text, types, tags, time and importance.',
      inputSchema: {
        query: z
          .string()
          .optional()
          .describe(
            'Keywords, all must match: "a phrase", prefix*, OR between alternatives; ranked by relevance',
          ),
        agent_id: z.string().optional(),
        content_contains: z.string().optional().describe('Literal substring'),
        content_contains_ignore_case: z
          .boolean()
          .optional()
          .describe('true: content_contains matches regardless of case'),
        memory_types: z.array(z.enum(MEMORY_TYPES)).optional(),
        tags: z.array(z.string()).optional().describe('All of them must match'),
        since: z.string().optional(),
        min_importance: z.number().min(0).max(1).optional(),
        limit: z.number().int().min(1).max(1000).optional().describe('Default 50'),
        cursor: z
          .string()
          .optional()
          .describe('next_cursor of the previous answer (same filters): the page after it'),
      },
    },
    (args) =>
      tool(args, async () =>
        json(
          await backend.searchMemories({
            ...args,
            limit: args.limit ?? 50,
            // With keywords, the best matches first; without, the newest.
            order: args.query === undefined || args.query === '' ? 'desc' : 'relevance',
          }),
        ),
      ),
  );

  server.registerTool(
    'memtrace_decide',
    {
      description: 'Record a decision and the reasoning behind it.',
      inputSchema: { agent_id: z.string(), decision: z.string(), reasoning: z.string() },
    },
    ({ agent_id, decision, reasoning }) =>
      tool({ agent_id, decision, reasoning }, async () =>
        json(
          await backend.addMemory({
            agent_id,
            content: decision,
            memory_type: 'decision',
            event_type: 'decision',
            metadata: { reasoning },
          }),
        ),
      ),
  );

  server.registerTool(
    'memtrace_session_create',
    {
      description: 'Start a session for an agent.',
      inputSchema: { agent_id: z.string(), metadata: metadata.optional() },
    },
    (args) => tool(args, async () => json(await backend.createSession(args))),
  );

  server.registerTool(
    'memtrace_session_context',
    {
      description:
        "A session's memories as LLM-ready markdown (or, by format, JSON sections or chat messages), within max_tokens counted by the tokenizer.",
      inputSchema: {
        session_id: z.string(),
        since: z.string().optional(),
        include_types: z.array(z.enum(MEMORY_TYPES)).optional(),
        max_tokens: z.number().int().min(1).optional(),
        tokenizer: z.enum(['o200k_base', 'cl100k_base']).optional(),
        format: z.enum(['markdown', 'json', 'messages']).optional(),
        query: z
          .string()
          .optional()
          .describe(
            'Keywords (as memtrace search): within max_tokens, memories matching them are kept first, after pinned ones',
          ),
      },
    },
    ({ session_id, ...options }) =>
      tool({ session_id, ...options }, async () => {
        const { context } = await backend.getSessionContext(session_id, options);
        const text = typeof context === 'string' ? context : JSON.stringify(context, null, 2);
        return { content: [{ type: 'text', text }] };
      }),
  );

  server.registerTool(
    'memtrace_session_close',
    { description: 'Close a session.', inputSchema: { session_id: z.string() } },
    ({ session_id }) =>
      tool({ session_id }, async () => json(await backend.closeSession(session_id))),
  );

  server.registerTool(
    'memtrace_agent_register',
    {
      description: 'Register an agent by name.',
      inputSchema: { name: z.string(), description: z.string().optional() },
    },
    (args) => tool(args, async () => json(await backend.registerAgent(args))),
  );

  server.registerTool(
    'memtrace_agent_stats',
    {
      description: "An agent's memory counts, errors and sessions.",
      inputSchema: { agent_id: z.string().describe('The agent id or registered name') },
    },
    ({ agent_id }) => tool({ agent_id }, async () => json(await backend.getAgentStats(agent_id))),
  );

  server.registerTool(
    'memtrace_forget',
    {
      description:
        'Forget (delete) the memories that every given filter matches, or the listed ids, all or ' +
        'none. dry_run counts them and deletes nothing. With no filter and no ids it is refused, ' +
        'unless all is true (every memory of the org; needs an admin key).',
      inputSchema: {
        agent_id: z.string().optional(),
        session_id: z.string().optional(),
        memory_types: z.array(z.enum(MEMORY_TYPES)).optional(),
        event_types: z.array(z.string()).optional(),
        tags: z.array(z.string()).optional().describe('All of them must match'),
        since: z.string().optional().describe('30m, 2h, 7d or ISO 8601'),
        until: z.string().optional().describe('30m, 2h, 7d or ISO 8601'),
        query: z.string().optional().describe('Keywords, as memtrace_search reads them'),
        ids: z.array(z.string()).optional().describe('Memory ids, at most 1000'),
        dry_run: z.boolean().optional().describe('Only count what would be forgotten'),
        all: z.boolean().optional().describe('Every memory of the org, without filters'),
      },
    },
    (args) => tool(args, async () => json(await backend.forget(args))),
  );

  server.registerResource(
    'session_context',
    new ResourceTemplate('memtrace://sessions/{id}/context', { list: undefined }),
    {
      title: 'Session context',
      description: "A session's memories as LLM-ready markdown",
      mimeType: 'text/markdown',
    },
    async (uri, { id }) => {
      const sessionId = decodeURIComponent(String(Array.isArray(id) ? id[0] : id));
      const { context } = await backend.getSessionContext(sessionId, {});
      return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text: String(context) }] };
    },
  );

  return server;
}
