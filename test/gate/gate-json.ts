import { z } from "zod";
import type { CliResult } from "../support/cli.js";

// What `orchestrator gate --json` prints (docs/GATE.md, "orchestrator gate"): only the fields
// the acceptance tests read are required; everything else passes through unchecked.

const TestFindingSchema = z.looseObject({
  suite: z.string(),
  name: z.string(),
  before: z.string().nullish(),
  after: z.string().nullish(),
  message: z.string().nullish(),
  location: z.string().nullish(),
});
/** A test the tests check names: a regression or a new failure. */
export type TestFinding = z.output<typeof TestFindingSchema>;

const WarningFindingSchema = z.looseObject({
  file: z.string(),
  line: z.number(),
  rule: z.string(),
  message: z.string(),
  isNew: z.boolean(),
});
/** A warning the lint check names. */
export type WarningFinding = z.output<typeof WarningFindingSchema>;

const FindingsSchema = z.looseObject({
  tests: z
    .looseObject({
      regressions: z.array(TestFindingSchema),
      newFailures: z.array(TestFindingSchema),
    })
    .nullish(),
  warnings: z
    .looseObject({
      policy: z.string(),
      blocking: z.array(WarningFindingSchema),
      newCount: z.number(),
    })
    .nullish(),
  coverage: z
    .looseObject({
      baselinePct: z.number().nullish(),
      currentPct: z.number().nullish(),
      dropPct: z.number().nullish(),
      tolerancePct: z.number().nullish(),
    })
    .nullish(),
});

export const GateCheckJsonSchema = z.looseObject({
  name: z.string(),
  kind: z.string(),
  passed: z.boolean(),
  exitCode: z.number().nullable(),
  durationMs: z.number(),
  mode: z.string().nullish(),
  summary: z.string(),
  logFile: z.string(),
  findings: FindingsSchema.nullish(),
});
export type GateCheckJson = z.output<typeof GateCheckJsonSchema>;

export const GateJsonSchema = z.looseObject({
  passed: z.boolean(),
  level: z.string(),
  base: z.string(),
  breaking: z.boolean(),
  checks: z.array(GateCheckJsonSchema),
  feedback: z.string(),
});
export type GateJson = z.output<typeof GateJsonSchema>;

/** The JSON object a gate run printed; throws with the whole output when there is none. */
export function parseGateJson(cli: CliResult): GateJson {
  const text = cli.stdout.trim();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `orchestrator gate --json printed no JSON (exit ${cli.code})\nstdout:\n${cli.stdout}\nstderr:\n${cli.stderr}`,
      { cause: error },
    );
  }
  const parsed = GateJsonSchema.safeParse(value);
  if (!parsed.success) {
    throw new Error(
      `orchestrator gate --json printed an unexpected shape: ${z.prettifyError(parsed.error)}\n${text}`,
    );
  }
  return parsed.data;
}

/** The check named `name`; throws when the run had none. */
export function checkOf(gate: GateJson, name: string): GateCheckJson {
  const check = gate.checks.find((c) => c.name === name);
  if (!check) {
    throw new Error(`no check ${name} in ${gate.checks.map((c) => c.name).join(", ")}`);
  }
  return check;
}

/** `name:PASS|FAIL` of every check, for readable assertions. */
export function verdicts(gate: GateJson): string[] {
  return gate.checks.map((c) => `${c.name}:${c.passed ? "PASS" : "FAIL"}`);
}
