import type { ModelSpec } from "../core/project-config.js";
import type { RouteRequest } from "../routing/index.js";
import { nextOnLadder, routeByRules, routeLearned, seededRng } from "../routing/index.js";
import type { RunContext } from "./step-context.js";

/** A stable seed from the decision's coordinates, so a replayed decision comes out the same. */
function seedOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * The model for an author role (planner, implementer): a rung up the escalation ladder after a
 * failed attempt when a ladder is configured; else the learned policy when `strategy: learned`;
 * else the rules. Reviewers always go through the rules (with the author's family excluded).
 */
export function chooseAuthor(
  ctx: RunContext,
  req: RouteRequest,
  options: { readonly attempt: number; readonly previous?: ModelSpec | undefined },
): { model: ModelSpec; reason: string } {
  const { models } = ctx.deps.config;
  const ladder = models.routing.ladder;
  if (ladder !== undefined && options.previous !== undefined && options.attempt > 1) {
    const step = nextOnLadder(models, ladder, options.previous, req);
    return { model: step.model, reason: step.reason };
  }
  if (ctx.history !== undefined) {
    const rng = seededRng(
      seedOf(`${ctx.task.id}/${req.role}/${req.stepType ?? ""}/${options.attempt}`),
    );
    const decision = routeLearned(models, ctx.history, req, { rng });
    return { model: decision.model, reason: `${decision.reason} [${decision.mode}]` };
  }
  return routeByRules(models, req);
}
