import type { EventBody, StoredEvent, TokenUsage } from "../../src/core/events.js";
import type { CodeReview } from "../../src/core/review.js";
import type { Risk, Role, Task } from "../../src/core/task.js";

/**
 * Builds event logs for the tests of the projections over it (ledger, budgets, history):
 * events of any number of tasks in log order, with increasing sequence numbers.
 */
export class EventLogBuilder {
  readonly events: StoredEvent[] = [];

  add(taskId: string, at: number, body: EventBody): this {
    this.events.push({ seq: this.events.length + 1, taskId, runId: null, at, body });
    return this;
  }

  task(
    id: string,
    at: number,
    fields: { area: string; risk: Risk; budgetUsd?: number } = { area: "core", risk: "medium" },
  ): this {
    const task: Task = {
      id,
      goal: `goal of ${id}`,
      repoPath: "/repo",
      repo: ".",
      contextFiles: [],
      constraints: [],
      priority: 0,
      dependsOn: [],
      timeoutMs: 1000,
      ...fields,
    };
    return this.add(id, at, { type: "task.registered", task });
  }

  call(
    taskId: string,
    at: number,
    call: {
      role: Role;
      model: string;
      costUsd: number;
      usage?: Partial<TokenUsage>;
      stepId?: string;
      attempt?: number;
      durationMs?: number;
    },
  ): this {
    return this.add(taskId, at, {
      type: "model.call",
      role: call.role,
      model: call.model,
      provider: "scripted",
      modelId: call.model,
      family: call.model.startsWith("claude") ? "anthropic" : "google",
      ...(call.stepId === undefined ? {} : { stepId: call.stepId }),
      ...(call.attempt === undefined ? {} : { attempt: call.attempt }),
      prompt: "",
      response: "",
      usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, ...call.usage },
      costUsd: call.costUsd,
      durationMs: call.durationMs ?? 0,
      ok: true,
    });
  }
}

/** A code review with the given verdict; one required change unless approved. */
export const codeReview = (status: CodeReview["status"]): CodeReview => ({
  status,
  review: {
    performance_concerns: [],
    security_issues: [],
    required_changes: status === "approved" ? [] : ["fix it"],
    optional_improvements: [],
  },
});
