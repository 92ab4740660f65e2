import type {
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3GenerateResult,
} from '@ai-sdk/provider';
import { MockLanguageModelV3 } from 'ai/test';

/** A tool call the scripted model makes: the tool's name and its input. */
export interface Call {
  readonly tool: string;
  readonly input: Record<string, unknown>;
}

/** The results of the tools the previous step called, by tool name, as the model reads them. */
export type ToolOutputs = Record<string, unknown>;

/**
 * One step of the script: the tool calls to make, or the final text, given what the tools the
 * previous step called answered (read from the prompt, as a real model would).
 */
export type Step = (outputs: ToolOutputs) => Call[] | string;

const USAGE = {
  inputTokens: { total: 1, noCache: 1, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 1, text: 1, reasoning: undefined },
};

/** The last tool message's results in the prompt, by tool name. */
function lastToolOutputs(prompt: LanguageModelV3CallOptions['prompt']): ToolOutputs {
  const last = prompt.at(-1);
  if (last?.role !== 'tool') return {};
  const outputs: ToolOutputs = {};
  for (const part of last.content) {
    if (part.type !== 'tool-result') continue;
    const out = part.output;
    outputs[part.toolName] =
      out.type === 'json' || out.type === 'text' || out.type === 'error-text'
        ? out.value
        : out.type;
  }
  return outputs;
}

/**
 * The AI SDK's mock language model, answering each call with the next step of `steps`: tool calls
 * (finish reason `tool-calls`) or text (`stop`).
 */
export function scriptedModel(steps: readonly Step[]): MockLanguageModelV3 {
  let next = 0;
  return new MockLanguageModelV3({
    doGenerate: async (options): Promise<LanguageModelV3GenerateResult> => {
      const step = steps[next];
      if (step === undefined) throw new Error(`the script has no step ${next + 1}`);
      const answer = step(lastToolOutputs(options.prompt));
      const calls = typeof answer === 'string' ? [] : answer;
      const content: LanguageModelV3Content[] =
        typeof answer === 'string'
          ? [{ type: 'text', text: answer }]
          : calls.map((call, i) => ({
              type: 'tool-call',
              toolCallId: `call_${next + 1}_${i + 1}`,
              toolName: call.tool,
              input: JSON.stringify(call.input),
            }));
      next += 1;
      return {
        content,
        finishReason: { unified: calls.length > 0 ? 'tool-calls' : 'stop', raw: undefined },
        usage: USAGE,
        warnings: [],
      };
    },
  });
}
