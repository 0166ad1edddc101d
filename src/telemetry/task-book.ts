import type { StoredEvent } from "../core/events.js";
import type { TaskInfo } from "./types.js";

const UNKNOWN: TaskInfo = { area: "unknown", risk: "unknown" };

/**
 * Area and risk per task, for span attributes and metric labels: from the `task.registered`
 * event when this process recorded it, else from the caller's lookup (resumed tasks).
 */
export class TaskBook {
  private readonly known = new Map<string, TaskInfo>();

  constructor(private readonly describe?: (taskId: string) => TaskInfo | undefined) {}

  note(event: StoredEvent): void {
    if (event.body.type === "task.registered") {
      const { area, risk } = event.body.task;
      this.known.set(event.taskId, { area, risk });
    }
  }

  get(taskId: string): TaskInfo {
    let info = this.known.get(taskId);
    if (info === undefined) {
      info = this.describe?.(taskId);
      if (info !== undefined) this.known.set(taskId, info);
    }
    return info ?? UNKNOWN;
  }
}
