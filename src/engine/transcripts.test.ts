import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { EventBody } from "../core/events.js";
import type { ModelProvider } from "../core/ports.js";
import { ProviderError } from "../core/provider-errors.js";
import { happyScript } from "../../test/support/script-builder.js";
import { createHarness } from "../../test/support/engine-harness.js";
import type { Harness } from "../../test/support/engine-harness.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.repo.cleanup();
  harness = undefined;
});

/** Gives every answer a raw transcript; the first implementer call fails with CLI output. */
function withTranscripts(provider: ModelProvider): ModelProvider {
  let failedOnce = false;
  return {
    name: provider.name,
    family: provider.family,
    kind: provider.kind,
    complete: async (request) => {
      if (request.role === "implementer" && !failedOnce) {
        failedOnce = true;
        throw new ProviderError("overloaded", provider.name, "HTTP 529", {
          detail: '{"type":"error","error":{"type":"overloaded_error"}}',
        });
      }
      const response = await provider.complete(request);
      return { ...response, transcript: `RAW ${request.role} ${response.text.length}` };
    },
  };
}

describe("raw transcripts of model calls", () => {
  it("are kept in the run folder, one file per call, and named by the call's event", async () => {
    harness = await createHarness({
      script: happyScript("T-1", [{ id: "S1", description: "Add", files: { "a.txt": "a\n" } }]),
      wrapProvider: withTranscripts,
    });
    expect((await harness.run()).status).toBe("DONE");
    const calls = (await harness.store.events(harness.task.id))
      .map((e) => e.body)
      .filter((b): b is Extract<EventBody, { type: "model.call" }> => b.type === "model.call");
    expect(calls.length).toBeGreaterThanOrEqual(4);
    for (const call of calls) {
      expect(call.transcript).toMatch(/\/calls\/[^/]+\.txt$/);
      expect(existsSync(call.transcript ?? "")).toBe(true);
      // Prompts and answers: the owner's only.
      expect((statSync(call.transcript ?? "").mode & 0o777).toString(8)).toBe("600");
      expect((statSync(dirname(call.transcript ?? "")).mode & 0o777).toString(8)).toBe("700");
    }
    const failed = calls.find((c) => !c.ok);
    expect(readFileSync(failed?.transcript ?? "", "utf8")).toContain("overloaded_error");
    const planner = calls.find((c) => c.role === "planner" && c.ok);
    expect(readFileSync(planner?.transcript ?? "", "utf8")).toMatch(/^RAW planner \d+$/);
    expect(new Set(calls.map((c) => c.transcript)).size).toBe(calls.length);
  });
});
