import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { stringify } from "yaml";
import { answer, happyScript } from "./script-builder.js";
import type { ScriptedStep } from "./script-builder.js";
import type { Script } from "../../src/providers/scripted-provider.js";

/** One task of a scripted backlog: its steps (agent mode: files written) and dependencies. */
export interface BacklogTask {
  readonly id: string;
  readonly steps: readonly ScriptedStep[];
  readonly dependsOn?: readonly string[];
  readonly priority?: number;
  /** Extra answers for this task (a merge step's resolution, a failing attempt). */
  readonly extra?: Script["answers"];
}

export interface ScriptedBacklogOptions {
  readonly tasks: readonly BacklogTask[];
  /** Every model call answers after this long. */
  readonly delayMs?: number;
  /** Fixed token usage of every answer (default: from the text). */
  readonly usage?: { input: number; output: number };
  /** USD per million tokens of both models; default input 3, output 15. */
  readonly price?: { input: number; output: number };
  /** model_config.yaml `budgets:`. */
  readonly budgets?: Record<string, number>;
  /** model_config.yaml `concurrency:`. */
  readonly concurrency?: number;
  /** quality_rules.yaml `checks:`; default one quick passing check. */
  readonly checks?: Record<string, { command: string[]; kind?: string }>;
  readonly maxAttempts?: number;
}

/** The script of a backlog: each task's happy path, every answer keyed by its task. */
export function backlogScript(o: ScriptedBacklogOptions): Script {
  const answers = o.tasks.flatMap((t) =>
    [...happyScript(t.id, t.steps).answers, ...(t.extra ?? [])].map((a) =>
      answer({
        ...a,
        task: t.id,
        delay_ms: o.delayMs ?? 0,
        ...(o.usage ? { usage: o.usage } : {}),
      }),
    ),
  );
  return { answers };
}

/** Writes `.orchestrator/` for a backlog run by two scripted models of different families. */
export async function writeScriptedBacklog(
  repoRoot: string,
  o: ScriptedBacklogOptions,
): Promise<void> {
  const dir = join(repoRoot, ".orchestrator");
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, ".gitignore"), "state.db*\nworktrees/\nruns/\n");
  await writeFile(join(dir, "script.yaml"), stringify(backlogScript(o)));
  await writeFile(
    join(dir, "tasks.yaml"),
    stringify({
      tasks: o.tasks.map((t) => ({
        id: t.id,
        goal: `Work of ${t.id}`,
        risk: "low",
        area: "core",
        ...(t.dependsOn ? { depends_on: t.dependsOn } : {}),
        ...(t.priority === undefined ? {} : { priority: t.priority }),
      })),
    }),
  );
  const model = (name: string, family: string, tier: string) => ({
    provider: "scripted",
    model: `${name}-scripted`,
    family,
    tier,
    price: o.price ?? { input: 3, output: 15 },
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
        implementer_mode: "agent",
        rules: [
          { role: ["planner", "implementer"], use: "claude_sonnet", reason: "strong author" },
          { role: ["plan_reviewer", "code_reviewer"], use: "gemini_pro", reason: "cross-check" },
        ],
      },
      ...(o.budgets ? { budgets: o.budgets } : {}),
      ...(o.concurrency === undefined ? {} : { concurrency: o.concurrency }),
    }),
  );
  const checks = o.checks ?? {
    test: { command: ["node", "-e", "process.exit(0)"], kind: "tests" },
  };
  const names = Object.keys(checks);
  await writeFile(
    join(dir, "quality_rules.yaml"),
    stringify({
      checks,
      levels: { TRIVIAL: names, SMALL: names, MEDIUM: names, LARGE: names },
      retries: { max_attempts: o.maxAttempts ?? 3 },
    }),
  );
}
