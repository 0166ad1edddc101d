/**
 * The quality gate: the configured checks of a level run in a worktree, their failures
 * condensed into feedback for the implementer.
 */
export { runGate, type GateInput, type GateResult } from "./run-gate.js";
export { condenseOutput } from "./condense.js";
export { resolveBundledEslint } from "./eslint-bin.js";
