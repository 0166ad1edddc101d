import type { ServerResponse } from "node:http";
import { z } from "zod";
import { sendJson, sendNdjson } from "./http.js";
import { chunksOf, type Answer, type Conversation } from "./scenario.js";
import { parseBody, type UrlFacts, type VendorApi } from "./vendor-api.js";

const ChatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(z.looseObject({ role: z.string(), content: z.string().nullish() })),
  // Ollama streams unless told not to.
  stream: z.boolean().default(true),
});

const CREATED_AT = "2025-01-01T00:00:00.000Z";

function finalFields(answer: Answer): Record<string, unknown> {
  return {
    done: true,
    done_reason: "stop",
    total_duration: 1_000_000,
    load_duration: 1000,
    // Ollama reports no prompt cache: cached tokens are not in the count.
    prompt_eval_count: answer.usage.input,
    prompt_eval_duration: 1000,
    eval_count: answer.usage.output,
    eval_duration: 1000,
  };
}

function toolCallsOf(answer: Answer): unknown[] {
  return answer.toolCalls.map((call) => ({ function: { name: call.name, arguments: call.args } }));
}

/** Ollama's native chat API (`POST /api/chat`, NDJSON when streaming). */
export const ollamaApi: VendorApi = {
  conversation(body: unknown, url: UrlFacts): Conversation {
    const req = parseBody(ChatRequestSchema, body, "ollama chat");
    let prompt = "";
    const system: string[] = [];
    let turn = 0;
    for (const message of req.messages) {
      const text = message.content ?? "";
      if (message.role === "tool") turn += 1;
      if (message.role === "system") system.push(text);
      if (message.role === "user" && text !== "") prompt = text;
    }
    return {
      vendor: "ollama",
      model: req.model,
      stream: req.stream,
      system: system.join("\n"),
      prompt,
      turn,
      requestBytes: url.requestBytes,
    };
  },

  async answer(res: ServerResponse, answer: Answer, conv: Conversation): Promise<void> {
    const tools = toolCallsOf(answer);
    const head = { model: answer.modelId, created_at: CREATED_AT };
    if (!conv.stream) {
      sendJson(res, 200, {
        ...head,
        message: {
          role: "assistant",
          content: answer.text,
          ...(tools.length > 0 ? { tool_calls: tools } : {}),
        },
        ...finalFields(answer),
      });
      return;
    }
    const lines: unknown[] = chunksOf(answer.text).map((content) => ({
      ...head,
      message: { role: "assistant", content },
      done: false,
    }));
    if (tools.length > 0) {
      lines.push({
        ...head,
        message: { role: "assistant", content: "", tool_calls: tools },
        done: false,
      });
    }
    lines.push({ ...head, message: { role: "assistant", content: "" }, ...finalFields(answer) });
    await sendNdjson(res, lines, answer.chunkDelayMs);
  },

  errorBody(_status: number, message: string): unknown {
    return { error: message };
  },

  async malformed(res: ServerResponse, conv: Conversation): Promise<void> {
    if (!conv.stream) {
      sendJson(res, 200, '{"model":"broken","message":{"role":"assis');
      return;
    }
    res.writeHead(200, { "content-type": "application/x-ndjson" });
    res.end('{"model":"broken","message":\n');
    await Promise.resolve();
  },
};
