import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { stringify } from "yaml";
import type { Script } from "../../src/providers/scripted-provider.js";

export interface ScriptedProjectOptions {
  readonly taskId: string;
  readonly goal?: string;
  readonly script: Script;
  readonly mode?: "text" | "agent";
  /** quality_rules.yaml `checks:`; default one quick passing check. */
  readonly checks?: Record<string, { command: string | string[]; timeout?: string; kind?: string }>;
  readonly maxAttempts?: number;
}

/** Writes `.orchestrator/` files for a task run by two scripted models of different families. */
export async function writeScriptedProject(
  repoRoot: string,
  o: ScriptedProjectOptions,
): Promise<void> {
  const dir = join(repoRoot, ".orchestrator");
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, ".gitignore"), "state.db*\nworktrees/\nruns/\n");
  await writeFile(join(dir, "script.yaml"), stringify(o.script));
  await writeFile(
    join(dir, "tasks.yaml"),
    stringify({
      tasks: [
        {
          id: o.taskId,
          goal: o.goal ?? "Add three small files",
          risk: "medium",
          area: "core",
          constraints: ["ZERO-WARNINGS"],
        },
      ],
    }),
  );
  const model = (name: string, family: string, tier: string) => ({
    provider: "scripted",
    model: `${name}-scripted`,
    family,
    tier,
    price: { input: 3, output: 15 },
    script: "script.yaml",
  });
  await writeFile(
    join(dir, "model_config.yaml"),
    stringify({
      models: {
        claude_sonnet: model("claude-sonnet", "anthropic", "strong"),
        gemini_pro: model("gemini-pro", "google", "medium"),
      },
      routing: {
        implementer_mode: o.mode ?? "agent",
        rules: [
          { role: ["planner", "implementer"], use: "claude_sonnet", reason: "strong author" },
          {
            role: ["plan_reviewer", "code_reviewer"],
            use: ["gemini_pro", "claude_sonnet"],
            reason: "cross-check",
          },
        ],
      },
    }),
  );
  const checks = o.checks ?? {
    test: { command: ["node", "-e", "process.exit(0)"], kind: "tests" },
  };
  await writeFile(
    join(dir, "quality_rules.yaml"),
    stringify({
      checks,
      levels: {
        TRIVIAL: Object.keys(checks),
        SMALL: Object.keys(checks),
        MEDIUM: Object.keys(checks),
        LARGE: Object.keys(checks),
      },
      retries: { max_attempts: o.maxAttempts ?? 3 },
    }),
  );
}
