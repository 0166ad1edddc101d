import type { EventBody, StoredEvent } from "../core/events.js";
import type { EventListener } from "../core/event-listener.js";
import type { Store } from "../core/ports.js";
import { applyEvent, projectTask } from "../core/projection.js";
import type { TaskView } from "../core/projection.js";
import { transition } from "../core/state-machine.js";
import type { TaskEvent } from "../core/state-machine.js";

/**
 * Events whose loss in an OS crash or power failure costs only free work that a resumed run
 * does again: they are committed without a sync of their own, and the next synced write (a
 * `model.call`, an `effect.started`, a stop for a human) makes them durable with it. A killed
 * process loses none of them. Everything not listed here is synced when it is written.
 */
const UNSYNCED_EVENTS: ReadonlySet<EventBody["type"]> = new Set([
  "routing.decision",
  "step.attempt",
  "memory.recalled",
  "plan.recorded",
  "plan.reviewed",
  "implementation.recorded",
  "code.reviewed",
  "gate.baseline",
  "gate.finished",
  "step.committed",
  "effect.finished",
]);

/** Transitions that lead to more automatic work (not to a stop, a wait or an end). */
const UNSYNCED_TRANSITIONS: ReadonlySet<TaskEvent["type"]> = new Set([
  "START_PLANNING",
  "PLAN_READY",
  "PLAN_REVISION_REQUESTED",
  "PLAN_APPROVED",
  "START_STEP",
  "IMPLEMENTATION_READY",
  "CHANGES_REQUESTED",
  "CODE_APPROVED",
  "GATE_PASSED",
  "GATE_FAILED",
]);

/** Whether a batch can be committed without its own sync (see {@link UNSYNCED_EVENTS}). */
export function needsSync(bodies: readonly EventBody[]): boolean {
  return bodies.some((body) =>
    body.type === "transition"
      ? !UNSYNCED_TRANSITIONS.has(body.event.type)
      : !UNSYNCED_EVENTS.has(body.type),
  );
}

/**
 * Records a task's events durably and keeps its projected view current. Every change of the
 * task's state goes through here, so the log and the view cannot disagree.
 */
export class TaskRecorder {
  private constructor(
    private readonly store: Store,
    readonly taskId: string,
    readonly runId: string | null,
    readonly view: TaskView,
    private readonly log: StoredEvent[],
    private readonly listener: EventListener | undefined,
  ) {}

  /** The task's events so far, in log order. */
  get events(): readonly StoredEvent[] {
    return this.log;
  }

  /** Loads the task's events and projects its current view. */
  static async open(
    store: Store,
    taskId: string,
    runId: string | null,
    listener?: EventListener,
  ): Promise<TaskRecorder> {
    const log = await store.events(taskId);
    return new TaskRecorder(store, taskId, runId, projectTask(taskId, log), log, listener);
  }

  /**
   * Appends one event and applies it to the view; durable before returning unless its loss
   * would only repeat free work ({@link needsSync}).
   */
  async record(body: EventBody): Promise<StoredEvent> {
    const [event] = await this.store.appendAll(this.taskId, this.runId, [body], {
      sync: needsSync([body]),
    });
    if (event === undefined) throw new Error("TaskRecorder.record: the store returned no event");
    this.apply(event);
    return event;
  }

  /**
   * Appends events that belong to one durable point in one transaction (at most one sync): after
   * a crash all of them are in the log or none is. Only for events recorded back to back, with no
   * side effect between them that the log must know about first.
   */
  async recordAll(bodies: readonly EventBody[]): Promise<void> {
    const sync = needsSync(bodies);
    for (const event of await this.store.appendAll(this.taskId, this.runId, bodies, { sync })) {
      this.apply(event);
    }
  }

  /**
   * Applies a state-machine event: checked by the pure transition function, then recorded —
   * together with `results`, the events (not transitions) that lead to it, in one transaction.
   */
  async transition(event: TaskEvent, results: readonly EventBody[] = []): Promise<void> {
    if (results.some((body) => body.type === "transition")) {
      throw new Error("TaskRecorder.transition: results must not hold a transition");
    }
    const from = this.view.status;
    const to = transition(from, event);
    await this.recordAll([...results, { type: "transition", event, from, to }]);
  }

  private apply(event: StoredEvent): void {
    this.log.push(event);
    applyEvent(this.view, event);
    this.listener?.(event, this.view);
  }

  /**
   * The last recorded event of a type that satisfies `where`, scanning back only to the last
   * transition into the current state, so a result recorded before a crash is found and reused.
   */
  findSinceStateEntry<T extends EventBody["type"]>(
    type: T,
    where: (body: Extract<EventBody, { type: T }>) => boolean = () => true,
  ): Extract<EventBody, { type: T }> | undefined {
    for (let i = this.log.length - 1; i >= 0; i--) {
      const body = this.log[i]?.body;
      if (body === undefined || body.type === "transition") return undefined;
      if (body.type === type) {
        const typed = body as Extract<EventBody, { type: T }>;
        if (where(typed)) return typed;
      }
    }
    return undefined;
  }

  /** Like {@link findSinceStateEntry}, but looks back to the start of the given step. */
  findSinceStepStart<T extends EventBody["type"]>(
    stepId: string,
    type: T,
    where: (body: Extract<EventBody, { type: T }>) => boolean = () => true,
  ): Extract<EventBody, { type: T }> | undefined {
    for (let i = this.log.length - 1; i >= 0; i--) {
      const body = this.log[i]?.body;
      if (body === undefined) return undefined;
      if (body.type === "transition" && body.event.type === "START_STEP") {
        if (body.event.stepId === stepId) return undefined;
      }
      if (body.type === type) {
        const typed = body as Extract<EventBody, { type: T }>;
        if (where(typed)) return typed;
      }
    }
    return undefined;
  }

  /**
   * Every recorded event of a type that satisfies `where` since the last transition into the
   * current state, in log order (e.g. the reviews of a step by several reviewers).
   */
  allSinceStateEntry<T extends EventBody["type"]>(
    type: T,
    where: (body: Extract<EventBody, { type: T }>) => boolean = () => true,
  ): Extract<EventBody, { type: T }>[] {
    const found: Extract<EventBody, { type: T }>[] = [];
    for (let i = this.log.length - 1; i >= 0; i--) {
      const body = this.log[i]?.body;
      if (body === undefined || body.type === "transition") break;
      if (body.type === type) {
        const typed = body as Extract<EventBody, { type: T }>;
        if (where(typed)) found.unshift(typed);
      }
    }
    return found;
  }

  /** Like {@link allSinceStateEntry}, but looks back to the start of the given step. */
  allSinceStepStart<T extends EventBody["type"]>(
    stepId: string,
    type: T,
    where: (body: Extract<EventBody, { type: T }>) => boolean = () => true,
  ): Extract<EventBody, { type: T }>[] {
    const found: Extract<EventBody, { type: T }>[] = [];
    for (let i = this.log.length - 1; i >= 0; i--) {
      const body = this.log[i]?.body;
      if (body === undefined) break;
      if (body.type === "transition" && body.event.type === "START_STEP") {
        if (body.event.stepId === stepId) break;
      }
      if (body.type === type) {
        const typed = body as Extract<EventBody, { type: T }>;
        if (where(typed)) found.unshift(typed);
      }
    }
    return found;
  }

  /** The state-machine event that led to the current state, if any. */
  lastTransition(): Extract<EventBody, { type: "transition" }> | undefined {
    for (let i = this.log.length - 1; i >= 0; i--) {
      const body = this.log[i]?.body;
      if (body?.type === "transition") return body;
    }
    return undefined;
  }
}
