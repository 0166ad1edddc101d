import { describe, expect, it } from "vitest";
import type { ModelProvider, ModelRequest } from "../core/ports.js";
import { limitConcurrency } from "./concurrency-limit.js";

function request(): ModelRequest {
  return { role: "planner", taskId: "T", system: "", prompt: "", mode: "text", cwd: "/tmp" };
}

describe("limitConcurrency", () => {
  it("keeps at most max_concurrency calls of a model in flight", async () => {
    let inFlight = 0;
    let peak = 0;
    const inner: ModelProvider = {
      name: "m",
      family: "f",
      kind: "scripted",
      async complete() {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return {
          text: "ok",
          usage: { input: 1, output: 1, cacheRead: 0, cacheWrite: 0 },
          modelId: "m",
          durationMs: 5,
        };
      },
    };
    const limited = limitConcurrency(inner, 2);
    const answers = await Promise.all(Array.from({ length: 7 }, () => limited.complete(request())));
    expect(answers.map((a) => a.text)).toEqual(Array(7).fill("ok"));
    expect(peak).toBe(2);
    expect(limited.name).toBe("m");
  });
});
