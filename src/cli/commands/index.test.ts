import { describe, expect, it } from "vitest";
import { buildProgram } from "../main.js";
import { commandsFor } from "./index.js";

const ctx = () => ({
  stdout: process.stdout,
  stderr: process.stderr,
  env: {},
  cwd: process.cwd(),
  exitCode: 0,
});

describe("commands load only when a command line needs them", () => {
  it("loads the named command's module, none for --version, all for help", () => {
    expect(commandsFor(["status"])).toEqual(["status"]);
    expect(commandsFor(["-C", "../x", "--log-level", "debug", "resume", "T-1"])).toEqual([
      "run",
      "resume",
    ]);
    expect(commandsFor(["--version"])).toBe("none");
    expect(commandsFor(["-V"])).toBe("none");
    expect(commandsFor(["--help"])).toBe("all");
    expect(commandsFor([])).toBe("all");
    expect(commandsFor(["stauts"])).toBe("all");
  });

  it("registers just `status` for `orchestrator status`, and every command for --help", async () => {
    const one = await buildProgram(ctx(), ["node", "orchestrator", "status"]);
    expect(one.commands.map((c) => c.name())).toEqual(["status"]);
    const all = await buildProgram(ctx());
    expect(all.commands.map((c) => c.name())).toEqual([
      "init",
      "validate",
      "doctor",
      "run",
      "resume",
      "submit",
      "worker",
      "land",
      "gate",
      "status",
      "review",
      "abort",
      "export",
      "log",
      "memory",
      "propose",
      "estimate",
      "report",
      "serve",
      "migrate-store",
      "import",
      "github",
      "demo",
    ]);
  });
});
