export { createDashboardApp } from "./dashboard-app.js";
export type { DashboardActions, DashboardDeps } from "./dashboard-app.js";
export { startDashboard, UI_DIR } from "./start-dashboard.js";
export type { DashboardOptions, RunningDashboard } from "./start-dashboard.js";
export { isLoopback } from "./auth.js";
export type * from "./api-types.js";
