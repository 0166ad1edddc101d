import { afterEach, describe, expect, it } from "vitest";
import { createHarness } from "../../test/support/engine-harness.js";
import type { Harness } from "../../test/support/engine-harness.js";
import type { ModelRequest } from "../core/ports.js";
import { happyScript } from "../../test/support/script-builder.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.repo.cleanup();
  harness = undefined;
});

describe("environment for model processes", () => {
  it("hands every model call its task's environment (the trace context for CLIs)", async () => {
    const requests: ModelRequest[] = [];
    const asked: string[] = [];
    harness = await createHarness({
      script: happyScript("T-1", [
        { id: "S1", description: "Add a file", files: { "a.txt": "a\n" } },
      ]),
      childEnv: (taskId, kind) => {
        asked.push(`${taskId}/${kind}`);
        return { TRACEPARENT: `00-${"1".repeat(32)}-${"2".repeat(16)}-01` };
      },
      wrapProvider: (provider) => ({
        name: provider.name,
        family: provider.family,
        kind: provider.kind,
        complete: (request) => {
          requests.push(request);
          return provider.complete(request);
        },
      }),
    });
    expect((await harness.run()).status).toBe("DONE");
    expect(requests.map((r) => r.role)).toEqual([
      "planner",
      "plan_reviewer",
      "implementer",
      "code_reviewer",
    ]);
    for (const r of requests) expect(r.env?.TRACEPARENT).toMatch(/^00-1{32}-2{16}-01$/);
    expect(new Set(asked)).toEqual(new Set(["T-1/scripted"]));
  });
});
