import {
  AIMessageChunk,
  HumanMessage,
  ToolMessage,
  type BaseMessage,
} from '@langchain/core/messages';
import type { StructuredToolInterface } from '@langchain/core/tools';
import { FakeListChatModel, FakeStreamingChatModel } from '@langchain/core/utils/testing';

/** A tool call a fake model makes: the tool's name and its arguments. */
export interface Call {
  readonly tool: string;
  readonly args: Record<string, unknown>;
}

/** LangChain's fake chat model answering with these tool calls (and `text`, if any). */
export function toolCallingModel(calls: readonly Call[], text = ''): FakeStreamingChatModel {
  return new FakeStreamingChatModel({
    chunks: [
      new AIMessageChunk({
        content: text,
        tool_calls: calls.map((call, i) => ({
          id: `call_${i + 1}`,
          name: call.tool,
          args: call.args,
          type: 'tool_call' as const,
        })),
      }),
    ],
  });
}

/** LangChain's fake chat model answering `text`. */
export function answeringModel(text: string): FakeListChatModel {
  return new FakeListChatModel({ responses: [text] });
}

/**
 * A tool-calling loop, as an agent runs it: each turn the next model (bound to `tools`) answers
 * the conversation so far; the tools it calls run and their messages join the conversation; the
 * loop ends with a turn that calls no tool. Returns the whole conversation.
 */
export async function runTools(
  models: readonly (FakeStreamingChatModel | FakeListChatModel)[],
  tools: StructuredToolInterface[],
  input: string,
): Promise<BaseMessage[]> {
  const messages: BaseMessage[] = [new HumanMessage(input)];
  for (const model of models) {
    const reply = await model.bindTools(tools).invoke(messages);
    messages.push(reply);
    const calls = reply.tool_calls ?? [];
    if (calls.length === 0) return messages;
    for (const call of calls) {
      const tool = tools.find((t) => t.name === call.name);
      if (tool === undefined) throw new Error(`the model called an unknown tool ${call.name}`);
      const result: unknown = await tool.invoke({ ...call, type: 'tool_call' });
      if (!(result instanceof ToolMessage))
        throw new Error('a tool call must answer a ToolMessage');
      messages.push(result);
    }
  }
  return messages;
}
