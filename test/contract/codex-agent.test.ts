import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { APPROVE_PLAN, planJson, reviewCode } from "../support/script-builder.js";
import { installCli } from "../support/cli-install.js";
import { startModelServer, type ModelServer } from "../support/model-server/index.js";
import type { ScenarioRule } from "../support/model-server/index.js";
import { createTempRepo, type TempRepo } from "../workspace/temp-repo.js";
import { cliHomes, ROLE, runTaskToDone, writeCliProject } from "./cli-project.js";

/**
 * A step implemented by the REAL Codex CLI (`codex exec --json`, pinned) in AGENT mode against
 * the scripted model server, through Codex's own tools, then reviewed by Claude Code (another
 * family), gated by a real `node --test` and committed:
 *
 * - `apply_patch` (a free-form tool; Codex 0.171.0 offers it only for model ids it knows, such
 *   as `gpt-5.5` — for an unknown id it offers the shell tool alone) adds greet.mjs with a bug
 *   and its test, then a second patch fixes the bug: an Update hunk applies only against the
 *   file as the first patch left it on disk, and the gate fails unless the fix landed;
 * - `exec_command` (its shell tool, run in the `workspace-write` sandbox) writes GREET.md.
 *
 * Codex planned the task too (text mode, read-only sandbox); Claude Code reviewed the plan.
 */

const TASK = "CODEX-1";
const GREET_BUGGY = 'export function greet(name) {\n  return "Hello " + nam;\n}\n';
const GREET_FIXED = 'export function greet(name) {\n  return "Hello " + name;\n}\n';
const GREET_TEST = [
  'import { test } from "node:test";',
  'import assert from "node:assert/strict";',
  'import { greet } from "./greet.mjs";',
  "",
  'test("greet says hello", () => {',
  '  assert.equal(greet("Ada"), "Hello Ada");',
  "});",
  "",
].join("\n");
const GREET_DOC = "greet(name) returns a greeting.\n";

/** A V4A patch (Codex's apply_patch format) that adds whole files. */
function addFiles(files: Record<string, string>): string {
  const hunks = Object.entries(files).map(([path, text]) =>
    [
      `*** Add File: ${path}`,
      ...text
        .replace(/\n$/, "")
        .split("\n")
        .map((line) => `+${line}`),
    ].join("\n"),
  );
  return ["*** Begin Patch", ...hunks, "*** End Patch", ""].join("\n");
}

const FIX_PATCH = [
  "*** Begin Patch",
  "*** Update File: greet.mjs",
  "@@",
  " export function greet(name) {",
  '-  return "Hello " + nam;',
  '+  return "Hello " + name;',
  " }",
  "*** End Patch",
  "",
].join("\n");

const MARK = "CODEX-STEP-MARK";

/** Codex's tool calls, one model turn each; the last turn answers in text. */
const IMPLEMENT_TURNS: ScenarioRule["toolCalls"][] = [
  [
    {
      name: "apply_patch",
      custom: addFiles({ "greet.mjs": GREET_BUGGY, "greet.test.mjs": GREET_TEST }),
    },
  ],
  [{ name: "apply_patch", custom: FIX_PATCH }],
  [{ name: "exec_command", args: { cmd: `printf '%s\\n' '${GREET_DOC.trim()}' > GREET.md` } }],
];

function codexImplements(): ScenarioRule[] {
  // Codex has no system-prompt flag: the instructions and the step share one user message.
  const match = {
    vendor: "openai-responses" as const,
    prompt: new RegExp(`${ROLE.implementer}[\\s\\S]*${MARK}`),
  };
  return [
    ...IMPLEMENT_TURNS.map((toolCalls, turn) => ({
      name: `impl-turn-${String(turn)}`,
      match: { ...match, turn },
      toolCalls,
    })),
    {
      name: "impl-done",
      match: { ...match, turn: IMPLEMENT_TURNS.length },
      text: "Added greet.mjs, its test and GREET.md.",
    },
  ];
}

const scenario: ScenarioRule[] = [
  {
    name: "plan",
    match: { vendor: "openai-responses", prompt: ROLE.planner },
    text: planJson(TASK, [
      { id: "S1", type: "feature", description: `${MARK}: add greet.mjs with a node:test test` },
    ]),
  },
  {
    name: "plan-review",
    match: { vendor: "anthropic", system: ROLE.planReviewer },
    text: APPROVE_PLAN,
  },
  ...codexImplements(),
  {
    name: "code-review",
    match: { vendor: "anthropic", system: ROLE.codeReviewer },
    text: reviewCode("approved"),
  },
];

/** What the test reads of a recorded Responses request body. */
const ResponsesBody = z.looseObject({
  tools: z.array(z.looseObject({ type: z.string(), name: z.string().optional() })).default([]),
  input: z.array(z.looseObject({ type: z.string().optional(), output: z.unknown().optional() })),
});

let codex: string;
let claude: string;
let server: ModelServer;
let repo: TempRepo | undefined;

beforeAll(async () => {
  [codex, claude] = await Promise.all([installCli("codex"), installCli("claude")]);
  server = await startModelServer({ rules: scenario });
}, 600_000);

afterAll(async () => {
  await server.close();
  await repo?.cleanup();
});

describe("the real Codex CLI in agent mode", () => {
  it("implements a step with apply_patch and its shell tool; another family reviews; gated and committed", async () => {
    const r = (repo = await createTempRepo());
    const homes = await cliHomes(server.url);
    await writeCliProject(r.root, {
      tasks: [{ id: TASK, goal: "Add a greet helper with a test", risk: "medium", area: "core" }],
      models: {
        codex_cli: {
          provider: "codex-cli",
          // A model id Codex 0.171.0 knows, so it offers its apply_patch tool.
          model: "gpt-5.5",
          family: "openai",
          tier: "strong",
          binary: codex,
          env: homes.codex,
        },
        claude_cli: {
          provider: "claude-cli",
          model: "claude-sonnet-4-5",
          family: "anthropic",
          binary: claude,
          env: homes.claude,
        },
      },
      rules: [
        { role: "planner", use: "codex_cli", reason: "codex plans" },
        { role: "plan_reviewer", use: "claude_cli", reason: "claude checks" },
        { role: "implementer", use: "codex_cli", reason: "codex builds" },
        { role: "code_reviewer", use: "claude_cli", reason: "cross-check" },
      ],
      checks: { test: { command: ["node", "--test"], kind: "tests", timeout: "60s" } },
    });
    await runTaskToDone(r, server, TASK);

    // The commit holds exactly what Codex's tools wrote: two patches and one shell command.
    const branch = `orchestrator/${TASK}`;
    expect(await r.sh("show", "--name-only", "--format=", branch)).toBe(
      "GREET.md\ngreet.mjs\ngreet.test.mjs",
    );
    expect(await r.sh("show", `${branch}:greet.mjs`)).toBe(GREET_FIXED.trimEnd());
    expect(await r.sh("show", `${branch}:greet.test.mjs`)).toBe(GREET_TEST.trimEnd());
    expect(await r.sh("show", `${branch}:GREET.md`)).toBe(GREET_DOC.trimEnd());
    const message = await r.sh("log", "-1", "--format=%B", branch);
    expect(message).toContain("Orchestrator-Step: S1");
    expect(message).toContain("Implemented-By: codex_cli");
    expect(message).toContain("Reviewed-By: claude_cli (approved)");
    expect(message).toContain("Quality-Gate: passed");

    // Codex ran its own tool loop: each later turn carries the result of the tool it ran.
    const impl = server.requests.filter(
      (q) => q.outcome === "answer" && q.rule?.startsWith("impl-") === true,
    );
    expect(impl.map((q) => q.rule)).toEqual([
      "impl-turn-0",
      "impl-turn-1",
      "impl-turn-2",
      "impl-done",
    ]);
    // `codex app-server` (a long-lived session, the default) names the orchestrator as the
    // originator; the one-process fallback (`codex exec`) would name itself.
    expect(impl[0]?.headers["user-agent"]).toContain("orchestrator/0.171.0 ");
    const first = ResponsesBody.parse(impl[0]?.body);
    expect(first.tools).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: "custom", name: "apply_patch" }),
        expect.objectContaining({ type: "function", name: "exec_command" }),
      ]),
    );
    const outputs = ResponsesBody.parse(impl.at(-1)?.body).input.filter((i) =>
      i.type?.endsWith("_call_output"),
    );
    expect(outputs.map((o) => [o.type, String(o.output)])).toEqual([
      ["custom_tool_call_output", expect.stringContaining("Success. Updated the following files")],
      ["custom_tool_call_output", expect.stringContaining("M greet.mjs")],
      ["function_call_output", expect.stringContaining("Process exited with code 0")],
    ]);
    expect(server.requests.filter((q) => q.outcome === "answer").map((q) => q.rule)).toContain(
      "code-review",
    );
  }, 180_000);
});
