import { Ollama } from "ollama";
import { afterEach, describe, expect, it } from "vitest";
import { startModelServer, type ModelServer, type Scenario } from "./index.js";

let server: ModelServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function client(scenario: Scenario): Promise<Ollama> {
  server = await startModelServer(scenario);
  return new Ollama({ host: server.url });
}

const SCENARIO: Scenario = {
  models: ["llama-test"],
  rules: [
    {
      match: { vendor: "ollama", turn: 0, prompt: "weather" },
      toolCalls: [{ name: "get_weather", args: { city: "Oslo" } }],
    },
    { match: { vendor: "ollama" }, text: "It is sunny.", usage: { input: 12, output: 4 } },
  ],
};

describe("model server: Ollama native API", () => {
  it("answers /api/chat without streaming, with eval counts", async () => {
    const ollama = await client(SCENARIO);
    const response = await ollama.chat({
      model: "llama-test",
      stream: false,
      messages: [
        { role: "system", content: "You are terse." },
        { role: "user", content: "hello" },
      ],
    });
    expect(response.message.content).toBe("It is sunny.");
    expect(response).toMatchObject({ done: true, prompt_eval_count: 12, eval_count: 4 });
    expect(server!.requests[0]).toMatchObject({
      vendor: "ollama",
      stream: false,
      system: "You are terse.",
    });
  });

  it("streams NDJSON chunks and tool calls", async () => {
    const ollama = await client(SCENARIO);
    const stream = await ollama.chat({
      model: "llama-test",
      stream: true,
      messages: [{ role: "user", content: "what is the weather" }],
    });
    const calls: unknown[] = [];
    let done = false;
    for await (const part of stream) {
      calls.push(...(part.message.tool_calls ?? []));
      done ||= part.done;
    }
    expect(calls).toEqual([{ function: { name: "get_weather", arguments: { city: "Oslo" } } }]);
    expect(done).toBe(true);
  });

  it("counts tool messages as turns", async () => {
    const ollama = await client(SCENARIO);
    const response = await ollama.chat({
      model: "llama-test",
      stream: false,
      messages: [
        { role: "user", content: "what is the weather" },
        { role: "tool", content: "sunny" },
      ],
    });
    expect(response.message.content).toBe("It is sunny.");
    expect(server!.requests[0]?.turn).toBe(1);
  });

  it("lists models and reports a version", async () => {
    const ollama = await client(SCENARIO);
    expect((await ollama.list()).models.map((m) => m.name)).toEqual(["llama-test"]);
    expect((await ollama.version()).version).toMatch(/^\d+\.\d+/);
  });
});
