import type { Memtrace } from '@basekick-labs/memtrace-sdk';
import {
  inputSchemas,
  memtraceOperations,
  toolDescriptions,
  type MemtraceToolsOptions,
} from '@memtrace/agent-tools';
import { tool, type StructuredToolInterface } from '@langchain/core/tools';

/**
 * memtrace as LangChain tools: `remember`, `recall`, `search` and `sessionContext`, for
 * `model.bindTools(tools)` and any agent that runs LangChain tools. They act for
 * `options.agentId` (and write to and read the context of `options.sessionId`, when given)
 * through `client`; each answers with JSON text.
 */
export function memtraceTools(
  client: Memtrace,
  options: MemtraceToolsOptions,
): StructuredToolInterface[] {
  const ops = memtraceOperations(client, options);
  return [
    tool(async (input) => JSON.stringify(await ops.remember(input)), {
      name: 'remember',
      description: toolDescriptions.remember,
      schema: inputSchemas.remember,
    }),
    tool(async (input) => JSON.stringify(await ops.recall(input)), {
      name: 'recall',
      description: toolDescriptions.recall,
      schema: inputSchemas.recall,
    }),
    tool(async (input) => JSON.stringify(await ops.search(input)), {
      name: 'search',
      description: toolDescriptions.search,
      schema: inputSchemas.search,
    }),
    tool(async (input) => JSON.stringify(await ops.sessionContext(input)), {
      name: 'sessionContext',
      description: toolDescriptions.sessionContext,
      schema: inputSchemas.sessionContext,
    }),
  ];
}
