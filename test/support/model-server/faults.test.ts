import { afterEach, describe, expect, it } from "vitest";
import { startModelServer, type ModelServer, type Scenario } from "./index.js";

let server: ModelServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

const CHAT = { model: "gpt-test", messages: [{ role: "user", content: "hi" }] };

async function post(path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(`${server!.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

async function start(scenario: Scenario): Promise<void> {
  server = await startModelServer(scenario);
}

describe("model server: faults", () => {
  it("fails the first N matching requests, then answers", async () => {
    await start({
      rules: [
        {
          name: "flaky",
          text: "finally",
          fault: { status: 429, retryAfter: 2, times: 2 },
        },
      ],
    });
    const first = await post("/v1/chat/completions", CHAT);
    expect(first.status).toBe(429);
    expect(first.headers.get("retry-after")).toBe("2");
    expect(await first.json()).toMatchObject({ error: { type: "rate_limit_exceeded" } });
    expect((await post("/v1/chat/completions", CHAT)).status).toBe(429);
    const third = await post("/v1/chat/completions", CHAT);
    expect(third.status).toBe(200);
    expect(await third.json()).toMatchObject({
      choices: [{ message: { content: "finally" } }],
    });
    expect(server!.requests.map((r) => r.outcome)).toEqual(["fault", "fault", "answer"]);
  });

  it("sends a custom body, an HTTP-date retry-after and extra headers", async () => {
    await start({
      rules: [
        {
          fault: {
            status: 503,
            body: "upstream down",
            retryAfter: "Wed, 21 Oct 2099 07:28:00 GMT",
            headers: { "x-scripted": "yes" },
          },
        },
      ],
    });
    const res = await post("/api/chat", { ...CHAT, stream: false });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("Wed, 21 Oct 2099 07:28:00 GMT");
    expect(res.headers.get("x-scripted")).toBe("yes");
    expect(await res.text()).toBe("upstream down");
  });

  it("answers malformed JSON, and a broken stream event", async () => {
    await start({ rules: [{ fault: { malformed: true } }] });
    const plain = await post("/v1/messages", { ...CHAT, max_tokens: 5 });
    expect(plain.status).toBe(200);
    await expect(plain.json()).rejects.toThrow();
    const streamed = await post("/v1/messages", { ...CHAT, max_tokens: 5, stream: true });
    expect(await streamed.text()).toContain('data: {"type":"message_start","message":{"id":\n');
  });

  it("hangs until the client gives up, and close() still returns", async () => {
    await start({ rules: [{ fault: { hang: true } }] });
    const call = post("/v1/chat/completions", CHAT, AbortSignal.timeout(200));
    await expect(call).rejects.toThrow();
    expect(server!.requests[0]?.status).toBeUndefined();
    const hanging = post("/v1/chat/completions", CHAT).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    await server!.close();
    server = undefined;
    expect(await hanging).toBeInstanceOf(Error);
  });

  it("delays an answer that then arrives", async () => {
    await start({ rules: [{ text: "slow", fault: { delayMs: 150 } }] });
    const started = Date.now();
    const res = await post("/v1/chat/completions", CHAT);
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(server!.requests[0]?.outcome).toBe("answer");
  });

  it("resets the connection", async () => {
    await start({ rules: [{ fault: { reset: true } }] });
    await expect(post("/v1/chat/completions", CHAT)).rejects.toThrow(/fetch failed/);
  });

  it("lets a rule with `uses` answer a limited number of times", async () => {
    await start({ rules: [{ uses: 1, text: "first" }, { text: "later" }] });
    const texts: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const body = (await (await post("/v1/chat/completions", CHAT)).json()) as {
        choices: { message: { content: string } }[];
      };
      texts.push(body.choices[0]?.message.content);
    }
    expect(texts).toEqual(["first", "later", "later"]);
  });

  it("answers a body that is not JSON with 400, and an unknown path with 404", async () => {
    await start({ rules: [{ text: "x" }] });
    expect((await post("/v1/chat/completions", "{nope")).status).toBe(400);
    expect((await post("/v2/whatever", {})).status).toBe(404);
    expect(server!.requests.map((r) => r.outcome)).toEqual(["invalid", "not_found"]);
  });

  it("rejects an invalid scenario, naming the field", async () => {
    await expect(startModelServer({ rules: [{ match: { turn: -1 } }] })).rejects.toThrow(
      /rules\.0\.match\.turn/,
    );
  });
});
