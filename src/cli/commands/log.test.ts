import { describe, expect, it } from "vitest";
import type { RunRecord } from "../../core/ports.js";
import { UserError } from "../../core/errors.js";
import { findRun } from "./log.js";

const run = (id: string): RunRecord => ({
  id,
  command: "run --batch",
  startedAt: 0,
  finishedAt: null,
  status: null,
});

const store = {
  listRuns: () =>
    Promise.resolve([
      run("3f2a9c1e-0000-4000-8000-000000000001"),
      run("b7d4e210-0000-4000-8000-000000000002"),
      run("b7d4ff00-0000-4000-8000-000000000003"),
    ]),
};

describe("findRun", () => {
  it("takes a unique 4-character prefix", async () => {
    expect((await findRun(store, "3f2a"))?.id).toBe("3f2a9c1e-0000-4000-8000-000000000001");
  });

  it("refuses an ambiguous prefix, naming the runs it matches", async () => {
    const error = await findRun(store, "b7d4").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error).toHaveProperty(
      "message",
      'run id prefix "b7d4" matches 2 runs (b7d4e210-000, b7d4ff00-000); give more of it',
    );
    expect((await findRun(store, "b7d4e"))?.id).toBe("b7d4e210-0000-4000-8000-000000000002");
  });

  it("does not guess from fewer than 4 characters", async () => {
    expect(await findRun(store, "3f2")).toBeUndefined();
  });
});
