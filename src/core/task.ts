import { z } from "zod";

export const RISKS = ["low", "medium", "high"] as const;
export const RiskSchema = z.enum(RISKS);
export type Risk = z.infer<typeof RiskSchema>;

/** Areas the seed names; any other area string is accepted too. */
export const KNOWN_AREAS = [
  "core",
  "math",
  "api",
  "services",
  "docs",
  "tests",
  "comments",
] as const;

/** Constraints the gate can check by itself; everything else stays free text for the models. */
export type CheckableConstraint =
  | { readonly kind: "zero-warnings"; readonly text: string }
  | { readonly kind: "coverage"; readonly minPercent: number; readonly text: string }
  | { readonly kind: "no-breaking-changes"; readonly text: string }
  | { readonly kind: "free-text"; readonly text: string };

/** Recognises `ZERO-WARNINGS`, `NN%+ test coverage` and `No breaking changes` in free text. */
export function parseConstraint(text: string): CheckableConstraint {
  const t = text.trim();
  if (/^\**\s*zero[- _]warnings\b/i.test(t)) return { kind: "zero-warnings", text };
  const cov = /(\d{1,3}(?:\.\d+)?)\s*%\s*\+?\s*(?:test\s+)?coverage/i.exec(t);
  if (cov?.[1] !== undefined) {
    const minPercent = Number(cov[1]);
    if (minPercent <= 100) return { kind: "coverage", minPercent, text };
  }
  if (/\bno\s+breaking\s+changes?\b/i.test(t)) return { kind: "no-breaking-changes", text };
  return { kind: "free-text", text };
}

/**
 * A task as the engine sees it: the user's entry from tasks.yaml, validated and normalised
 * (repository resolved to an absolute path, timeout in milliseconds, constraints parsed).
 */
export const TaskSchema = z.object({
  id: z.string().min(1),
  goal: z.string().min(1),
  risk: RiskSchema,
  area: z.string().min(1),
  /** Absolute path of the repository the task works on. */
  repoPath: z.string().min(1),
  /** The `repo` value as the user wrote it, for display. */
  repo: z.string(),
  contextFiles: z.array(z.string()),
  constraints: z.array(z.string()),
  priority: z.number().int(),
  dependsOn: z.array(z.string()),
  timeoutMs: z.number().int().positive(),
  budgetUsd: z.number().nonnegative().optional(),
  /** Steps the task's plan may have; default `limits.max_plan_steps` of model_config.yaml. */
  maxPlanSteps: z.number().int().positive().optional(),
  /** Git ref the task's branch starts from; default: the repository's HEAD. */
  base: z.string().optional(),
  /** Quality level override for every step of this task. */
  qualityLevel: z.enum(["TRIVIAL", "SMALL", "MEDIUM", "LARGE"]).optional(),
});
export type Task = z.infer<typeof TaskSchema>;

export const DEFAULT_TASK_TIMEOUT_MS = 6 * 60 * 60 * 1000;
export const DEFAULT_PRIORITY = 0;

/** The four roles; every model call is made for one of them. */
export const ROLES = ["planner", "plan_reviewer", "implementer", "code_reviewer"] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;
