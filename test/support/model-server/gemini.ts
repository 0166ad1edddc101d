import type { ServerResponse } from "node:http";
import { z } from "zod";
import { sendJson, sendSse } from "./http.js";
import { chunksOf, type Answer, type Conversation } from "./scenario.js";
import {
  parseBody,
  RequestShapeError,
  textOfParts,
  type UrlFacts,
  type VendorApi,
} from "./vendor-api.js";

const PartSchema = z.looseObject({
  text: z.string().optional(),
  functionResponse: z.unknown().optional(),
});

const ContentSchema = z.looseObject({
  role: z.string().optional(),
  parts: z.array(PartSchema).default([]),
});

const GenerateContentRequestSchema = z.looseObject({
  contents: z.array(ContentSchema),
  systemInstruction: z.union([z.string(), ContentSchema]).optional(),
});

const STATUS_NAMES: Readonly<Record<number, string>> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

function usageOf(answer: Answer): Record<string, number> {
  const u = answer.usage;
  const prompt = u.input + u.cacheRead;
  return {
    promptTokenCount: prompt,
    candidatesTokenCount: u.output,
    totalTokenCount: prompt + u.output + u.thoughts,
    ...(u.cacheRead > 0 ? { cachedContentTokenCount: u.cacheRead } : {}),
    ...(u.thoughts > 0 ? { thoughtsTokenCount: u.thoughts } : {}),
  };
}

function functionCallParts(answer: Answer): unknown[] {
  // The Gemini API usually sends no call id; clients (Gemini CLI) make their own.
  return answer.toolCalls.map((call) => ({ functionCall: { name: call.name, args: call.args } }));
}

function chunk(answer: Answer, parts: unknown[], last: boolean): Record<string, unknown> {
  return {
    candidates: [
      {
        content: { role: "model", parts },
        index: 0,
        ...(last ? { finishReason: "STOP" } : {}),
      },
    ],
    ...(last ? { usageMetadata: usageOf(answer) } : {}),
    modelVersion: answer.modelId,
    responseId: `resp_${answer.serial}`,
  };
}

/** `POST /v1beta/models/{model}:countTokens`. */
export function countTokensAnswer(requestBytes: number): unknown {
  return { totalTokens: Math.max(1, Math.ceil(requestBytes / 4)) };
}

/**
 * The Gemini API: `models/{model}:generateContent` and `:streamGenerateContent?alt=sse`, as the
 * Gemini CLI and `@google/genai` call them.
 */
export const geminiApi: VendorApi = {
  conversation(body: unknown, url: UrlFacts): Conversation {
    const req = parseBody(GenerateContentRequestSchema, body, "gemini generateContent");
    if (url.model === undefined) throw new RequestShapeError("gemini: no model in the URL");
    let prompt = "";
    let turn = 0;
    for (const content of req.contents) {
      if (content.role === "model") continue;
      const results = content.parts.filter((p) => p.functionResponse !== undefined).length;
      turn += results;
      const text = textOfParts(content.parts);
      if (text !== "" && results === 0) prompt = text;
    }
    const system =
      typeof req.systemInstruction === "string"
        ? req.systemInstruction
        : textOfParts(req.systemInstruction?.parts ?? []);
    return {
      vendor: "gemini",
      model: url.model,
      stream: url.stream ?? false,
      system,
      prompt,
      turn,
      requestBytes: url.requestBytes,
    };
  },

  async answer(res: ServerResponse, answer: Answer, conv: Conversation): Promise<void> {
    const textParts = chunksOf(answer.text).map((text) => ({ text }));
    if (!conv.stream) {
      const parts = [
        ...(answer.text !== "" ? [{ text: answer.text }] : []),
        ...functionCallParts(answer),
      ];
      sendJson(res, 200, chunk(answer, parts, true));
      return;
    }
    const events = textParts.map((part) => ({ data: chunk(answer, [part], false) }));
    // The last chunk carries the function calls, the finish reason and the usage.
    events.push({ data: chunk(answer, functionCallParts(answer), true) });
    await sendSse(res, events, answer.chunkDelayMs);
  },

  errorBody(status: number, message: string): unknown {
    return { error: { code: status, message, status: STATUS_NAMES[status] ?? "UNKNOWN" } };
  },

  async malformed(res: ServerResponse, conv: Conversation): Promise<void> {
    if (!conv.stream) {
      sendJson(res, 200, '{"candidates":[{"content":{"role":"model","parts":[{"te');
      return;
    }
    await sendSse(res, [{ data: '{"candidates":[{"content":' }], 0);
  },
};
