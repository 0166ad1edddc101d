import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { startModelServer, type ModelServer, type Scenario } from "./index.js";

let server: ModelServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function client(scenario: Scenario): Promise<OpenAI> {
  server = await startModelServer(scenario);
  return new OpenAI({ apiKey: "test-key", baseURL: `${server.url}/v1`, maxRetries: 0 });
}

const SHELL_LOOP: Scenario = {
  models: ["gpt-test"],
  rules: [
    {
      name: "shell",
      match: { turn: 0, system: "be brief" },
      toolCalls: [{ id: "call_1", name: "shell", args: { command: ["ls"] } }],
      usage: { input: 30, output: 8, cacheRead: 1024 },
    },
    {
      name: "patch",
      match: { vendor: "openai-responses", turn: 1 },
      toolCalls: [{ id: "call_2", name: "apply_patch", custom: "*** Begin Patch\n*** End Patch" }],
    },
    { name: "done", text: "Listed the files.", usage: { input: 50, output: 4, cacheRead: 10 } },
  ],
};

describe("model server: OpenAI chat completions", () => {
  it("answers tool calls and usage with cached tokens inside prompt_tokens", async () => {
    const openai = await client(SHELL_LOOP);
    const completion = await openai.chat.completions.create({
      model: "gpt-test",
      messages: [
        { role: "system", content: "be brief" },
        { role: "user", content: "list files" },
      ],
    });
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe("tool_calls");
    expect(choice.message.tool_calls).toEqual([
      {
        id: "call_1",
        type: "function",
        function: { name: "shell", arguments: '{"command":["ls"]}' },
      },
    ]);
    expect(completion.usage).toMatchObject({
      prompt_tokens: 1054,
      completion_tokens: 8,
      prompt_tokens_details: { cached_tokens: 1024 },
    });
  });

  it("streams deltas and a final usage chunk when include_usage is set", async () => {
    const openai = await client(SHELL_LOOP);
    const stream = await openai.chat.completions.create({
      model: "gpt-test",
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: "user", content: "list files" },
        {
          role: "assistant",
          tool_calls: [{ id: "c", type: "function", function: { name: "shell", arguments: "{}" } }],
        },
        { role: "tool", tool_call_id: "c", content: "a.txt" },
      ],
    });
    let text = "";
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe("Listed the files.");
    expect(usage).toMatchObject({
      prompt_tokens: 60,
      prompt_tokens_details: { cached_tokens: 10 },
    });
    expect(server!.requests[0]).toMatchObject({ vendor: "openai-chat", turn: 1, rule: "done" });
  });

  it("streams tool call arguments that the SDK's helper reassembles", async () => {
    const openai = await client(SHELL_LOOP);
    const runner = openai.chat.completions.stream({
      model: "gpt-test",
      messages: [
        { role: "system", content: "be brief" },
        { role: "user", content: "list files" },
      ],
    });
    const completion = await runner.finalChatCompletion();
    expect(completion.choices[0]?.message.tool_calls?.[0]).toMatchObject({
      id: "call_1",
      function: { name: "shell", arguments: '{"command":["ls"]}' },
    });
  });

  it("lists the scenario's models", async () => {
    const openai = await client(SHELL_LOOP);
    const page = await openai.models.list();
    expect(page.data.map((m) => m.id)).toEqual(["gpt-test"]);
  });
});

describe("model server: OpenAI Responses API", () => {
  it("streams function calls with the events the Codex CLI reads", async () => {
    const openai = await client(SHELL_LOOP);
    const stream = await openai.responses.create({
      model: "gpt-test",
      instructions: "be brief",
      input: [{ role: "user", content: [{ type: "input_text", text: "list files" }] }],
      stream: true,
    });
    const types: string[] = [];
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "response.completed") completed = event.response;
    }
    expect(types).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(completed?.output).toEqual([
      expect.objectContaining({
        type: "function_call",
        call_id: "call_1",
        name: "shell",
        arguments: '{"command":["ls"]}',
      }),
    ]);
    expect(completed?.usage).toMatchObject({
      input_tokens: 1054,
      input_tokens_details: { cached_tokens: 1024 },
      output_tokens: 8,
    });
  });

  it("counts function_call_output items as turns and sends custom tool calls", async () => {
    const openai = await client(SHELL_LOOP);
    const response = await openai.responses.create({
      model: "gpt-test",
      input: [
        { role: "user", content: "list files" },
        { type: "function_call", call_id: "call_1", name: "shell", arguments: "{}" },
        { type: "function_call_output", call_id: "call_1", output: "a.txt" },
      ],
    });
    expect(response.output).toEqual([
      expect.objectContaining({
        type: "custom_tool_call",
        call_id: "call_2",
        name: "apply_patch",
        input: "*** Begin Patch\n*** End Patch",
      }),
    ]);
    expect(server!.requests[0]).toMatchObject({ turn: 1, rule: "patch", prompt: "list files" });
  });

  it("answers final text with output_text", async () => {
    const openai = await client({ rules: [{ text: "hello there" }] });
    const stream = openai.responses.stream({ model: "gpt-test", input: "hi" });
    const final = await stream.finalResponse();
    expect(final.output_text).toBe("hello there");
  });
});
