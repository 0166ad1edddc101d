import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { z } from "zod";
import { happyScript } from "../support/script-builder.js";
import { runCli } from "../support/cli.js";
import { ensurePythonTools } from "../support/python-tools.js";
import { writeScriptedProject } from "../support/scripted-project.js";
import { copyFixture, FIXTURES } from "./fixture-repo.js";
import type { FixtureName, FixtureRepo } from "./fixture-repo.js";

// A whole `orchestrator run` with scripted models on a fixture whose change breaks the public
// API: the gate's `breaking` check fails and the task waits for a human, without a retry.

const RUN_TIMEOUT = 180_000;

const StatusSchema = z.array(
  z.looseObject({
    id: z.string(),
    state: z.string(),
    attempts: z.number(),
    reason: z.string().nullable(),
  }),
);

let repo: FixtureRepo | undefined;
afterEach(async () => {
  await repo?.cleanup();
  repo = undefined;
});

/**
 * The fixture with scripted models and one task whose single step writes `files`; the fixture's
 * own quality_rules.yaml is kept, and the task runs at LARGE, the level with the API check.
 */
async function scriptedTask(
  name: FixtureName,
  taskId: string,
  files: Record<string, string>,
): Promise<FixtureRepo> {
  const r = await copyFixture(name);
  const rules = await r.read(".orchestrator/quality_rules.yaml");
  await writeScriptedProject(r.root, {
    taskId,
    script: happyScript(taskId, [{ id: "S1", description: "Tidy the public API", files }]),
  });
  await r.write(".orchestrator/quality_rules.yaml", rules);
  await r.write(
    ".orchestrator/tasks.yaml",
    stringify({
      tasks: [
        {
          id: taskId,
          goal: "Tidy the public API",
          risk: "medium",
          area: "core",
          quality_level: "LARGE",
        },
      ],
    }),
  );
  await r.commitAll("orchestrator configuration");
  return r;
}

async function expectBreakingEscalation(r: FixtureRepo, taskId: string): Promise<void> {
  const run = await runCli(["run", "--task", taskId], r.root, r.env);
  expect(run.stderr).toBe("");
  expect(run.stdout).toMatch(/waiting for a human: breaking_change: /);
  expect(run.code).toBe(1);
  const status = await runCli(["status", "--json"], r.root, r.env);
  expect(status.code).toBe(0);
  const rows = StatusSchema.parse(JSON.parse(status.stdout));
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ id: taskId, state: "AWAITING_HUMAN_REVIEW", attempts: 1 });
  expect(rows[0]?.reason).toMatch(/^breaking_change: /);
  // Nothing was committed on the task's branch: a break waits for a human decision.
  expect(await r.git("rev-list", "--count", `main..orchestrator/${taskId}`)).toBe("0");
}

describe("a reported API break during a run", () => {
  it(
    "sends a TypeScript task to AWAITING_HUMAN_REVIEW with the breaking-change reason",
    async () => {
      repo = await scriptedTask("gate-ts", "API-TS", {
        "src/index.ts": [
          'export { add, mean } from "./math.js";',
          'export { capitalize, slugify, words } from "./strings.js";',
          'export { note } from "./log.js";',
          "",
        ].join("\n"),
      });
      await expectBreakingEscalation(repo, "API-TS");
    },
    RUN_TIMEOUT,
  );

  it(
    "sends a Python task to AWAITING_HUMAN_REVIEW with the breaking-change reason",
    async () => {
      await ensurePythonTools();
      const arith = (await readFile(join(FIXTURES, "gate-py/calc/arith.py"), "utf8")).replace(
        "def clamp(value, low, high):",
        "def clamp(value, lowest, highest):\n    low, high = lowest, highest",
      );
      repo = await scriptedTask("gate-py", "API-PY", { "calc/arith.py": arith });
      await expectBreakingEscalation(repo, "API-PY");
    },
    RUN_TIMEOUT + 60_000,
  );
});
