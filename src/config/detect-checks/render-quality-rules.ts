import { stringify } from "yaml";
import type { DetectedCheck, Detection } from "./types.js";

/** What running a detected check on the untouched repository showed. */
export type CheckVerdict =
  | { readonly status: "passed"; readonly detail: string }
  | { readonly status: "failed"; readonly detail: string }
  | { readonly status: "not-run"; readonly detail: string };

/** A detected check as `quality_rules.yaml` writes it (flow style for short maps). */
function checkYaml(check: DetectedCheck): Record<string, unknown> {
  return {
    kind: check.kind,
    ...(check.command === undefined ? {} : { command: check.command }),
    ...(check.related === undefined ? {} : { related: check.related }),
    ...(check.report === undefined ? {} : { report: check.report }),
    ...(check.env === undefined ? {} : { env: check.env }),
    ...(check.timeout === undefined ? {} : { timeout: check.timeout }),
  };
}

function indent(text: string, prefix: string): string {
  return text
    .trimEnd()
    .split("\n")
    .map((l) => `${prefix}${l}`)
    .join("\n");
}

function block(name: string, check: DetectedCheck): string {
  return stringify({ [name]: checkYaml(check) }, { lineWidth: 0, collectionStyle: "any" });
}

/**
 * The `setup:` and `checks:` part of `quality_rules.yaml` for what `init` detected. Checks that
 * failed on the untouched repository are written commented out, with the reason, so the gate
 * never starts red; checks that could not be run are written, marked as not yet verified.
 */
export function renderDetectedChecks(
  detection: Detection,
  verdicts: ReadonlyMap<string, CheckVerdict>,
): string {
  const lines: string[] = [""];
  if (detection.setup !== undefined) {
    lines.push(
      "# Run in every gate worktree before the checks; $ORCHESTRATOR_REPO_ROOT is this checkout.",
      "# Keep node_modules ignored without a trailing slash, or the link gets committed.",
      `setup: ${stringify(detection.setup).trimEnd()}`,
      "",
    );
  }
  const active = detection.checks.filter((c) => verdicts.get(c.name)?.status !== "failed");
  const failed = detection.checks.filter((c) => verdicts.get(c.name)?.status === "failed");
  if (detection.checks.length === 0) {
    lines.push(
      "# No test, lint or type-check tool was found. A gate without checks passes every step:",
      "# `orchestrator run` refuses it unless --allow-empty-gate. Add the commands you use.",
      "checks: {}",
    );
  } else {
    lines.push(
      `# Detected by \`orchestrator init\` (${detection.toolchains.join(", ") || "hooks"}).`,
    );
    lines.push(active.length === 0 ? "checks: {}" : "checks:");
    for (const check of active) {
      const verdict = verdicts.get(check.name);
      lines.push(`  # ${check.because}${verdict === undefined ? "" : `; ${verdict.detail}`}`);
      lines.push(indent(block(check.name, check), "  "));
    }
    for (const check of failed) {
      lines.push(
        `  # Left out: ${verdicts.get(check.name)?.detail ?? "failed"} (${check.because}).`,
      );
      lines.push(`  # Fix it on your branch, then uncomment it.`);
      lines.push(indent(block(check.name, check), "  # "));
    }
  }
  return `${lines.join("\n")}\n`;
}
