import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MAX_OUTPUT_CHARS } from "../../core/ports.js";
import { ProviderError } from "../../core/provider-errors.js";
import { NodeProcessRunner } from "../../process/node-process-runner.js";
import { cliSpec } from "../../../test/support/cli-testdata.js";
import { createCliProvider } from "./index.js";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** A fake `claude` that prints its `--output-format json` result object with `result` text. */
async function fakeClaude(body: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "orchestrator-fake-cli-"));
  dirs.push(dir);
  const path = join(dir, "claude");
  await writeFile(path, `#!${process.execPath}\n${body}`);
  await chmod(path, 0o755);
  return path;
}

const RESULT = (text: string): string =>
  `process.stdout.write(JSON.stringify({ type: "result", subtype: "success", is_error: false, ` +
  `result: ${text}, usage: { input_tokens: 1, output_tokens: 1 } }));`;

/** One call, one process per call unless `session` says so (the default for CLI models). */
const ask = (binary: string, session: "per-call" | "session" = "per-call") =>
  createCliProvider(
    cliSpec("claude-cli", { binary, session: session === "session" }),
    "claude-cli",
    new NodeProcessRunner(),
  )
    .complete({
      role: "planner",
      taskId: "T-1",
      system: "s",
      prompt: "p",
      mode: "text",
      cwd: tmpdir(),
    })
    .then(
      (r) => r.text,
      (e: unknown) => e,
    );

describe("a CLI's output past the cap", () => {
  it("is reported as cut at the cap, not as a missing result object", async () => {
    const size = MAX_OUTPUT_CHARS + 100;
    const error = await ask(await fakeClaude(RESULT(`"x".repeat(${String(size)})`)));
    expect(error).toBeInstanceOf(ProviderError);
    const e = error as ProviderError;
    expect(e.kind).toBe("malformed_output");
    expect(e.message).toContain("output was cut at the cap");
    expect(e.message).not.toContain("no result object");
  });

  it("an answer under the cap is read as usual", async () => {
    expect(await ask(await fakeClaude(RESULT('"hello"')))).toBe("hello");
  });

  it("in session mode too: one call may not print more than the cap", async () => {
    const size = MAX_OUTPUT_CHARS + 100;
    const binary = await fakeClaude(RESULT(`"x".repeat(${String(size)})`));
    const error = await ask(binary, "session");
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: "malformed_output" });
    expect(String(error)).toContain("printed more than the 4 MiB output cap in one call");
    expect(await ask(await fakeClaude(RESULT('"hello"')), "session")).toBe("hello");
  });
});

describe("bytes that are not UTF-8", () => {
  it("reach the answer as U+FFFD, which the engine treats as malformed (see implementing)", async () => {
    // The JSON string holds the raw bytes 0xff 0xfe: not UTF-8.
    const body =
      `const head = Buffer.from('{"type":"result","subtype":"success","is_error":false,"result":"a');\n` +
      `const tail = Buffer.from('b","usage":{"input_tokens":1,"output_tokens":1}}');\n` +
      `process.stdout.write(Buffer.concat([head, Buffer.from([0xff, 0xfe]), tail]));`;
    expect(await ask(await fakeClaude(body))).toBe("a\uFFFD\uFFFDb");
  });
});
