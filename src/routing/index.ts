export { routeByRules } from "./rule-router.js";
export type { RouteDecision, RouteRequest } from "./rule-router.js";
export * from "./learned.js";
