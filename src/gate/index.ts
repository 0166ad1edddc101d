/**
 * The quality gate: the configured checks of a level run in a worktree, compared with a baseline
 * of the base commit, their failures condensed into feedback for the implementer.
 */
export {
  runGate,
  checksOf,
  type GateInput,
  type LevelOutcome,
  type GateComparison,
} from "./run-level-checks.js";
export { runGateAgainstBase, type GateRunRequest, type BaseOutcome } from "./run-against-base.js";
export { ensureBaseline, qualityConfigHash, baselineFile, type Baseline } from "./baseline.js";
export { chooseLevel, taskLevel, isDocFile, type LevelInput, type LevelChoice } from "./levels.js";
export { describeChange, type WorkingChange } from "./change.js";
export { withDetachedWorktree, copyWorkingState, ensureCacheDir } from "./gate-worktree.js";
export { compareCheck, type CheckRunData, type CompareContext } from "./compare-check.js";
export { formatFindings } from "./findings-text.js";
export { detectHook, type DetectedHook } from "./hooks.js";
export { condenseOutput } from "./condense.js";
export { resolveBundledEslint } from "./eslint-bin.js";
export { verifyChecks, type CheckTrial, type VerifyRequest } from "./verify-checks.js";
export { createGatePort } from "./create-gate-port.js";
export {
  gateWorkingTree,
  defaultGateBase,
  commitOf,
  workingTreeGateLogDir,
  type GateBase,
  type WorkingTreeGateRequest,
} from "./working-tree-gate.js";
