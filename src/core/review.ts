import { z } from "zod";

const Score = z.number().min(0).max(10);
const TextList = z.array(z.string()).default([]);

/** The seed's plan-review JSON. */
export const PlanReviewSchema = z.object({
  plan_id: z.string().optional(),
  status: z.enum(["approved", "rejected", "needs_revision"]),
  review: z
    .object({
      completeness: Score.optional(),
      feasibility: Score.optional(),
      risk_assessment: Score.optional(),
      missing_steps: TextList,
      concerns: TextList,
      suggestions: TextList,
    })
    .default({ missing_steps: [], concerns: [], suggestions: [] }),
  // No `revised_plan`: the prompt tells the reviewer not to write one (the planner revises the
  // plan from the findings, so every plan carried out was reviewed by another family); one sent
  // anyway is dropped with the other unknown keys.
});
export type PlanReview = z.infer<typeof PlanReviewSchema>;

/** The seed's code-review JSON. */
export const CodeReviewSchema = z.object({
  step_id: z.string().optional(),
  status: z.enum(["approved", "rejected", "needs_changes"]),
  review: z
    .object({
      correctness: Score.optional(),
      code_quality: Score.optional(),
      test_coverage: z.union([z.string(), z.number()]).optional(),
      performance_concerns: TextList,
      security_issues: TextList,
      required_changes: TextList,
      optional_improvements: TextList,
    })
    .default({
      performance_concerns: [],
      security_issues: [],
      required_changes: [],
      optional_improvements: [],
    }),
});
export type CodeReview = z.infer<typeof CodeReviewSchema>;
