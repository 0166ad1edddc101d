import type { ModelSpec } from "../core/project-config.js";
import type { RouteRequest, Rng, RoutingHistory } from "../routing/index.js";
import {
  nextOnLadder,
  routeByRules,
  routeLearned,
  routingHistory,
  seededRng,
} from "../routing/index.js";
import type { RunContext } from "./step-context.js";

/** A stable seed from the decision's coordinates, so a replayed decision comes out the same. */
function seedOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** The learned router's randomness for one decision, seeded by where it is made. */
function decisionRng(ctx: RunContext, req: RouteRequest, attempt: number): Rng {
  return seededRng(seedOf(`${ctx.task.id}/${req.role}/${req.stepType ?? ""}/${attempt}`));
}

/**
 * What the learned policy learns from: the other tasks' outcomes as they were when this task
 * started, and this task's own up to now. A retry thus knows that the attempt before it
 * failed, instead of trusting the failed model on its record from before the task.
 */
function historyNow(ctx: RunContext): RoutingHistory | undefined {
  return ctx.history?.plus(routingHistory(ctx.recorder.events));
}

/**
 * The code reviewer of a change: with `strategy: learned`, the learned policy's choice (the
 * cheapest model of another family whose reviews have proved reliable in the situation, else
 * the rules' reviewer); else the rules. The bench simulates this same function.
 */
export function chooseCodeReviewer(
  ctx: RunContext,
  req: RouteRequest,
  attempt: number,
): { model: ModelSpec; reason: string } {
  const { models } = ctx.deps.config;
  const history = historyNow(ctx);
  if (history !== undefined) {
    const decision = routeLearned(models, history, req, {
      ...models.routing.learned,
      rng: decisionRng(ctx, req, attempt),
    });
    return { model: decision.model, reason: `${decision.reason} [${decision.mode}]` };
  }
  return routeByRules(models, req);
}

/**
 * The model for an author role (planner, implementer): with `strategy: learned`, the learned
 * policy for every attempt (a retry climbs the ladder only when nothing is trusted); else a
 * rung up the escalation ladder after a failed attempt when a ladder is configured; else the
 * rules. Plan reviewers go through the rules, code reviewers through
 * {@link chooseCodeReviewer}; either way of another family than the author.
 */
export function chooseAuthor(
  ctx: RunContext,
  req: RouteRequest,
  options: { readonly attempt: number; readonly previous?: ModelSpec | undefined },
): { model: ModelSpec; reason: string } {
  const { models } = ctx.deps.config;
  const history = historyNow(ctx);
  if (history !== undefined) {
    const decision = routeLearned(models, history, req, {
      ...models.routing.learned,
      rng: decisionRng(ctx, req, options.attempt),
      // The step's success is judged within the attempts it has left, this one included.
      attempts: Math.max(1, ctx.deps.config.quality.maxAttempts - options.attempt + 1),
      // A retry is decided from the history, which holds the failed attempt; the ladder is
      // climbed only when nothing is trusted.
      previous: options.attempt > 1 ? options.previous : undefined,
    });
    return { model: decision.model, reason: `${decision.reason} [${decision.mode}]` };
  }
  const ladder = models.routing.ladder;
  if (ladder !== undefined && options.previous !== undefined && options.attempt > 1) {
    const step = nextOnLadder(models, ladder, options.previous, req);
    return { model: step.model, reason: step.reason };
  }
  return routeByRules(models, req);
}
