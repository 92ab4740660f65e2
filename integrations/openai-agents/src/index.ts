import type { Memtrace } from '@basekick-labs/memtrace-sdk';
import {
  inputSchemas,
  memtraceOperations,
  strictSchema,
  toolDescriptions,
  type MemtraceToolsOptions,
} from '@memtrace/agent-tools';
import { tool } from '@openai/agents';

export type { MemtraceToolsOptions } from '@memtrace/agent-tools';

/**
 * memtrace as OpenAI Agents SDK function tools: `remember`, `recall`, `search` and
 * `sessionContext`, for an `Agent`'s `tools`. They act for `options.agentId` (and write to and read
 * the context of `options.sessionId`, when given) through `client`. Their parameters are strict
 * (every field required, null for "none"), as structured tool calling asks.
 *
 * @example
 * const agent = new Agent({ name: 'Support', tools: memtraceTools(client, { agentId: 'bot' }) });
 */
export function memtraceTools(client: Memtrace, options: MemtraceToolsOptions) {
  const ops = memtraceOperations(client, options);
  return [
    tool({
      name: 'remember',
      description: toolDescriptions.remember,
      parameters: strictSchema(inputSchemas.remember),
      execute: (input) => ops.remember(input),
    }),
    tool({
      name: 'recall',
      description: toolDescriptions.recall,
      parameters: strictSchema(inputSchemas.recall),
      execute: (input) => ops.recall(input),
    }),
    tool({
      name: 'search',
      description: toolDescriptions.search,
      parameters: strictSchema(inputSchemas.search),
      execute: (input) => ops.search(input),
    }),
    tool({
      name: 'sessionContext',
      description: toolDescriptions.sessionContext,
      parameters: strictSchema(inputSchemas.sessionContext),
      execute: (input) => ops.sessionContext(input),
    }),
  ];
}
