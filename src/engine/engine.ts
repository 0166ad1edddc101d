import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { LeaseHeldError, UserError } from "../core/errors.js";
import type { TaskView } from "../core/projection.js";
import { TERMINAL_STATES } from "../core/state-machine.js";
import type { HumanDecision, TaskState } from "../core/state-machine.js";
import type { Task } from "../core/task.js";
import type { ModelProvider } from "../core/ports.js";
import type { ModelSpec } from "../core/project-config.js";
import { DEFAULT_RESILIENCE } from "../core/project-config.js";
import { ModelResilience, systemResilienceIo } from "../providers/resilience/index.js";
import { limitConcurrency } from "../providers/concurrency-limit.js";
import { handleCodeReview } from "./code-review.js";
import { handleImplementing } from "./implementing.js";
import { handlePlanning, handlePlanReview } from "./planning.js";
import type { EngineDeps } from "./engine-deps.js";
import { handleQualityGate, startBaselinePrewarm } from "./quality-gate.js";
import type { RunContext } from "./step-context.js";
import { handleStepBoundary } from "./step-complete.js";
import { allEvents } from "./all-events.js";
import { BudgetExceededError, openTaskBudget } from "./task-budget.js";
import { TaskRecorder } from "./task-recorder.js";
import { routingHistory } from "../routing/index.js";
import { acquireTaskLease, ownerIsDead } from "./lease-owner.js";
import { stopLeftoverChildren, storeChildTracker } from "./child-processes.js";
import { describeMissing, missingStepCommits, verifyWorkspace } from "./verify-workspace.js";
export { processOwner } from "./lease-owner.js";

const DEFAULT_LEASE_TTL_MS = 60_000;

/** How one `runTask` call ended. */
export interface TaskOutcome {
  readonly taskId: string;
  readonly status: TaskState;
  readonly view: TaskView;
  /** True when the run stopped because it was interrupted (the task can be resumed). */
  readonly interrupted: boolean;
}

/** How to run a task beyond its definition. */
export interface RunTaskOptions {
  /** Branches of the task's dependencies (all DONE) that its branch builds on. */
  readonly dependencies?: readonly { readonly taskId: string; readonly branch: string }[];
}

type Handler = (ctx: RunContext) => Promise<void>;

const HANDLERS: Partial<Record<TaskState, Handler>> = {
  PLANNING: handlePlanning,
  PLAN_REVIEW: handlePlanReview,
  PLANNED: handleStepBoundary,
  IMPLEMENTING: handleImplementing,
  CODE_REVIEW: handleCodeReview,
  QUALITY_GATE: handleQualityGate,
  STEP_COMPLETE: handleStepBoundary,
};

/**
 * Drives tasks through the state machine. It is the only place with side effects; each is
 * recorded before and after, so `resume` after a crash continues from the last durable point.
 */
export class Engine {
  private readonly providers = new Map<string, ModelProvider>();
  /** Retries, fallback and cooldowns of model calls, shared by the tasks this engine runs. */
  private readonly resilience: ModelResilience;

  constructor(private readonly deps: EngineDeps) {
    this.resilience = new ModelResilience(deps.config.models.resilience ?? DEFAULT_RESILIENCE, {
      ...systemResilienceIo,
      clock: deps.clock,
      ...deps.resilienceIo,
    });
  }

  private providerFor = (spec: ModelSpec): ModelProvider => {
    let provider = this.providers.get(spec.name);
    if (!provider) {
      provider = this.deps.providerFor(spec);
      // One limiter per model for every task this engine runs: the vendor's rate limit.
      if (spec.maxConcurrency !== undefined)
        provider = limitConcurrency(provider, spec.maxConcurrency);
      this.providers.set(spec.name, provider);
    }
    return provider;
  };

  /**
   * Runs one task until it is DONE, awaits a human, fails, or the run is interrupted. With
   * `dependencies` (the DONE dependencies' branches), the task's branch builds on them.
   */
  async runTask(
    task: Task,
    runId: string | null,
    signal?: AbortSignal,
    options: RunTaskOptions = {},
  ): Promise<TaskOutcome> {
    const { store, owner } = this.deps;
    const ttl = this.deps.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    const lease = await acquireTaskLease(store, task.id, owner, ttl);
    if (!lease.ok) throw new LeaseHeldError(task.id, lease.holder);
    const renew = setInterval(() => {
      void store.renewLease(task.id, owner, ttl).catch(() => undefined);
    }, ttl / 3);
    renew.unref();
    try {
      await store.saveTask(task);
      const outcome = await this.drive(task, runId, signal, options);
      // A finished task needs no checkout: its work is on its branch, which stays.
      if (outcome.status === "DONE" && !outcome.interrupted) {
        await this.deps.workspace.removeCheckout(task);
      }
      return outcome;
    } finally {
      clearInterval(renew);
      await store.releaseLease(task.id, owner);
    }
  }

  private async drive(
    task: Task,
    runId: string | null,
    outer: AbortSignal | undefined,
    options: RunTaskOptions,
  ): Promise<TaskOutcome> {
    const recorder = await TaskRecorder.open(this.deps.store, task.id, runId, this.deps.listener);
    const view = recorder.view;
    if (view.updatedAt === undefined) await recorder.record({ type: "task.registered", task });
    // Before anything looks at the worktree: no child of a crashed run may write there again.
    await this.stopLeftovers(task, recorder);
    const outcome = (interrupted: boolean): TaskOutcome => ({
      taskId: task.id,
      status: view.status,
      view,
      interrupted,
    });
    if (TERMINAL_STATES.has(view.status) || view.status === "AWAITING_HUMAN_REVIEW") {
      return outcome(false);
    }
    // A branch that is gone is made again from the base the task recorded, not today's HEAD.
    const recorded = view.workspace?.baseSha;
    const workspace = await this.deps.workspace.ensure(
      recorded === undefined ? task : { ...task, base: recorded },
      options.dependencies,
    );
    if (view.status === "NEW") {
      if (!view.workspace) {
        await recorder.record({
          type: "workspace.created",
          worktree: workspace.worktree,
          branch: workspace.branch,
          baseSha: workspace.baseSha,
        });
      }
      await recorder.transition({ type: "START_PLANNING" });
    }
    const startedAt = view.startedAt ?? this.deps.clock.now();
    const remaining = startedAt + task.timeoutMs - this.deps.clock.now();
    const deadline = AbortSignal.timeout(Math.max(1, remaining));
    const signal = outer ? AbortSignal.any([outer, deadline]) : deadline;
    const runDir = join(this.deps.config.configDir, "runs", runId ?? "manual", task.id);
    // Run artefacts (transcripts, gate logs) are private: folders 0700 (docs/STATE.md).
    await mkdir(runDir, { recursive: true, mode: 0o700 });
    const ctx: RunContext = {
      deps: this.deps,
      task,
      recorder,
      workspace,
      signal,
      runDir,
      providerFor: this.providerFor,
      resilience: { guard: this.resilience, models: this.deps.config.models },
      ...(this.deps.childEnv ? { childEnv: this.deps.childEnv } : {}),
      ...(this.deps.heartbeatMs === undefined ? {} : { heartbeatMs: this.deps.heartbeatMs }),
      trackChildren: (request) =>
        storeChildTracker(this.deps.store, this.deps.clock, {
          taskId: task.id,
          attempt: request.attempt ?? null,
          owner: this.deps.owner,
        }),
      ...(await this.policyState(task)),
    };
    // A resumed run checks the branch and the worktree against the log before trusting them.
    await verifyWorkspace(ctx, workspace.origin);
    // The baseline of the base commit is built while the task plans; the run never outlives it.
    const prewarm = startBaselinePrewarm(ctx);
    try {
      for (;;) {
        const handler = HANDLERS[view.status];
        if (!handler) return outcome(false);
        if (this.deps.clock.now() - startedAt > task.timeoutMs || deadline.aborted) {
          await recorder.transition({
            type: "ESCALATE",
            reason: "timeout",
            detail: `task ran longer than its timeout of ${Math.round(task.timeoutMs / 1000)} s`,
          });
          continue;
        }
        if (outer?.aborted) return outcome(true);
        try {
          await handler(ctx);
        } catch (error) {
          if (isAborted(outer)) return outcome(true);
          if (isAborted(deadline)) continue;
          if (error instanceof BudgetExceededError) {
            await recorder.transition({
              type: "ESCALATE",
              reason: "budget",
              detail: error.message,
            });
            continue;
          }
          throw error;
        }
      }
    } finally {
      await prewarm?.stop();
      // The task left the running state: its CLI sessions end with it (never shared by tasks).
      await this.endTaskSessions(task.id);
    }
  }

  /** Stops what the providers keep for the task (long-lived CLI processes). */
  private async endTaskSessions(taskId: string): Promise<void> {
    await Promise.all(
      [...this.providers.values()].map((provider) =>
        provider.endTask ? provider.endTask(taskId).catch(() => undefined) : Promise.resolve(),
      ),
    );
  }

  /** Stops the process groups dead runs of the task left behind, and notes what it did. */
  private async stopLeftovers(task: Task, recorder: TaskRecorder): Promise<void> {
    const leftovers = await stopLeftoverChildren(this.deps.store, task.id, this.deps.owner);
    for (const { child, outcome } of leftovers) {
      if (outcome === "gone") continue;
      const what = `${child.command} (pid ${String(child.pid)}, attempt ${String(child.attempt ?? "-")})`;
      await recorder.record({
        type: "note",
        level: "warn",
        message:
          outcome === "stopped"
            ? `stopped ${what} left running by a crashed run, before touching the worktree`
            : `${what} of a crashed run on another host (${child.owner}) may still be running`,
      });
    }
  }

  /**
   * The task's budget (checked in the store, shared by every task and process) and, for learned
   * routing, the routing history: every task's events are read only when that needs them.
   */
  private async policyState(task: Task): Promise<Pick<RunContext, "budget" | "history">> {
    const { models } = this.deps.config;
    const learned = models.routing.strategy === "learned";
    const everything = learned ? await allEvents(this.deps.store) : undefined;
    return {
      budget: openTaskBudget(task, this.deps.clock, models.budgets, this.deps.store),
      // Other tasks only: the learned policy adds this task's own events as they come.
      history:
        learned && everything
          ? routingHistory(everything.filter((e) => e.taskId !== task.id))
          : undefined,
    };
  }

  /**
   * Records a human decision on a task awaiting review (the seed's four options). Approve and
   * retry apply to what was escalated: the plan or the current step. Abort also rolls back.
   */
  async decide(task: Task, decision: HumanDecision, feedback?: string): Promise<TaskView> {
    const recorder = await TaskRecorder.open(this.deps.store, task.id, null, this.deps.listener);
    const view = recorder.view;
    if (view.status !== "AWAITING_HUMAN_REVIEW") {
      throw new UserError(`task ${task.id} is ${view.status}, not AWAITING_HUMAN_REVIEW`);
    }
    const scope = view.escalation?.scope ?? "plan";
    if (scope === "plan" && decision === "approve" && !view.plan) {
      throw new UserError(`task ${task.id} has no plan to approve; use --retry or --abort`);
    }
    if (scope === "plan" && decision === "skip_step") {
      throw new UserError(`task ${task.id} is waiting on its plan; there is no step to skip`);
    }
    if (decision === "abort") return this.abortTask(task, "aborted at human review");
    if (decision === "retry") await this.assertCommitsPresent(task, view);
    await recorder.transition({
      type: "HUMAN_DECISION",
      decision,
      scope,
      ...(feedback === undefined ? {} : { feedback: `Human reviewer: ${feedback}` }),
    });
    return recorder.view;
  }

  /**
   * Before a retry: the branch must still hold every step commit recorded as done; a retry on
   * a branch that lost them would build on work that is not there. The worktree is re-created
   * from the branch when its folder is gone.
   */
  private async assertCommitsPresent(task: Task, view: TaskView): Promise<void> {
    if (!view.steps.some((s) => s.status === "committed")) return;
    const recorded = view.workspace?.baseSha;
    const workspace = await this.deps.workspace.ensure(
      recorded === undefined ? task : { ...task, base: recorded },
    );
    const missing = await missingStepCommits(this.deps.workspace, workspace.worktree, view);
    if (missing.length > 0) {
      throw new UserError(
        `cannot retry task ${task.id}: ${describeMissing(workspace.branch, missing)}`,
      );
    }
  }

  /** Records a task as ABORTED and removes its worktree; its branch stays (`run --restart`). */
  async abortTask(task: Task, reason?: string): Promise<TaskView> {
    const holder = await this.deps.store.leaseHolder(task.id);
    if (holder && holder.owner !== this.deps.owner && !ownerIsDead(holder.owner))
      throw new LeaseHeldError(task.id, holder.owner);
    const recorder = await TaskRecorder.open(this.deps.store, task.id, null, this.deps.listener);
    await this.stopLeftovers(task, recorder);
    if (recorder.view.status === "DONE" || recorder.view.status === "ABORTED") {
      if (recorder.view.status === "DONE") {
        throw new UserError(`task ${task.id} is DONE; its branch is kept (delete it with git)`);
      }
    } else {
      await recorder.transition({ type: "ABORT", ...(reason === undefined ? {} : { reason }) });
    }
    await this.deps.workspace.removeCheckout(task);
    return recorder.view;
  }
}

/** A lease owner id for this process. */

/** Whether a signal has fired; a function so that checks after an `await` are not narrowed away. */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}
