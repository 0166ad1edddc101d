import type { Command } from "commander";
import { createInterface } from "node:readline/promises";
import { UserError } from "../../core/errors.js";
import type { TaskView } from "../../core/projection.js";
import type { HumanDecision } from "../../core/state-machine.js";
import { decideOnTask } from "../../engine/human-decision.js";
import { TaskRecorder } from "../../engine/task-recorder.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { findRepoRoot, outputFor } from "../context.js";
import { hasStateAt, locateState, openStore } from "../state-store.js";
import type { Output } from "../output.js";
import { rememberTask } from "../../memory/index.js";
import { openProject } from "../project.js";
import type { OpenProject } from "../project.js";

interface ReviewOptions extends GlobalOptions {
  readonly approve?: boolean;
  readonly retry?: boolean;
  readonly feedback?: string;
  readonly skipStep?: boolean;
  readonly abort?: boolean;
}

function chosenDecision(o: ReviewOptions): HumanDecision | undefined {
  const chosen: HumanDecision[] = [];
  if (o.approve) chosen.push("approve");
  if (o.retry) chosen.push("retry");
  if (o.skipStep) chosen.push("skip_step");
  if (o.abort) chosen.push("abort");
  if (chosen.length > 1)
    throw new UserError("give only one of --approve, --retry, --skip-step, --abort");
  if (o.feedback !== undefined && !o.retry) throw new UserError("--feedback goes with --retry");
  return chosen[0];
}

function findings(view: TaskView): string {
  const scope = view.escalation?.scope ?? "plan";
  return (scope === "plan" ? view.planFeedback : view.pendingFeedback) ?? "";
}

function printAwaiting(out: Output, view: TaskView): void {
  const c = out.color;
  const e = view.escalation;
  const step =
    e?.scope === "step" && view.currentStepId !== undefined ? ` (${view.currentStepId})` : "";
  out.out(`${c.bold(view.taskId)}${step}: ${c.yellow(e?.reason ?? "unknown")}`);
  out.out(`  ${e?.detail ?? ""}`);
  const text = findings(view);
  if (text) for (const line of text.split("\n").slice(0, 15)) out.out(`  | ${line}`);
  out.out("  Options:");
  out.out(
    `    1. Approve current ${e?.scope === "step" ? "implementation" : "plan"}   (--approve)`,
  );
  out.out('    2. Provide feedback and retry  (--retry --feedback "...")');
  if (e?.scope === "step") out.out("    3. Skip this step              (--skip-step)");
  out.out("    4. Abort task                  (--abort)");
}

async function ask(
  ctx: CliContext,
  out: Output,
  view: TaskView,
): Promise<{ decision: HumanDecision; feedback?: string }> {
  printAwaiting(out, view);
  const rl = createInterface({ input: process.stdin, output: ctx.stdout });
  try {
    const answer = (await rl.question("Choose 1-4: ")).trim();
    const decision = ({ "1": "approve", "2": "retry", "3": "skip_step", "4": "abort" } as const)[
      answer
    ];
    if (decision === undefined) throw new UserError(`expected 1, 2, 3 or 4, got "${answer}"`);
    if (decision !== "retry") return { decision };
    const feedback = (await rl.question("Feedback for the next attempt: ")).trim();
    return feedback ? { decision, feedback } : { decision };
  } finally {
    rl.close();
  }
}

/** Records a human decision on a task awaiting review (and rolls back on abort). */
export async function decide(
  project: OpenProject,
  taskId: string,
  decision: HumanDecision,
  feedback?: string,
): Promise<TaskView> {
  const view = await decideOnTask(
    { engine: project.engine(), store: project.store, tasks: project.config.tasks },
    taskId,
    decision,
    feedback,
  );
  // The human's decision is a lesson in itself, remembered at once.
  await rememberTask(project.store, project.memory, taskId, null, Date.now());
  return view;
}

/** Tasks awaiting a human; reads the state database only if there is one (creates nothing). */
async function awaitingReview(repoRoot: string, env: NodeJS.ProcessEnv): Promise<TaskView[]> {
  const state = await locateState(repoRoot, env);
  if (!hasStateAt(state)) return [];
  const store = await openStore(state, { mustExist: true });
  try {
    const waiting: TaskView[] = [];
    for (const t of await store.listTasks()) {
      const view = (await TaskRecorder.open(store, t.id, null)).view;
      if (view.status === "AWAITING_HUMAN_REVIEW") waiting.push(view);
    }
    return waiting;
  } finally {
    await store.close();
  }
}

function printWaiting(out: Output, waiting: readonly TaskView[]): void {
  if (out.json)
    out.emit(
      waiting.map((v) => ({
        task: v.taskId,
        step: v.currentStepId ?? null,
        ...v.escalation,
        findings: findings(v),
      })),
    );
  else if (waiting.length === 0) out.out("no task is awaiting human review");
  else {
    out.out("AWAITING HUMAN REVIEW:");
    for (const v of waiting) printAwaiting(out, v);
  }
}

export function registerReview(program: Command, ctx: CliContext): void {
  program
    .command("review")
    .description("list tasks awaiting a human, or decide on one")
    .argument("[task]", "the task to decide on")
    .option("--approve", "accept the current plan or implementation")
    .option("--retry", "try again (with --feedback for the model)")
    .option("--feedback <text>", "what to tell the model on retry")
    .option("--skip-step", "skip the current step")
    .option("--abort", "abort the task (removes its worktree; the branch stays)")
    .option("--json", "print JSON")
    .action(async (taskId: string | undefined, options: ReviewOptions) => {
      const global = program.opts<GlobalOptions>();
      const out = outputFor(ctx, options);
      let decision = chosenDecision(options);
      let feedback = options.feedback;
      const repoRoot = await findRepoRoot(ctx, global.repo);
      if (taskId === undefined) {
        if (decision !== undefined) throw new UserError("name the task to decide on");
        printWaiting(out, await awaitingReview(repoRoot, ctx.env));
        return;
      }
      const project = await openProject(repoRoot, ctx.env, { requireTasks: false });
      try {
        if (decision === undefined) {
          if (!out.interactive || !process.stdin.isTTY) {
            throw new UserError(
              "give one of --approve, --retry, --skip-step, --abort (no terminal to ask on)",
            );
          }
          const view = (await TaskRecorder.open(project.store, taskId, null)).view;
          if (view.status !== "AWAITING_HUMAN_REVIEW")
            throw new UserError(`task ${taskId} is ${view.status}, not AWAITING_HUMAN_REVIEW`);
          ({ decision, feedback } = await ask(ctx, out, view));
        }
        const view = await decide(project, taskId, decision, feedback);
        if (out.json) out.emit({ task: taskId, decision, state: view.status });
        else {
          out.out(`${taskId}: ${decision} recorded; now ${view.status}`);
          if (view.status !== "ABORTED") out.out(`continue with: orchestrator resume ${taskId}`);
        }
      } finally {
        await project.close();
      }
    });

  program
    .command("abort")
    .description("abort a task: stop it for good and remove its worktree (its branch stays)")
    .argument("<task>", "task id")
    .option("--json", "print JSON")
    .action(async (taskId: string, options: GlobalOptions) => {
      const global = program.opts<GlobalOptions>();
      const out = outputFor(ctx, options);
      const project = await openProject(await findRepoRoot(ctx, global.repo), ctx.env, {
        requireTasks: false,
      });
      try {
        const task =
          project.config.tasks.find((t) => t.id === taskId) ??
          (await project.store.getTask(taskId));
        if (!task) throw new UserError(`unknown task "${taskId}"`);
        const view = await project.engine().abortTask(task, "aborted by the user");
        if (out.json) out.emit({ task: taskId, state: view.status });
        else out.out(`${taskId}: ABORTED; worktree removed, branch orchestrator/${taskId} kept`);
      } finally {
        await project.close();
      }
    });
}
