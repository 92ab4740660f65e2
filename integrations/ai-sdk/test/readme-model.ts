import { scriptedModel } from './scripted-model.js';

/**
 * Stands in for `openai` of `@ai-sdk/openai` when the README example runs: a model that saves the
 * customer's preference, searches for it, and answers with what the search found.
 */
export function openai(_modelId: string) {
  return scriptedModel([
    () => [
      {
        tool: 'remember',
        input: {
          content: 'The customer wants to be contacted by email, never by phone',
          memory_type: 'entity',
        },
      },
    ],
    () => [{ tool: 'search', input: { query: 'contacted email' } }],
    (outputs) => {
      const { results } = outputs.search as { results: { content: string }[] };
      return `From memory: ${results[0]?.content}`;
    },
  ]);
}
