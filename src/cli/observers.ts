import { join } from "node:path";
import type { StoredEvent } from "../core/events.js";
import type { TaskView } from "../core/projection.js";
import type { EventListener } from "../core/event-listener.js";
import { systemClock } from "../core/ports.js";
import { allEvents } from "../engine/all-events.js";
import { createNotifier } from "../integrations/notify/index.js";
import type { BatchSummary, Notifier } from "../integrations/notify/index.js";
import { createLogger } from "../logging/index.js";
import { createTelemetry } from "../telemetry/index.js";
import type { CliContext } from "./context.js";
import type { OpenProject } from "./project.js";
import { packageVersion } from "./version.js";

/** What watches a run besides the progress display: traces and metrics, and the JSON log. */
export interface RunObservers {
  /** Telemetry first, so that log lines carry the span of the same event. */
  readonly listener: EventListener;
  /** `TRACEPARENT` and the CLIs' telemetry switches for a task's model processes. */
  readonly childEnv: (taskId: string, providerKind: string) => Record<string, string>;
  /** Tells the webhooks a batch ended (when notifications are configured). */
  batchFinished(summary: BatchSummary): void;
  /** Ends the run's root span, flushes the log, the exporters and notifications (bounded; never throws). */
  finish(status: string): Promise<void>;
}

/** How long the end of a run waits for webhook deliveries still retrying. */
const NOTIFY_FLUSH_MS = 10_000;

/** The webhook notifier, when `notify.webhooks` lists any. */
async function notifierFor(ctx: CliContext, project: OpenProject): Promise<Notifier | undefined> {
  const notify = project.config.models.notify;
  if (!notify || notify.webhooks.length === 0) return undefined;
  return createNotifier({
    notify,
    budgets: project.config.models.budgets,
    store: project.store,
    history: await allEvents(project.store),
    clock: systemClock,
    warn: (message) => ctx.stderr.write(`orchestrator: ${message}\n`),
  });
}

/**
 * Sets up OpenTelemetry (a no-op unless an OTLP endpoint is configured) and the structured log
 * (`.orchestrator/runs/<run>/orchestrator.log` unless `ORCHESTRATOR_LOG_FILE` says otherwise).
 */
export async function startObservers(
  ctx: CliContext,
  project: OpenProject,
  run: { id: string; command: string },
  options: { logLevel?: string | undefined; progress: EventListener },
): Promise<RunObservers> {
  const telemetry = await createTelemetry({
    env: ctx.env,
    serviceVersion: packageVersion(),
    describeTask: (id) => project.config.tasks.find((t) => t.id === id),
    warn: (message) => ctx.stderr.write(`orchestrator: ${message}\n`),
  });
  const logging = createLogger({
    env: ctx.env,
    stderr: ctx.stderr,
    cwd: ctx.cwd,
    level: options.logLevel,
    file:
      ctx.env.ORCHESTRATOR_LOG_FILE ??
      join(project.config.configDir, "runs", run.id, "orchestrator.log"),
    maxAttempts: project.config.quality.maxAttempts,
    traceContext: (taskId) => telemetry.traceContext(taskId),
  });
  const notifier = await notifierFor(ctx, project);
  telemetry.startRun(run.command, run.id);
  return {
    listener: (event: StoredEvent, view: TaskView) => {
      telemetry.listener(event, view);
      logging.listener(event, view);
      options.progress(event, view);
      notifier?.listener(event, view);
    },
    batchFinished: (summary) => notifier?.batchFinished(summary),
    childEnv: (taskId, providerKind) => telemetry.childEnv(taskId, providerKind),
    finish: async (status) => {
      await notifier?.flush(NOTIFY_FLUSH_MS);
      telemetry.endRun(status);
      logging.flush();
      await telemetry.shutdown();
      logging.close();
    },
  };
}
