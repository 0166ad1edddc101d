import { ApiError, FunctionResponse, GoogleGenAI } from "@google/genai";
import { afterEach, describe, expect, it } from "vitest";
import { startModelServer, type ModelServer, type Scenario } from "./index.js";

let server: ModelServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function client(scenario: Scenario): Promise<GoogleGenAI> {
  server = await startModelServer(scenario);
  return new GoogleGenAI({
    apiKey: "test-key",
    httpOptions: { baseUrl: server.url, retryOptions: { attempts: 1 } },
  });
}

const EDIT_LOOP: Scenario = {
  rules: [
    {
      name: "write",
      match: { vendor: "gemini", turn: 0 },
      text: "Writing it.",
      toolCalls: [
        {
          name: "Write",
          args: { file_path: "a.txt", content: "x" },
          perVendor: { gemini: { name: "write_file", args: { file_path: "a.txt", content: "x" } } },
        },
      ],
      usage: { input: 40, output: 9, cacheRead: 60, thoughts: 4 },
    },
    { name: "done", match: { vendor: "gemini", turn: 1 }, text: "All done." },
  ],
};

describe("model server: Gemini API", () => {
  it("streams text and a functionCall part with usage on the last chunk", async () => {
    const ai = await client(EDIT_LOOP);
    const stream = await ai.models.generateContentStream({
      model: "gemini-test",
      contents: "create a.txt",
      config: { systemInstruction: "You are a CLI." },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const parts = chunks.flatMap((c) => c.candidates?.[0]?.content?.parts ?? []);
    expect(parts.map((p) => p.text ?? "").join("")).toBe("Writing it.");
    const last = chunks.at(-1)!;
    expect(last.functionCalls).toEqual([
      { name: "write_file", args: { file_path: "a.txt", content: "x" } },
    ]);
    expect(last.candidates?.[0]?.finishReason).toBe("STOP");
    expect(last.usageMetadata).toMatchObject({
      promptTokenCount: 100,
      cachedContentTokenCount: 60,
      candidatesTokenCount: 9,
      thoughtsTokenCount: 4,
    });
    expect(server!.requests[0]).toMatchObject({
      vendor: "gemini",
      path: "/v1beta/models/gemini-test:streamGenerateContent?alt=sse",
      model: "gemini-test",
      stream: true,
      turn: 0,
      prompt: "create a.txt",
      system: "You are a CLI.",
    });
    expect(server!.requests[0]?.headers["x-goog-api-key"]).toBe("test-key");
  });

  it("answers the turn after a functionResponse with final text, not streamed", async () => {
    const ai = await client(EDIT_LOOP);
    const response = await ai.models.generateContent({
      model: "gemini-test",
      contents: [
        { role: "user", parts: [{ text: "create a.txt" }] },
        { role: "model", parts: [{ functionCall: { name: "write_file", args: {} } }] },
        {
          role: "user",
          parts: [
            {
              functionResponse: Object.assign(new FunctionResponse(), {
                name: "write_file",
                response: { output: "ok" },
              }),
            },
          ],
        },
      ],
    });
    expect(response.text).toBe("All done.");
    expect(response.modelVersion).toBe("gemini-test");
    expect(server!.requests[0]).toMatchObject({ turn: 1, rule: "done", stream: false });
  });

  it("counts tokens", async () => {
    const ai = await client({ rules: [] });
    const count = await ai.models.countTokens({ model: "gemini-test", contents: "hello" });
    expect(count.totalTokens).toBeGreaterThan(0);
  });

  it("answers a rate-limit fault with the Google error shape and retry-after", async () => {
    const ai = await client({
      rules: [{ text: "ok", fault: { status: 429, retryAfter: 7 } }],
    });
    const error = await ai.models
      .generateContent({ model: "gemini-test", contents: "hi" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(429);
    expect((error as ApiError).message).toContain("RESOURCE_EXHAUSTED");
    expect(server!.requests).toHaveLength(1);
    expect(server!.requests[0]).toMatchObject({ outcome: "fault", status: 429 });
  });
});
