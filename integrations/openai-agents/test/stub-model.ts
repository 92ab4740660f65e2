import {
  Usage,
  type AgentInputItem,
  type Model,
  type ModelProvider,
  type ModelRequest,
  type ModelResponse,
} from '@openai/agents';

/** A function call the stub model makes: the tool's name and its arguments. */
export interface Call {
  readonly tool: string;
  readonly input: Record<string, unknown>;
}

/** What the tools the previous turn called answered, by tool name (JSON parsed when it is JSON). */
export type ToolOutputs = Record<string, unknown>;

/** One turn of the script: function calls to make, or the final text. */
export type Step = (outputs: ToolOutputs) => Call[] | string;

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The results, in the request's input, of the calls with these ids, by tool name. */
function outputsOf(input: ModelRequest['input'], callIds: ReadonlySet<string>): ToolOutputs {
  const outputs: ToolOutputs = {};
  if (typeof input === 'string') return outputs;
  for (const item of input as AgentInputItem[]) {
    if (item.type !== 'function_call_result' || !callIds.has(item.callId)) continue;
    const out = item.output;
    outputs[item.name] =
      typeof out === 'string'
        ? parsed(out)
        : !Array.isArray(out) && out.type === 'text'
          ? parsed(out.text)
          : out;
  }
  return outputs;
}

/**
 * A Model of the OpenAI Agents SDK that answers each turn with the next step of a script, reading
 * the tool results of its previous turn from the request as a real model would: no network.
 * `requests` keeps every request it got.
 */
export class StubModel implements Model {
  readonly requests: ModelRequest[] = [];
  private turn = 0;
  private lastCallIds = new Set<string>();

  constructor(private readonly steps: readonly Step[]) {}

  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    this.requests.push(request);
    const step = this.steps[this.turn];
    if (step === undefined) throw new Error(`the script has no turn ${this.turn + 1}`);
    const answer = step(outputsOf(request.input, this.lastCallIds));
    this.turn += 1;
    const usage = new Usage({ requests: 1, inputTokens: 1, outputTokens: 1, totalTokens: 2 });
    if (typeof answer === 'string') {
      this.lastCallIds = new Set();
      return {
        usage,
        output: [
          {
            type: 'message',
            role: 'assistant',
            status: 'completed',
            content: [{ type: 'output_text', text: answer }],
          },
        ],
      };
    }
    const calls = answer.map((call, i) => ({
      type: 'function_call' as const,
      callId: `call_${this.turn}_${i + 1}`,
      name: call.tool,
      status: 'completed' as const,
      arguments: JSON.stringify(call.input),
    }));
    this.lastCallIds = new Set(calls.map((c) => c.callId));
    return { usage, output: calls };
  }

  // eslint-disable-next-line require-yield
  async *getStreamedResponse(): AsyncIterable<never> {
    throw new Error('the stub model does not stream');
  }
}

/** A ModelProvider handing out one StubModel whatever the model name. */
export class StubModelProvider implements ModelProvider {
  constructor(readonly model: StubModel) {}

  getModel(): Model {
    return this.model;
  }
}
