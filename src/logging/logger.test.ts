import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { UserError } from "../core/errors.js";
import type { GatePort } from "../core/gate-port.js";
import type { EventListener } from "../core/event-listener.js";
import { answer, happyScript, reviewCode } from "../../test/support/script-builder.js";
import { createHarness } from "../../test/support/engine-harness.js";
import type { Harness } from "../../test/support/engine-harness.js";
import { createLogger } from "./logger.js";
import type { LoggerOptions } from "./logger.js";

const Line = z.looseObject({
  level: z.number(),
  time: z.string(),
  msg: z.string(),
  task_id: z.string(),
  step_id: z.string().optional(),
  event: z.string(),
});
type Line = z.infer<typeof Line>;

/** A stream that keeps what is written, synchronously. */
function sink(isTTY = false): Writable & { isTTY: boolean; text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  return Object.assign(stream, { isTTY, text: () => chunks.join("") });
}

function parseLines(text: string): Line[] {
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => Line.parse(JSON.parse(l)));
}

/** S1's first attempt is sent back by the reviewer, its second fails the gate, its third passes. */
async function runScenario(listener: EventListener): Promise<Harness> {
  const gate: GatePort = (input) => {
    const failed = input.logDir.endsWith("S1-attempt-2");
    return Promise.resolve({
      passed: !failed,
      checks: [
        {
          name: "test",
          passed: !failed,
          exitCode: failed ? 1 : 0,
          timedOut: false,
          durationMs: 5,
          summary: failed ? "FAIL  test/greet.test.js > greets by name\n" : "",
        },
        { name: "lint", passed: true, exitCode: 0, timedOut: false, durationMs: 3, summary: "" },
      ],
      feedback: failed ? "test failed" : "",
    });
  };
  const h = await createHarness({
    script: happyScript(
      "T-1",
      [{ id: "S1", description: "Create greet", files: { "greet.txt": "hi\n" } }],
      [
        answer({
          role: "code_reviewer",
          step: "S1",
          attempt: 1,
          text: reviewCode("needs_changes", ["Add a docstring"]),
        }),
      ],
    ),
    gate,
    listener,
  });
  expect((await h.run()).status).toBe("DONE");
  return h;
}

let harness: Harness | undefined;
let dir: string | undefined;
afterEach(async () => {
  await harness?.repo.cleanup();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  harness = undefined;
  dir = undefined;
});

function logger(overrides: Partial<LoggerOptions>, stderr = sink()) {
  return { stderr, log: createLogger({ env: {}, stderr, maxAttempts: 3, ...overrides }) };
}

describe("structured logs of a task's events", () => {
  it("writes the seed's messages as JSON with task, step and trace ids", async () => {
    const { stderr, log } = logger({
      level: "info",
      traceContext: (taskId) => ({ traceId: `trace-${taskId}`, spanId: "span-1" }),
    });
    harness = await runScenario(log.listener);
    log.flush();
    const lines = parseLines(stderr.text());
    expect(lines.every((l) => l.task_id === "T-1" && l.trace_id === "trace-T-1")).toBe(true);
    expect(lines.every((l) => l.span_id === "span-1" && l.level >= 30)).toBe(true);

    const routing = lines.find((l) => l.msg.startsWith("routing S1 -> implementer=claude"));
    expect(routing).toMatchObject({
      level: 30,
      step_id: "S1",
      role: "implementer",
      model: "claude",
    });
    expect(routing?.reason).toContain("test routing");

    const call = lines.find((l) => l.event === "model.call" && l.role === "code_reviewer");
    expect(call).toMatchObject({ model: "gemini", step_id: "S1", ok: true });
    expect(call?.tokens_in).toBeGreaterThan(0);
    expect(call?.cost_usd).toBeGreaterThan(0);

    const rejected = lines.find((l) => l.event === "code.reviewed" && l.level === 40);
    expect(rejected?.msg).toBe(
      "Code-Reviewer (gemini) requested changes to patch from Implementer (claude): Add a docstring",
    );
    expect(rejected?.required_changes).toEqual(["Add a docstring"]);

    const gate = lines.find((l) => l.event === "gate.finished" && l.level === 40);
    expect(gate?.msg).toBe("Quality gate FAILED: test failed (1 test: greets by name)");
    expect(gate).toMatchObject({ failed_checks: ["test"], failing_tests: ["greets by name"] });

    const retries = lines.filter((l) => l.msg.includes("retry attempt")).map((l) => l.msg);
    expect(retries).toEqual([
      "Step S1 retry attempt 2/3: re-implementing with feedback from the reviewer",
      "Step S1 retry attempt 3/3: re-implementing with feedback from the quality gate",
    ]);
    expect(lines.find((l) => l.event === "step.committed")?.msg).toMatch(
      /^Step S1 committed [0-9a-f]{10}: feat\(T-1\): S1 Create greet$/,
    );
    expect(lines.at(-1)?.msg).toMatch(/^Task T-1 done: 1 step\(s\) committed, \d+ model calls/);
    // Debug lines (plain state changes) stay out at info.
    expect(lines.some((l) => l.event === "transition" && l.msg.includes("->"))).toBe(false);
  });

  it("logs an escalation as a warning with its reason and detail", async () => {
    const { stderr, log } = logger({ level: "warn" });
    harness = await createHarness({
      script: happyScript(
        "T-1",
        [{ id: "S1", description: "Create", files: { "a.txt": "a" } }],
        [answer({ role: "code_reviewer", text: reviewCode("rejected", ["Wrong approach"]) })],
      ),
      listener: log.listener,
    });
    expect((await harness.run()).status).toBe("AWAITING_HUMAN_REVIEW");
    const lines = parseLines(stderr.text());
    expect(lines.every((l) => l.level === 40)).toBe(true);
    const escalation = lines.find((l) => l.task_event === "ESCALATE");
    expect(escalation).toMatchObject({ reason: "review_rejected", step_id: "S1" });
    expect(escalation?.msg).toMatch(/^Task T-1 escalated to a human: review_rejected: /);
    expect(lines.some((l) => l.msg.includes("REJECTED patch"))).toBe(true);
  });

  it("writes info and up to ORCHESTRATOR_LOG_FILE and nothing to stderr without a level", async () => {
    dir = await mkdtemp(join(tmpdir(), "orchestrator-log-"));
    const { stderr, log } = logger({
      env: { ORCHESTRATOR_LOG_FILE: "logs/run.log" },
      cwd: dir,
    });
    harness = await runScenario(log.listener);
    log.logger.debug("not written");
    log.flush();
    const lines = parseLines(await readFile(join(dir, "logs/run.log"), "utf8"));
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.every((l) => l.level >= 30)).toBe(true);
    expect(lines.some((l) => l.msg.startsWith("Quality gate FAILED"))).toBe(true);
    expect(stderr.text()).toBe("");
    log.close();
  });

  it("prints human lines on a terminal", async () => {
    const { stderr, log } = logger({ env: { NO_COLOR: "1" }, level: "info" }, sink(true));
    harness = await runScenario(log.listener);
    const text = stderr.text();
    expect(text).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: \[T-1 S1\] routing S1 -> implementer=claude/m);
    expect(text).toMatch(/WARN: \[T-1 S1\] Quality gate FAILED: test failed/);
    expect(text).not.toContain('"task_id"');
  });

  it("refuses an unknown level, naming where it came from", () => {
    expect(() => createLogger({ env: { ORCHESTRATOR_LOG_LEVEL: "loud" }, stderr: sink() })).toThrow(
      UserError,
    );
    expect(() => createLogger({ env: {}, stderr: sink(), level: "loud" })).toThrow(/--log-level/);
  });

  it("never lets a logging failure reach the engine", async () => {
    const { log } = logger({
      level: "info",
      traceContext: () => {
        throw new Error("tracer gone");
      },
    });
    harness = await runScenario(log.listener);
  });
});
