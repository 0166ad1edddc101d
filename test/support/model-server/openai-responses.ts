import type { ServerResponse } from "node:http";
import { z } from "zod";
import { sendJson, sendSse, type SseEvent } from "./http.js";
import { openaiErrorBody, readOpenAIMessages } from "./openai-shared.js";
import { chunksOf, type Answer, type Conversation } from "./scenario.js";
import { parseBody, type UrlFacts, type VendorApi } from "./vendor-api.js";

const ItemSchema = z.looseObject({
  type: z.string().optional(),
  role: z.string().optional(),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string() })), z.null()]).optional(),
});

const ResponsesRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(ItemSchema)]),
  instructions: z.string().nullish(),
  stream: z.boolean().nullish(),
});

function usageOf(answer: Answer): Record<string, unknown> {
  const u = answer.usage;
  const input = u.input + u.cacheRead;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: u.cacheRead },
    output_tokens: u.output,
    output_tokens_details: { reasoning_tokens: u.thoughts },
    total_tokens: input + u.output,
  };
}

type Item = Record<string, unknown>;

function messageItem(answer: Answer, text: string, status: string): Item {
  return {
    type: "message",
    id: `msg_${answer.serial}`,
    status,
    role: "assistant",
    content:
      status === "completed" ? [{ type: "output_text", text, annotations: [], logprobs: [] }] : [],
  };
}

function callItem(answer: Answer, index: number, done: boolean): Item {
  const call = answer.toolCalls[index];
  if (call === undefined) throw new Error(`no tool call ${index}`);
  if (call.custom !== undefined) {
    return {
      type: "custom_tool_call",
      id: `ctc_${answer.serial}_${index}`,
      call_id: call.id,
      name: call.name,
      input: done ? call.custom : "",
      status: done ? "completed" : "in_progress",
    };
  }
  return {
    type: "function_call",
    id: `fc_${answer.serial}_${index}`,
    call_id: call.id,
    name: call.name,
    arguments: done ? JSON.stringify(call.args) : "",
    status: done ? "completed" : "in_progress",
  };
}

function outputOf(answer: Answer): Item[] {
  const items: Item[] = [];
  if (answer.text !== "" || answer.toolCalls.length === 0) {
    items.push(messageItem(answer, answer.text, "completed"));
  }
  answer.toolCalls.forEach((_call, i) => items.push(callItem(answer, i, true)));
  return items;
}

function responseOf(answer: Answer, done: boolean): Record<string, unknown> {
  return {
    id: `resp_${answer.serial}`,
    object: "response",
    created_at: 1_700_000_000,
    status: done ? "completed" : "in_progress",
    model: answer.modelId,
    output: done ? outputOf(answer) : [],
    usage: done ? usageOf(answer) : null,
    error: null,
    incomplete_details: null,
    instructions: null,
    metadata: {},
    parallel_tool_calls: true,
    tool_choice: "auto",
    tools: [],
    temperature: 1,
    top_p: 1,
    text: { format: { type: "text" } },
    truncation: "disabled",
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: false,
  };
}

function streamEvents(answer: Answer): SseEvent[] {
  const events: SseEvent[] = [];
  const emit = (type: string, fields: Record<string, unknown>): void => {
    events.push({ event: type, data: { type, sequence_number: events.length, ...fields } });
  };
  emit("response.created", { response: responseOf(answer, false) });
  emit("response.in_progress", { response: responseOf(answer, false) });
  let outputIndex = 0;
  if (answer.text !== "" || answer.toolCalls.length === 0) {
    const itemId = `msg_${answer.serial}`;
    const at = { item_id: itemId, output_index: outputIndex, content_index: 0 };
    emit("response.output_item.added", {
      output_index: outputIndex,
      item: messageItem(answer, "", "in_progress"),
    });
    emit("response.content_part.added", {
      ...at,
      part: { type: "output_text", text: "", annotations: [] },
    });
    for (const delta of chunksOf(answer.text)) {
      emit("response.output_text.delta", { ...at, delta, logprobs: [] });
    }
    emit("response.output_text.done", { ...at, text: answer.text, logprobs: [] });
    emit("response.content_part.done", {
      ...at,
      part: { type: "output_text", text: answer.text, annotations: [] },
    });
    emit("response.output_item.done", {
      output_index: outputIndex,
      item: messageItem(answer, answer.text, "completed"),
    });
    outputIndex += 1;
  }
  answer.toolCalls.forEach((call, i) => {
    const started = callItem(answer, i, false);
    const at = { item_id: started.id, output_index: outputIndex };
    emit("response.output_item.added", { output_index: outputIndex, item: started });
    if (call.custom !== undefined) {
      for (const delta of chunksOf(call.custom, 2)) {
        emit("response.custom_tool_call_input.delta", { ...at, delta });
      }
      emit("response.custom_tool_call_input.done", { ...at, input: call.custom });
    } else {
      const args = JSON.stringify(call.args);
      for (const delta of chunksOf(args, 2)) {
        emit("response.function_call_arguments.delta", { ...at, delta });
      }
      emit("response.function_call_arguments.done", { ...at, name: call.name, arguments: args });
    }
    emit("response.output_item.done", {
      output_index: outputIndex,
      item: callItem(answer, i, true),
    });
    outputIndex += 1;
  });
  emit("response.completed", { response: responseOf(answer, true) });
  return events;
}

/** The OpenAI Responses API (`POST /v1/responses`), as the Codex CLI and the SDK call it. */
export const openaiResponsesApi: VendorApi = {
  conversation(body: unknown, url: UrlFacts): Conversation {
    const req = parseBody(ResponsesRequestSchema, body, "openai responses");
    const read = readOpenAIMessages(
      typeof req.input === "string" ? [] : req.input,
      // function_call_output, custom_tool_call_output, local_shell_call_output, ...
      (item) => item.type?.endsWith("_call_output") === true,
      {
        system: req.instructions ? [req.instructions] : [],
        prompt: typeof req.input === "string" ? req.input : "",
      },
    );
    return {
      vendor: "openai-responses",
      model: req.model,
      stream: req.stream ?? false,
      ...read,
      requestBytes: url.requestBytes,
    };
  },

  async answer(res: ServerResponse, answer: Answer, conv: Conversation): Promise<void> {
    if (!conv.stream) {
      sendJson(res, 200, responseOf(answer, true));
      return;
    }
    await sendSse(res, streamEvents(answer), answer.chunkDelayMs);
  },

  errorBody: openaiErrorBody,

  async malformed(res: ServerResponse, conv: Conversation): Promise<void> {
    if (!conv.stream) {
      sendJson(res, 200, '{"id":"resp_broken","object":"response","output":[{"ty');
      return;
    }
    await sendSse(res, [{ event: "response.created", data: '{"type":"response.created",' }], 0);
  },
};
