import { toolCallingModel } from './fake-models.js';

/**
 * Stands in for `ChatOpenAI` of `@langchain/openai` when the README example runs: LangChain's fake
 * chat model, asking to remember that the report needs charts.
 */
export class ChatOpenAI {
  constructor(_fields: { model: string }) {}

  bindTools(tools: Parameters<ReturnType<typeof toolCallingModel>['bindTools']>[0]) {
    return toolCallingModel([
      { tool: 'remember', args: { content: 'The quarterly report needs charts' } },
    ]).bindTools(tools);
  }
}
