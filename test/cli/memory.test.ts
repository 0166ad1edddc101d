import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { stringify } from "yaml";
import { afterEach, describe, expect, it } from "vitest";
import type { StoredEvent } from "../../src/core/events.js";
import { openSqliteStore } from "../../src/store/index.js";
import { answer, APPROVE_PLAN, planJson, reviewCode } from "../support/script-builder.js";
import { runCli } from "../support/cli.js";
import { writeScriptedProject } from "../support/scripted-project.js";
import { createTempRepo } from "../workspace/temp-repo.js";
import type { TempRepo } from "../workspace/temp-repo.js";

let repo: TempRepo | undefined;
afterEach(async () => {
  await repo?.cleanup();
  repo = undefined;
});

/** A lint-like check: any .js file using `var` fails with the rule's message. */
const NO_VAR_CHECK = `
const fs = require("fs");
const bad = fs.readdirSync(".").filter((f) => f.endsWith(".js") && f !== "no-var.js" && /\\bvar\\b/.test(fs.readFileSync(f, "utf8")));
for (const f of bad) console.log(f + ":1:1 error no-var: Unexpected var, use let or const instead");
process.exit(bad.length ? 1 : 0);
`;

/**
 * T-1 writes util.js with `var` (the gate fails), then fixes it on attempt 2; T-2 then adds
 * another module, and its implementer should be told what T-1 learned.
 */
async function twoTaskProject(): Promise<TempRepo> {
  repo = await createTempRepo();
  const steps1 = [{ id: "S1", description: "Add util.js exporting a counter" }];
  const steps2 = [{ id: "S1", description: "Add helper.js exporting a greeting" }];
  await writeScriptedProject(repo.root, {
    taskId: "T-1",
    script: {
      answers: [
        answer({ role: "planner", task: "T-1", text: planJson("T-1", steps1) }),
        answer({ role: "planner", task: "T-2", text: planJson("T-2", steps2) }),
        answer({ role: "plan_reviewer", text: APPROVE_PLAN }),
        answer({ role: "code_reviewer", text: reviewCode("approved") }),
        answer({
          role: "implementer",
          task: "T-1",
          attempt: 1,
          text: "Added util.js.",
          files: { "util.js": "var count = 0;\nmodule.exports = { count };\n" },
        }),
        answer({
          role: "implementer",
          task: "T-1",
          attempt: 2,
          text: "Replaced var with const in util.js.",
          files: { "util.js": "const count = 0;\nmodule.exports = { count };\n" },
        }),
        answer({
          role: "implementer",
          task: "T-2",
          text: "Added helper.js.",
          files: { "helper.js": "const greet = () => 'hi';\nmodule.exports = { greet };\n" },
        }),
      ],
    },
    checks: { lint: { command: ["node", "no-var.js"], kind: "lint" } },
  });
  const task = (id: string, goal: string): object => ({
    id,
    goal,
    risk: "medium",
    area: "core",
    constraints: ["ZERO-WARNINGS"],
  });
  await writeFile(
    join(repo.root, ".orchestrator", "tasks.yaml"),
    stringify({
      tasks: [
        task("T-1", "Add a util.js module with a counter"),
        task("T-2", "Add a helper.js module with a greeting"),
      ],
    }),
  );
  await writeFile(join(repo.root, "no-var.js"), NO_VAR_CHECK);
  await repo.commitAll("orchestrator config");
  return repo;
}

async function events(root: string, taskId: string): Promise<StoredEvent[]> {
  const store = await openSqliteStore(join(root, ".orchestrator", "state.db"));
  try {
    return await store.events(taskId);
  } finally {
    await store.close();
  }
}

function implementerPrompts(list: readonly StoredEvent[]): string[] {
  return list.flatMap((e) =>
    e.body.type === "model.call" && e.body.role === "implementer" ? [e.body.prompt] : [],
  );
}

describe("memory across tasks", () => {
  it(
    "a gate failure fixed in task 1 reaches task 2's implementer prompt as a lesson",
    { timeout: 240_000 },
    async () => {
      const r = await twoTaskProject();
      const first = await runCli(["run", "--task", "T-1"], r.root, r.env);
      expect(first.stderr).toBe("");
      expect(first.stdout).toMatch(/T-1: DONE/);
      // Task 1 had nothing to learn from.
      const t1 = implementerPrompts(await events(r.root, "T-1"));
      expect(t1).toHaveLength(2);
      expect(t1.join("\n")).not.toContain("# Lessons from earlier tasks");

      const list = await runCli(["memory", "list", "--json"], r.root, r.env);
      expect(list.code).toBe(0);
      const lessons = list.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { id: string; kind: string; title: string; files: string[] });
      const gateFix = lessons.find((l) => l.kind === "gate_fix");
      expect(gateFix).toMatchObject({ id: "T-1:gate_fix:S1:1", files: ["util.js"] });
      expect(gateFix?.title).toMatch(/lint failed: util.js:1:1 error no-var/);

      const second = await runCli(["run", "--task", "T-2"], r.root, r.env);
      expect(second.stdout).toMatch(/T-2: DONE/);
      const t2Events = await events(r.root, "T-2");
      const [prompt] = implementerPrompts(t2Events);
      expect(prompt).toContain("# Lessons from earlier tasks");
      expect(prompt).toContain("## Lesson T-1:gate_fix:S1:1");
      expect(prompt).toContain("no-var: Unexpected var, use let or const instead");
      expect(prompt).toContain("Replaced var with const in util.js.");
      // Which lessons the call used is recorded, and the run log shows it.
      const recalled = t2Events.find(
        (e) => e.body.type === "memory.recalled" && e.body.role === "implementer",
      );
      const body = recalled?.body.type === "memory.recalled" ? recalled.body : undefined;
      expect(body?.source).toBe("embedded");
      expect(body?.lessons.map((l) => l.id)).toContain("T-1:gate_fix:S1:1");
      const log = await runCli(["log", "T-2"], r.root, r.env);
      expect(log.stdout).toMatch(/lessons recalled.*T-1:gate_fix:S1:1/);

      const search = await runCli(["memory", "search", "no-var util.js"], r.root, r.env);
      expect(search.stdout).toMatch(/^T-1:gate_fix:S1:1 /m);
      const forget = await runCli(["memory", "forget", "T-1:gate_fix:S1:1"], r.root, r.env);
      expect(forget.code).toBe(0);
      const again = await runCli(["memory", "forget", "T-1:gate_fix:S1:1"], r.root, r.env);
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/no lesson "T-1:gate_fix:S1:1"/);
      const after = await runCli(["memory", "list"], r.root, r.env);
      expect(after.stdout).not.toContain("T-1:gate_fix:S1:1");
    },
  );
});
