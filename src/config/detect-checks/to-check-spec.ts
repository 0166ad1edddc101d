import type { CheckSpec } from "../../core/project-config.js";
import { parseDuration } from "../duration.js";
import type { DetectedCheck } from "./types.js";

const DEFAULT_TIMEOUT_MS = 10 * 60_000;

/** A detected check as the gate runs it, the same as it will load from quality_rules.yaml. */
export function toCheckSpec(check: DetectedCheck): CheckSpec {
  return {
    name: check.name,
    kind: check.kind,
    command: check.command ?? [],
    timeoutMs:
      (check.timeout === undefined ? undefined : parseDuration(check.timeout)) ??
      DEFAULT_TIMEOUT_MS,
    env: check.env ?? {},
    ...(check.report === undefined ? {} : { reports: [check.report] }),
    ...(check.related === undefined ? {} : { related: check.related }),
  };
}
