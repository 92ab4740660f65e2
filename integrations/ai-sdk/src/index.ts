import type { Memtrace } from '@basekick-labs/memtrace-sdk';
import {
  inputSchemas,
  memtraceOperations,
  toolDescriptions,
  type MemtraceToolsOptions,
} from '@memtrace/agent-tools';
import { tool } from 'ai';

export type { MemtraceToolsOptions } from '@memtrace/agent-tools';

/**
 * memtrace as Vercel AI SDK tools: `remember`, `recall`, `search` and `sessionContext`, for
 * `generateText`, `streamText` or an `Agent`'s `tools`. They act for `options.agentId` (and write
 * to and read the context of `options.sessionId`, when given) through `client`.
 *
 * @example
 * const tools = memtraceTools(new Memtrace(url, key), { agentId: 'support_bot', sessionId });
 * await generateText({ model, tools, stopWhen: stepCountIs(5), prompt });
 */
export function memtraceTools(client: Memtrace, options: MemtraceToolsOptions) {
  const ops = memtraceOperations(client, options);
  return {
    remember: tool({
      description: toolDescriptions.remember,
      inputSchema: inputSchemas.remember,
      execute: (input) => ops.remember(input),
    }),
    recall: tool({
      description: toolDescriptions.recall,
      inputSchema: inputSchemas.recall,
      execute: (input) => ops.recall(input),
    }),
    search: tool({
      description: toolDescriptions.search,
      inputSchema: inputSchemas.search,
      execute: (input) => ops.search(input),
    }),
    sessionContext: tool({
      description: toolDescriptions.sessionContext,
      inputSchema: inputSchemas.sessionContext,
      execute: (input) => ops.sessionContext(input),
    }),
  };
}
