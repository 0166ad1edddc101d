import Anthropic from "@anthropic-ai/sdk";
import { afterEach, describe, expect, it } from "vitest";
import { startModelServer, type ModelServer, type Scenario } from "./index.js";

let server: ModelServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function client(scenario: Scenario): Promise<Anthropic> {
  server = await startModelServer(scenario);
  return new Anthropic({ apiKey: "test-key", baseURL: server.url, maxRetries: 0 });
}

const WRITE_THEN_DONE: Scenario = {
  rules: [
    {
      name: "write",
      match: { vendor: "anthropic", prompt: "make hello.txt", turn: 0 },
      text: "I will write the file.",
      toolCalls: [
        { id: "toolu_1", name: "Write", args: { file_path: "hello.txt", content: "hi\n" } },
      ],
      usage: { input: 100, output: 20, cacheRead: 3000, cacheWrite: 500 },
    },
    {
      name: "done",
      match: { vendor: "anthropic", turn: 1 },
      text: "Wrote hello.txt.",
      usage: { input: 150, output: 5 },
    },
  ],
};

describe("model server: Anthropic Messages API", () => {
  it("streams text and tool_use blocks that the SDK accumulates into a message", async () => {
    const anthropic = await client(WRITE_THEN_DONE);
    const stream = anthropic.messages.stream({
      model: "claude-test",
      max_tokens: 100,
      system: "You are a coding agent.",
      messages: [{ role: "user", content: "please make hello.txt" }],
    });
    const message = await stream.finalMessage();
    expect(message.stop_reason).toBe("tool_use");
    expect(message.content).toEqual([
      { type: "text", text: "I will write the file." },
      {
        type: "tool_use",
        id: "toolu_1",
        name: "Write",
        input: { file_path: "hello.txt", content: "hi\n" },
      },
    ]);
    expect(message.usage).toMatchObject({
      input_tokens: 100,
      output_tokens: 20,
      cache_read_input_tokens: 3000,
      cache_creation_input_tokens: 500,
    });
    const recorded = server!.requests[0]!;
    expect(recorded).toMatchObject({
      vendor: "anthropic",
      path: "/v1/messages",
      model: "claude-test",
      stream: true,
      turn: 0,
      system: "You are a coding agent.",
      rule: "write",
      outcome: "answer",
      status: 200,
    });
    expect(recorded.headers.authorization).toBe("Bearer test-key");
  });

  it("answers the next turn, counted by tool results, with final text (beta path too)", async () => {
    await client(WRITE_THEN_DONE);
    const res = await fetch(`${server!.url}/v1/messages?beta=true`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "claude-test",
        max_tokens: 100,
        messages: [
          { role: "user", content: [{ type: "text", text: "please make hello.txt" }] },
          {
            role: "assistant",
            content: [{ type: "tool_use", id: "toolu_1", name: "Write", input: {} }],
          },
          {
            role: "user",
            content: [
              { type: "tool_result", tool_use_id: "toolu_1", content: "ok" },
              { type: "text", text: "<system-reminder>todo list is empty</system-reminder>" },
            ],
          },
        ],
      }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      type: "message",
      model: "claude-test",
      content: [{ type: "text", text: "Wrote hello.txt." }],
      stop_reason: "end_turn",
      usage: { input_tokens: 150, output_tokens: 5, cache_read_input_tokens: 0 },
    });
    expect(server!.requests[0]).toMatchObject({
      path: "/v1/messages?beta=true",
      turn: 1,
      prompt: "please make hello.txt",
      rule: "done",
    });
  });

  it("answers non-streaming calls through the SDK, with the scripted model id", async () => {
    const anthropic = await client({
      rules: [{ text: "pong", modelId: "claude-test-20250101", usage: { input: 7, output: 1 } }],
    });
    const message = await anthropic.messages.create({
      model: "claude-test",
      max_tokens: 10,
      messages: [{ role: "user", content: "ping" }],
    });
    expect(message.model).toBe("claude-test-20250101");
    expect(message.content).toEqual([{ type: "text", text: "pong" }]);
  });

  it("counts tokens", async () => {
    const anthropic = await client({ rules: [] });
    const count = await anthropic.messages.countTokens({
      model: "claude-test",
      messages: [{ role: "user", content: "hello there" }],
    });
    expect(count.input_tokens).toBeGreaterThan(0);
    expect(server!.requests[0]).toMatchObject({ outcome: "aux", model: "claude-test" });
  });

  it("answers an unmatched request 500, naming what was asked, and records it", async () => {
    const anthropic = await client({
      rules: [{ match: { prompt: "something else" }, text: "no" }],
    });
    const call = anthropic.messages.create({
      model: "claude-test",
      max_tokens: 10,
      messages: [{ role: "user", content: "what is asked" }],
    });
    await expect(call).rejects.toMatchObject({ status: 500 });
    await expect(call).rejects.toThrow(/no rule matches anthropic request.*what is asked/);
    expect(server!.unmatched()).toHaveLength(1);
  });

  it("answers an overloaded fault with the Anthropic error shape", async () => {
    const anthropic = await client({
      rules: [{ text: "fine", fault: { status: 529, retryAfter: 3, times: 1 } }],
    });
    const request = {
      model: "claude-test",
      max_tokens: 10,
      messages: [{ role: "user" as const, content: "hi" }],
    };
    const failed = await anthropic.messages.create(request).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(Anthropic.APIError);
    const error = failed as InstanceType<typeof Anthropic.APIError>;
    expect(error.status).toBe(529);
    expect(error.headers?.get("retry-after")).toBe("3");
    expect(error.error).toMatchObject({ type: "error", error: { type: "overloaded_error" } });
    const ok = await anthropic.messages.create(request);
    expect(ok.content).toEqual([{ type: "text", text: "fine" }]);
  });

  it("rejects a body that is not a Messages request with 400", async () => {
    await client({ rules: [{ text: "x" }] });
    const res = await fetch(`${server!.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m" }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("messages");
    expect(server!.requests[0]?.outcome).toBe("invalid");
  });
});
