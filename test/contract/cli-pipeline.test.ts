import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APPROVE_PLAN, planJson, reviewCode } from "../support/script-builder.js";
import { installClis, type InstalledClis } from "../support/cli-install.js";
import { startModelServer, type ModelServer } from "../support/model-server/index.js";
import type { ScenarioRule } from "../support/model-server/index.js";
import { createTempRepo, type TempRepo } from "../workspace/temp-repo.js";
import { cliHomes, ROLE, runTaskToDone, writeCliProject } from "./cli-project.js";

/**
 * A whole task through the real `orchestrator run`, every role played by a REAL coding-agent
 * CLI (pinned, installed once into .cache/clis) talking to the scripted model server:
 *
 * - plan by gemini-cli (text mode), reviewed by claude-cli (text mode, tools disabled);
 * - S1 implemented by claude-cli in AGENT mode: Claude Code's own Write, Read and Edit tools
 *   write the files; reviewed by gemini-cli;
 * - S2 implemented by gemini-cli in AGENT mode via its write_file and replace tools; reviewed
 *   by codex-cli (`codex exec --json`, Responses API, read-only sandbox);
 * - each step gated by a real `node --test` and committed with trailers naming the models.
 *
 * S1's first Write has a bug that its Edit fixes; if the Edit did not reach the disk the gate
 * would fail, so a passing gate proves the tool really ran.
 */

const TASK = "CLI-1";
const SUM_BUGGY = "export function sum(a, b) {\n  return a - b;\n}\n";
const SUM_FIXED = "export function sum(a, b) {\n  return a + b;\n}\n";
const SUM_TEST = [
  'import { test } from "node:test";',
  'import assert from "node:assert/strict";',
  'import { sum } from "./sum.mjs";',
  "",
  'test("sum adds", () => {',
  "  assert.equal(sum(2, 3), 5);",
  "});",
  "",
].join("\n");
const MUL = "export function mul(a, b) {\n  return a * b;\n}\n";
const README_AFTER = "# demo\n\n`mul(a, b)` multiplies two numbers.\n";

const S1_MARK = "STEP-ONE-MARK";
const S2_MARK = "STEP-TWO-MARK";

const scenario: ScenarioRule[] = [
  // Gemini CLI and Codex have no system-prompt flag: the role's instructions lead the prompt.
  {
    name: "plan",
    match: { vendor: "gemini", prompt: ROLE.planner },
    text: planJson(TASK, [
      { id: "S1", type: "feature", description: `${S1_MARK}: add sum.mjs with a node:test test` },
      { id: "S2", type: "docs", description: `${S2_MARK}: add mul.mjs and document it` },
    ]),
  },
  {
    name: "plan-review",
    match: { vendor: "anthropic", system: ROLE.planReviewer },
    text: APPROVE_PLAN,
  },
  ...claudeImplements(),
  ...geminiImplements(),
  {
    name: "s1-review",
    match: { vendor: "gemini", prompt: ROLE.codeReviewer },
    text: reviewCode("approved"),
  },
  {
    name: "s2-review",
    match: { vendor: "openai-responses", prompt: ROLE.codeReviewer },
    text: reviewCode("approved"),
  },
];

/** Claude Code's tools take a path relative to its working directory (the worktree). */
function claudeImplements(): ScenarioRule[] {
  const match = { vendor: "anthropic" as const, system: ROLE.implementer, prompt: S1_MARK };
  const calls: ScenarioRule["toolCalls"][] = [
    [{ name: "Write", args: { file_path: "sum.mjs", content: SUM_BUGGY } }],
    [{ name: "Write", args: { file_path: "sum.test.mjs", content: SUM_TEST } }],
    [{ name: "Read", args: { file_path: "sum.mjs" } }],
    [{ name: "Edit", args: { file_path: "sum.mjs", old_string: "a - b", new_string: "a + b" } }],
  ];
  return [
    ...calls.map((toolCalls, turn) => ({
      name: `s1-turn-${String(turn)}`,
      match: { ...match, turn },
      toolCalls,
    })),
    {
      name: "s1-done",
      match: { ...match, turn: calls.length },
      text: "Added sum.mjs and its test.",
    },
  ];
}

/** Gemini CLI's write_file and replace, also with paths relative to the worktree. */
function geminiImplements(): ScenarioRule[] {
  // The instructions and the step's description are both in Gemini's (single) prompt.
  const match = {
    vendor: "gemini" as const,
    prompt: new RegExp(`${ROLE.implementer}[\\s\\S]*${S2_MARK}`),
  };
  const calls: ScenarioRule["toolCalls"][] = [
    [{ name: "write_file", args: { file_path: "mul.mjs", content: MUL } }],
    [
      {
        name: "replace",
        args: {
          file_path: "README.md",
          old_string: "# demo\n",
          new_string: README_AFTER,
          instruction: "Document mul in the README.",
        },
      },
    ],
  ];
  return [
    ...calls.map((toolCalls, turn) => ({
      name: `s2-turn-${String(turn)}`,
      match: { ...match, turn },
      toolCalls,
    })),
    {
      name: "s2-done",
      match: { ...match, turn: calls.length },
      text: "Added mul.mjs and documented it.",
    },
  ];
}

let clis: InstalledClis;
let server: ModelServer;
let repo: TempRepo | undefined;

beforeAll(async () => {
  clis = await installClis();
  server = await startModelServer({ rules: scenario });
}, 600_000);

afterAll(async () => {
  await server.close();
  await repo?.cleanup();
});

describe("real coding-agent CLIs through the whole pipeline", () => {
  it("plans, reviews, implements in agent mode with each CLI's own tools, gates and commits", async () => {
    const r = (repo = await createTempRepo());
    const homes = await cliHomes(server.url);
    await writeCliProject(r.root, {
      tasks: [
        { id: TASK, goal: "Add sum and mul helpers with a test", risk: "medium", area: "core" },
      ],
      models: {
        claude_cli: {
          provider: "claude-cli",
          model: "claude-sonnet-4-5",
          family: "anthropic",
          tier: "strong",
          binary: clis.claude,
          env: homes.claude,
        },
        gemini_cli: {
          provider: "gemini-cli",
          model: "gemini-2.5-pro",
          family: "google",
          binary: clis.gemini,
          env: homes.gemini,
        },
        codex_cli: {
          provider: "codex-cli",
          model: "gpt-5-codex",
          family: "openai",
          binary: clis.codex,
          env: homes.codex,
        },
      },
      rules: [
        { role: "planner", use: "gemini_cli", reason: "gemini plans" },
        { role: "plan_reviewer", use: ["claude_cli", "gemini_cli"], reason: "claude checks" },
        { role: "implementer", step_type: "feature", use: "claude_cli", reason: "claude builds" },
        { role: "implementer", use: "gemini_cli", reason: "gemini builds" },
        { role: "code_reviewer", step_type: "docs", use: "codex_cli", reason: "codex reviews" },
        { role: "code_reviewer", use: ["gemini_cli", "claude_cli"], reason: "cross-check" },
      ],
      checks: { test: { command: ["node", "--test"], kind: "tests", timeout: "60s" } },
    });
    await runTaskToDone(r, server, TASK);

    const branch = `orchestrator/${TASK}`;
    expect(await r.sh("show", `${branch}:sum.mjs`)).toBe(SUM_FIXED.trimEnd());
    expect(await r.sh("show", `${branch}:sum.test.mjs`)).toBe(SUM_TEST.trimEnd());
    expect(await r.sh("show", `${branch}:mul.mjs`)).toBe(MUL.trimEnd());
    expect(await r.sh("show", `${branch}:README.md`)).toBe(README_AFTER.trimEnd());

    const log = await r.sh("log", "--format=%B%x00", `main..${branch}`);
    const [s2, s1] = log.split("\0").map((m) => m.trim());
    expect(s1).toContain("Orchestrator-Step: S1");
    expect(s1).toContain("Implemented-By: claude_cli");
    expect(s1).toContain("Reviewed-By: gemini_cli (approved)");
    expect(s1).toContain("Quality-Gate: passed");
    expect(s2).toContain("Orchestrator-Step: S2");
    expect(s2).toContain("Implemented-By: gemini_cli");
    expect(s2).toContain("Reviewed-By: codex_cli (approved)");
    // S1's commit holds only what Claude's tools wrote; S2's only what Gemini's tools wrote.
    expect(await r.sh("show", "--name-only", "--format=", `${branch}~1`)).toBe(
      "sum.mjs\nsum.test.mjs",
    );
    expect(await r.sh("show", "--name-only", "--format=", branch)).toBe("README.md\nmul.mjs");

    // Each CLI really ran its tool loop against the server, with its own client.
    const answered = (vendor: string) =>
      server.requests.filter((q) => q.vendor === vendor && q.outcome === "answer");
    expect(answered("anthropic").map((q) => q.rule)).toEqual(
      expect.arrayContaining(["plan-review", "s1-turn-0", "s1-turn-3", "s1-done"]),
    );
    expect(answered("gemini").map((q) => q.rule)).toEqual(
      expect.arrayContaining(["plan", "s1-review", "s2-turn-0", "s2-turn-1", "s2-done"]),
    );
    expect(answered("openai-responses").map((q) => q.rule)).toEqual(["s2-review"]);
    expect(answered("anthropic")[0]?.headers["user-agent"]).toContain("claude-cli/2.1.197");
    expect(answered("gemini")[0]?.headers["user-agent"]).toContain("GeminiCLI");
    // Through `codex app-server` (a long-lived session, the default) the originator is the
    // client name the orchestrator gives (`codex exec`, the fallback, would say codex_exec).
    expect(answered("openai-responses")[0]?.headers["user-agent"]).toContain(
      "orchestrator/0.171.0 ",
    );
  }, 180_000);
});
