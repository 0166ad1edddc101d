export { renderRunLog } from "./render-run-log.js";
export type { RunLogInput, RunLogTask } from "./render-run-log.js";
export { foldTaskHistory, totalsOf } from "./task-history.js";
export type { TaskHistory } from "./task-history.js";
