import type { ModelRequest } from "../core/ports.js";
import type { ModelSpec } from "../core/project-config.js";
import type { TaskRecorder } from "./task-recorder.js";

/** How often a running model call says it is still running (and after how long it first does). */
export const DEFAULT_HEARTBEAT_MS = 15_000;

/** Stops a heartbeat; resolves once a heartbeat being recorded is in the log. */
export type StopHeartbeat = () => Promise<void>;

/**
 * Records a `model.heartbeat` event every `intervalMs` while a call runs, the first after
 * `intervalMs`: the terminal, the JSON stream and the progress board show that a long call is
 * alive (model, role, elapsed, timeout). A call that ends sooner records none.
 */
export function startHeartbeat(
  recorder: TaskRecorder,
  spec: ModelSpec,
  request: ModelRequest,
  intervalMs: number = DEFAULT_HEARTBEAT_MS,
): StopHeartbeat {
  if (!(intervalMs > 0)) return () => Promise.resolve();
  const started = performance.now();
  // Heartbeats are recorded one after another, and the call's own event only after the last.
  let pending: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const timer = setInterval(() => {
    pending = pending.then(async () => {
      if (stopped) return;
      await recorder.record({
        type: "model.heartbeat",
        role: request.role,
        model: spec.name,
        ...(request.stepId === undefined ? {} : { stepId: request.stepId }),
        ...(request.attempt === undefined ? {} : { attempt: request.attempt }),
        elapsedMs: Math.round(performance.now() - started),
        timeoutMs: Math.max(0, Math.round(spec.timeoutMs)),
      });
    });
    // A heartbeat that cannot be recorded must not fail the call it reports on.
    pending = pending.catch(() => undefined);
  }, intervalMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await pending;
  };
}
