import type { StoredEvent } from "./events.js";
import type { TaskView } from "./projection.js";

/** Receives every event as it is recorded: the progress display, `--json` output, telemetry. */
export type EventListener = (event: StoredEvent, view: TaskView) => void;
