import { z } from "zod";
import { GateCheckResultSchema } from "../../core/events.js";
import type { GithubContext } from "./context.js";

/** The part of `orchestrator gate --json` a check run shows. */
export const GateVerdictSchema = z.object({
  passed: z.boolean(),
  level: z.string(),
  levelReason: z.string().optional(),
  base: z.string(),
  checks: z.array(GateCheckResultSchema),
  feedback: z.string().default(""),
  breaking: z.boolean().optional(),
});
export type GateVerdict = z.infer<typeof GateVerdictSchema>;

/** The gate's verdict as Markdown: for the check run's summary and the job summary. */
export function gateMarkdown(v: GateVerdict): string {
  const lines = [
    `## Quality gate ${v.passed ? "passed ✅" : "FAILED ❌"}`,
    "",
    `Level **${v.level}**${v.levelReason ? ` (${v.levelReason})` : ""}, compared with the base commit \`${v.base.slice(0, 10)}\`.`,
    "",
    "| Check | Kind | Result | Time |",
    "|---|---|---|---|",
    ...v.checks.map(
      (c) =>
        `| ${c.name} | ${c.kind ?? "custom"} | ${c.mode === "skipped" ? "skipped" : c.passed ? "pass" : "**fail**"} | ${(c.durationMs / 1000).toFixed(1)}s |`,
    ),
  ];
  if (v.breaking) lines.push("", "**Breaking change detected**: a human must decide.");
  if (!v.passed && v.feedback.trim()) {
    lines.push("", "### What failed", "", "```", v.feedback.trim().slice(0, 60_000), "```");
  }
  return `${lines.join("\n")}\n`;
}

/** Publishes the verdict as a completed check run on `headSha`; returns its URL. */
export async function publishGateCheck(
  ctx: Pick<GithubContext, "client" | "config">,
  verdict: GateVerdict,
  headSha: string,
  name = "orchestrator gate",
): Promise<string> {
  const { data } = await ctx.client.rest.checks.create({
    owner: ctx.config.owner,
    repo: ctx.config.name,
    name,
    head_sha: headSha,
    status: "completed",
    conclusion: verdict.passed ? "success" : "failure",
    output: {
      title: verdict.passed ? "Quality gate passed" : "Quality gate failed",
      summary: gateMarkdown(verdict).slice(0, 65_000),
    },
  });
  return data.html_url ?? data.url;
}
