export { startModelServer } from "./server.js";
export type { ModelServer, Outcome, RecordedRequest } from "./server.js";
export { VENDORS, parseScenario } from "./scenario.js";
export type { Scenario, ScenarioRule, TextMatch, Vendor } from "./scenario.js";
