import type { ServerResponse } from "node:http";
import { z } from "zod";
import { sendJson, sendSse, type SseEvent } from "./http.js";
import { chunksOf, type Answer, type Conversation } from "./scenario.js";
import { parseBody, textOf, type UrlFacts, type VendorApi } from "./vendor-api.js";

const BlockSchema = z.looseObject({ type: z.string() });

const MessagesRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(
    z.looseObject({
      role: z.enum(["user", "assistant"]),
      content: z.union([z.string(), z.array(BlockSchema)]),
    }),
  ),
  system: z.union([z.string(), z.array(BlockSchema)]).optional(),
  stream: z.boolean().optional(),
});

/** `POST /v1/messages/count_tokens`: the same body without `max_tokens`. */
export const CountTokensRequestSchema = MessagesRequestSchema.omit({ stream: true });

const ERROR_TYPES: Readonly<Record<number, string>> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  529: "overloaded_error",
};

function usageOf(answer: Answer): Record<string, number> {
  return {
    input_tokens: answer.usage.input,
    cache_creation_input_tokens: answer.usage.cacheWrite,
    cache_read_input_tokens: answer.usage.cacheRead,
    output_tokens: answer.usage.output,
  };
}

function contentOf(answer: Answer): unknown[] {
  const blocks: unknown[] = [];
  if (answer.text !== "" || answer.toolCalls.length === 0) {
    blocks.push({ type: "text", text: answer.text });
  }
  for (const call of answer.toolCalls) {
    blocks.push({ type: "tool_use", id: call.id, name: call.name, input: call.args });
  }
  return blocks;
}

function stopReasonOf(answer: Answer): string {
  return answer.toolCalls.length > 0 ? "tool_use" : "end_turn";
}

function messageOf(answer: Answer): Record<string, unknown> {
  return {
    id: `msg_${answer.serial}`,
    type: "message",
    role: "assistant",
    model: answer.modelId,
    content: contentOf(answer),
    stop_reason: stopReasonOf(answer),
    stop_sequence: null,
    usage: usageOf(answer),
  };
}

/** The SSE events of a streamed answer, in the order the Messages API sends them. */
function streamEvents(answer: Answer): SseEvent[] {
  const start = { ...messageOf(answer), content: [], stop_reason: null };
  const events: SseEvent[] = [
    {
      event: "message_start",
      data: {
        type: "message_start",
        message: { ...start, usage: { ...usageOf(answer), output_tokens: 1 } },
      },
    },
    { event: "ping", data: { type: "ping" } },
  ];
  let index = 0;
  const block = (contentBlock: unknown, deltas: unknown[]): void => {
    events.push({
      event: "content_block_start",
      data: { type: "content_block_start", index, content_block: contentBlock },
    });
    for (const delta of deltas) {
      events.push({
        event: "content_block_delta",
        data: { type: "content_block_delta", index, delta },
      });
    }
    events.push({ event: "content_block_stop", data: { type: "content_block_stop", index } });
    index += 1;
  };
  if (answer.text !== "" || answer.toolCalls.length === 0) {
    block(
      { type: "text", text: "" },
      chunksOf(answer.text).map((text) => ({ type: "text_delta", text })),
    );
  }
  for (const call of answer.toolCalls) {
    block(
      { type: "tool_use", id: call.id, name: call.name, input: {} },
      chunksOf(JSON.stringify(call.args), 2).map((partial_json) => ({
        type: "input_json_delta",
        partial_json,
      })),
    );
  }
  events.push(
    {
      event: "message_delta",
      data: {
        type: "message_delta",
        delta: { stop_reason: stopReasonOf(answer), stop_sequence: null },
        usage: usageOf(answer),
      },
    },
    { event: "message_stop", data: { type: "message_stop" } },
  );
  return events;
}

/** The Anthropic Messages API (`POST /v1/messages`), as Claude Code and the SDK call it. */
export const anthropicApi: VendorApi = {
  conversation(body: unknown, url: UrlFacts): Conversation {
    const req = parseBody(MessagesRequestSchema, body, "anthropic messages");
    let prompt = "";
    let turn = 0;
    for (const message of req.messages) {
      if (message.role !== "user") continue;
      const results =
        typeof message.content === "string"
          ? 0
          : message.content.filter((b) => b.type === "tool_result").length;
      turn += results;
      // A tool-result turn may carry reminders as text; the prompt is the user's own message.
      const text = textOf(message.content);
      if (text !== "" && results === 0) prompt = text;
    }
    return {
      vendor: "anthropic",
      model: req.model,
      stream: req.stream ?? false,
      system: textOf(req.system),
      prompt,
      turn,
      requestBytes: url.requestBytes,
    };
  },

  async answer(res: ServerResponse, answer: Answer, conv: Conversation): Promise<void> {
    if (!conv.stream) {
      sendJson(res, 200, messageOf(answer));
      return;
    }
    await sendSse(res, streamEvents(answer), answer.chunkDelayMs);
  },

  errorBody(status: number, message: string): unknown {
    return {
      type: "error",
      error: { type: ERROR_TYPES[status] ?? "api_error", message },
    };
  },

  async malformed(res: ServerResponse, conv: Conversation): Promise<void> {
    if (!conv.stream) {
      sendJson(res, 200, '{"id":"msg_broken","type":"message","content":[{"type":"te');
      return;
    }
    await sendSse(
      res,
      [
        { event: "message_start", data: '{"type":"message_start","message":{"id":' },
        { event: "message_stop", data: { type: "message_stop" } },
      ],
      0,
    );
  },
};
