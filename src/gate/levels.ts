import type { QualityLevel } from "../core/project-config.js";
import type { Risk } from "../core/task.js";

/** Over this many changed lines a change is large. */
export const LARGE_CHANGE_LINES = 400;
/** Over this many changed files a change is large. */
export const LARGE_CHANGE_FILES = 20;
/** At most this many changed lines keeps a low-risk change small. */
export const SMALL_CHANGE_LINES = 100;

const ORDER: readonly QualityLevel[] = ["TRIVIAL", "SMALL", "MEDIUM", "LARGE"];

/** What the level of one gate run is chosen from. */
export interface LevelInput {
  /** The task's `quality_level:`, which fixes the level of every step. */
  readonly override?: QualityLevel | undefined;
  /** `default_level` of quality_rules.yaml. */
  readonly defaultLevel: QualityLevel;
  readonly taskRisk: Risk;
  /** The plan step's risk; the task's when there is no step. */
  readonly stepRisk: Risk;
  /** The plan's last step runs the task's full level. */
  readonly isFinal: boolean;
  /** Files the step changed. */
  readonly files: readonly string[];
  /** Lines the step added or removed. */
  readonly changedLines: number;
}

export interface LevelChoice {
  readonly level: QualityLevel;
  /** The rule that chose it, for the event log. */
  readonly reason: string;
}

const DOC_FILE =
  /(?:^|\/)(?:docs?\/.*|[^/]+\.(?:md|mdx|rst|txt|adoc)|LICEN[CS]E[^/]*|CHANGELOG[^/]*)$/i;

/** Whether a path is documentation only (no code, no configuration). */
export function isDocFile(path: string): boolean {
  return DOC_FILE.test(path);
}

/** The higher of two levels. */
export function maxLevel(a: QualityLevel, b: QualityLevel): QualityLevel {
  return ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b;
}

/** The level of the task's final step: `default_level`, or LARGE for a high-risk task. */
export function taskLevel(
  input: Pick<LevelInput, "override" | "defaultLevel" | "taskRisk">,
): QualityLevel {
  if (input.override !== undefined) return input.override;
  return input.taskRisk === "high" ? "LARGE" : input.defaultLevel;
}

/**
 * Chooses the gate level of one step, by the first rule that applies (docs/GATE.md, "Levels"):
 * the task's override; the final step's full level; docs-only → TRIVIAL; high risk or a large
 * change → LARGE; low risk and a small change → SMALL; else `default_level`.
 */
export function chooseLevel(input: LevelInput): LevelChoice {
  if (input.override !== undefined) {
    return { level: input.override, reason: `the task sets quality_level ${input.override}` };
  }
  const byChange = levelOfChange(input);
  if (!input.isFinal) return byChange;
  const full = taskLevel(input);
  if (maxLevel(full, byChange.level) === byChange.level && byChange.level !== full) {
    return { level: byChange.level, reason: `final step; ${byChange.reason}` };
  }
  return {
    level: full,
    reason:
      input.taskRisk === "high"
        ? "final step of a high-risk task: LARGE"
        : `final step: the task's full level (default_level ${full})`,
  };
}

function levelOfChange(input: LevelInput): LevelChoice {
  if (input.files.every(isDocFile)) {
    return {
      level: "TRIVIAL",
      reason: input.files.length === 0 ? "no files changed" : "documentation-only change",
    };
  }
  const size = `${input.changedLines} lines in ${input.files.length} files`;
  if (input.stepRisk === "high") return { level: "LARGE", reason: `high-risk step (${size})` };
  if (input.changedLines > LARGE_CHANGE_LINES || input.files.length > LARGE_CHANGE_FILES) {
    return { level: "LARGE", reason: `large change (${size})` };
  }
  if (input.stepRisk === "low" && input.changedLines <= SMALL_CHANGE_LINES) {
    return { level: "SMALL", reason: `low-risk small change (${size})` };
  }
  return { level: input.defaultLevel, reason: `default_level (${input.stepRisk} risk, ${size})` };
}
