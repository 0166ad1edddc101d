import { afterEach, describe, expect, it } from "vitest";
import { createHarness } from "../../test/support/engine-harness.js";
import type { Harness } from "../../test/support/engine-harness.js";
import { happyScript } from "../../test/support/script-builder.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.repo.cleanup();
  harness = undefined;
});

describe("what providers keep for a task", () => {
  it("is released once the task leaves the running state, after its last call", async () => {
    const log: string[] = [];
    harness = await createHarness({
      script: happyScript("T-1", [
        { id: "S1", description: "Add a file", files: { "a.txt": "a\n" } },
      ]),
      wrapProvider: (provider) => ({
        name: provider.name,
        family: provider.family,
        kind: provider.kind,
        complete: (request) => {
          log.push(`${provider.name} ${request.role}`);
          return provider.complete(request);
        },
        endTask: (taskId) => {
          log.push(`${provider.name} end ${taskId}`);
          return Promise.resolve();
        },
      }),
    });
    const outcome = await harness.run();
    expect(outcome.status).toBe("DONE");
    const ends = log.filter((line) => line.includes(" end "));
    // Every provider the task used, once, with the task's id, after every call.
    const used = new Set(log.filter((l) => !l.includes(" end ")).map((l) => l.split(" ")[0]));
    expect(ends.sort()).toEqual([...used].map((name) => `${String(name)} end T-1`).sort());
    expect(log.slice(-ends.length).every((line) => line.includes(" end "))).toBe(true);
  });
});
