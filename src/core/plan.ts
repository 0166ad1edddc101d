import { z } from "zod";
import { RiskSchema } from "./task.js";

/** Step types from the seed; models may use others, which are kept as written. */
export const KNOWN_STEP_TYPES = [
  "analysis",
  "implementation",
  "testing",
  "validation",
  "docs",
  "comments",
  "refactor",
  "simple_refactor",
] as const;

export const ComplexitySchema = z.enum(["small", "medium", "large"]);

/** One step of the seed's plan JSON. */
export const PlanStepSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  description: z.string().min(1),
  risk: RiskSchema.default("medium"),
  estimated_complexity: ComplexitySchema.default("medium"),
  files_to_read: z.array(z.string()).default([]),
  files_to_create: z.array(z.string()).default([]),
  files_to_modify: z.array(z.string()).default([]),
  tests_required: z.boolean().default(false),
  commands: z.array(z.string()).default([]),
  coverage_target: z.string().optional(),
});
export type PlanStep = z.infer<typeof PlanStepSchema>;

/** The seed's plan JSON, as the planner must answer it. */
export const PlanSchema = z
  .object({
    task_id: z.string().min(1),
    plan_version: z.number().int().positive().default(1),
    steps: z.array(PlanStepSchema).min(1),
    estimated_duration: z.string().optional(),
    dependencies: z.array(z.string()).default([]),
    rollback_strategy: z.string().optional(),
  })
  .superRefine((plan, ctx) => {
    const seen = new Set<string>();
    plan.steps.forEach((step, i) => {
      if (seen.has(step.id)) {
        ctx.addIssue({
          code: "custom",
          path: ["steps", i, "id"],
          message: `duplicate step id "${step.id}"`,
        });
      }
      seen.add(step.id);
    });
  });
export type Plan = z.infer<typeof PlanSchema>;
