import type { ServerResponse } from "node:http";
import { z } from "zod";
import { sendJson, sendSse, type SseEvent } from "./http.js";
import { openaiErrorBody, readOpenAIMessages } from "./openai-shared.js";
import { chunksOf, type Answer, type Conversation } from "./scenario.js";
import { parseBody, type UrlFacts, type VendorApi } from "./vendor-api.js";

const ChatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(
    z.looseObject({
      role: z.string(),
      content: z
        .union([z.string(), z.array(z.looseObject({ type: z.string() })), z.null()])
        .optional(),
    }),
  ),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
});

function usageOf(answer: Answer): Record<string, unknown> {
  const u = answer.usage;
  const prompt = u.input + u.cacheRead;
  return {
    prompt_tokens: prompt,
    completion_tokens: u.output,
    total_tokens: prompt + u.output,
    prompt_tokens_details: { cached_tokens: u.cacheRead, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: u.thoughts, audio_tokens: 0 },
  };
}

function finishReasonOf(answer: Answer): string {
  return answer.toolCalls.length > 0 ? "tool_calls" : "stop";
}

function toolCallsOf(answer: Answer): unknown[] {
  return answer.toolCalls.map((call) => ({
    id: call.id,
    type: "function",
    function: { name: call.name, arguments: JSON.stringify(call.args) },
  }));
}

function envelope(answer: Answer, object: string): Record<string, unknown> {
  return {
    id: `chatcmpl-${answer.serial}`,
    object,
    created: 1_700_000_000,
    model: answer.modelId,
    system_fingerprint: "fp_model_server",
  };
}

function streamEvents(answer: Answer, includeUsage: boolean): SseEvent[] {
  const chunk = (delta: unknown, finish: string | null = null): SseEvent => ({
    data: {
      ...envelope(answer, "chat.completion.chunk"),
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
    },
  });
  const events: SseEvent[] = [chunk({ role: "assistant", content: "" })];
  for (const piece of chunksOf(answer.text)) events.push(chunk({ content: piece }));
  answer.toolCalls.forEach((call, index) => {
    events.push(
      chunk({
        tool_calls: [
          { index, id: call.id, type: "function", function: { name: call.name, arguments: "" } },
        ],
      }),
    );
    for (const piece of chunksOf(JSON.stringify(call.args), 2)) {
      events.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  });
  events.push(chunk({}, finishReasonOf(answer)));
  if (includeUsage) {
    events.push({
      data: { ...envelope(answer, "chat.completion.chunk"), choices: [], usage: usageOf(answer) },
    });
  }
  events.push({ data: "[DONE]" });
  return events;
}

/**
 * OpenAI chat completions (`POST /v1/chat/completions`): OpenAI, OpenRouter, vLLM, LM Studio,
 * llama.cpp's server and Ollama's `/v1` all speak it.
 */
export const openaiChatApi: VendorApi = {
  conversation(body: unknown, url: UrlFacts): Conversation {
    const req = parseBody(ChatRequestSchema, body, "openai chat completions");
    return {
      vendor: "openai-chat",
      model: req.model,
      stream: req.stream ?? false,
      ...readOpenAIMessages(req.messages, (message) => message.role === "tool"),
      requestBytes: url.requestBytes,
      includeUsage: req.stream_options?.include_usage ?? false,
    };
  },

  async answer(res: ServerResponse, answer: Answer, conv: Conversation): Promise<void> {
    if (!conv.stream) {
      const tools = toolCallsOf(answer);
      sendJson(res, 200, {
        ...envelope(answer, "chat.completion"),
        choices: [
          {
            index: 0,
            message: {
              role: "assistant",
              content: answer.text === "" && tools.length > 0 ? null : answer.text,
              refusal: null,
              ...(tools.length > 0 ? { tool_calls: tools } : {}),
            },
            finish_reason: finishReasonOf(answer),
            logprobs: null,
          },
        ],
        usage: usageOf(answer),
      });
      return;
    }
    await sendSse(res, streamEvents(answer, conv.includeUsage ?? false), answer.chunkDelayMs);
  },

  errorBody: openaiErrorBody,

  async malformed(res: ServerResponse, conv: Conversation): Promise<void> {
    if (!conv.stream) {
      sendJson(res, 200, '{"id":"chatcmpl-broken","object":"chat.completion","choices":[{"mes');
      return;
    }
    await sendSse(res, [{ data: '{"id":"chatcmpl-broken","choices":[{"delta":' }], 0);
  },
};
