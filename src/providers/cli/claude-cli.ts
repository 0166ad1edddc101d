import { z } from "zod";
import type { ModelRequest, ProcessResult } from "../../core/ports.js";
import type { ModelSpec } from "../../core/project-config.js";
import { ProviderError } from "../../core/provider-errors.js";
import { normalizeUsage } from "../../costs/usage.js";
import {
  ARGV_PROMPT_LIMIT,
  needsStdin,
  promptWithSystem,
  type CliAnswer,
  type CliDialect,
  type CliInvocation,
} from "./cli-dialect.js";
import { reportedFailure, tryJson, unstructuredFailure, usageOrFailure } from "./cli-failure.js";

/** Tools a Claude Code agent may use without asking, unless `allowed_tools` says otherwise. */
export const CLAUDE_DEFAULT_TOOLS = ["Read", "Write", "Edit", "Glob", "Grep", "Bash"] as const;

/** `claude -p --output-format json`: one result object (also on failure, with exit 1). */
export const ClaudeResultSchema = z.looseObject({
  type: z.literal("result"),
  subtype: z.string(),
  is_error: z.boolean(),
  result: z.string().optional(),
  api_error_status: z.number().int().nullish(),
  total_cost_usd: z.number().nonnegative().optional(),
  num_turns: z.number().int().nonnegative().optional(),
  usage: z.unknown(),
  modelUsage: z
    .record(
      z.string(),
      z.looseObject({
        inputTokens: z.number().nonnegative().default(0),
        outputTokens: z.number().nonnegative().default(0),
      }),
    )
    .optional(),
  permission_denials: z.array(z.unknown()).optional(),
});
export type ClaudeResult = z.infer<typeof ClaudeResultSchema>;

/** The Claude Code result object: all of stdout, or else its last line that is one. */
function findResult(stdout: string): ClaudeResult | undefined {
  const whole = ClaudeResultSchema.safeParse(tryJson(stdout.trim()));
  if (whole.success) return whole.data;
  const lines = stdout.split("\n").filter((l) => l.trim().startsWith("{"));
  for (const line of lines.reverse()) {
    const parsed = ClaudeResultSchema.safeParse(tryJson(line.trim()));
    if (parsed.success) return parsed.data;
  }
  return undefined;
}

/** The model that did most of the work (Claude Code may also call a small model on the side). */
function mainModel(result: ClaudeResult): string | undefined {
  const entries = Object.entries(result.modelUsage ?? {});
  entries.sort((a, b) => b[1].outputTokens - a[1].outputTokens);
  return entries[0]?.[0];
}

/** No auto-update mid-run, and no side calls (session titles, telemetry) billed per task. */
export const CLAUDE_ENV: Readonly<Record<string, string>> = {
  DISABLE_AUTOUPDATER: "1",
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
};

/**
 * The flags that follow the output format, one process per call or in a session: the system
 * prompt (when it fits the argv limit), the role's tools and permissions, the user's `args:`.
 */
export function claudeRoleArgs(
  spec: ModelSpec,
  request: ModelRequest,
  systemFits: boolean,
): string[] {
  const agent = request.mode === "agent";
  const args: string[] = [];
  if (systemFits && request.system.trim() !== "") {
    // Text mode replaces Claude Code's own (tool-centred) system prompt; agent mode keeps it.
    args.push(agent ? "--append-system-prompt" : "--system-prompt", request.system);
  }
  if (agent) {
    args.push("--permission-mode", spec.permissionMode ?? "acceptEdits");
    args.push("--allowedTools", (spec.allowedTools ?? CLAUDE_DEFAULT_TOOLS).join(","));
  } else {
    args.push("--tools", "");
  }
  args.push(...spec.args);
  return args;
}

/** Claude Code (`@anthropic-ai/claude-code`). */
export const claudeCli: CliDialect = {
  kind: "claude-cli",
  defaultBinary: "claude",
  packageName: "@anthropic-ai/claude-code",
  permissionModes: ["acceptEdits", "bypassPermissions", "auto", "dontAsk", "default", "plan"],

  invocation(spec: ModelSpec, request: ModelRequest): CliInvocation {
    const systemFits = Buffer.byteLength(request.system, "utf8") <= ARGV_PROMPT_LIMIT;
    const prompt = systemFits ? request.prompt : promptWithSystem(request);
    const viaStdin = needsStdin(prompt);
    // The prompt comes right after -p: after a variadic option (--tools, --allowedTools) a
    // positional argument would be read as one more value of that option.
    const args: string[] = ["-p", ...(viaStdin ? [] : [prompt])];
    args.push("--output-format", "json", "--model", spec.model);
    args.push(...claudeRoleArgs(spec, request, systemFits));
    return { args, ...(viaStdin ? { input: prompt } : {}), env: CLAUDE_ENV };
  },

  parse(spec: ModelSpec, result: ProcessResult): CliAnswer | ProviderError {
    const binary = spec.binary ?? "claude";
    const found = findResult(result.stdout);
    if (found === undefined) return unstructuredFailure(spec, binary, result, "no result object");
    if (found.is_error) {
      const message = found.result ?? `Claude Code reported ${found.subtype}`;
      // Claude Code reports API errors with subtype "success" and is_error: only other
      // subtypes (error_max_turns, error_during_execution) say something of their own.
      const text = found.subtype === "success" ? message : `${found.subtype}: ${message}`;
      return reportedFailure(spec, result, text, {
        status: found.api_error_status ?? undefined,
        // error_max_turns and error_during_execution: the agent did not finish.
        fallback: "nonzero_exit",
      });
    }
    if (found.result === undefined) {
      return unstructuredFailure(spec, binary, { ...result, exitCode: 0 }, "result has no text");
    }
    const usage = usageOrFailure(spec, binary, { ...result, exitCode: 0 }, () =>
      normalizeUsage("anthropic", found.usage),
    );
    if (usage instanceof ProviderError) return usage;
    const modelId = mainModel(found);
    return {
      text: found.result,
      usage,
      ...(found.total_cost_usd === undefined ? {} : { costUsd: found.total_cost_usd }),
      ...(modelId === undefined ? {} : { modelId }),
    };
  },

  setupFixes(spec: ModelSpec, problems: readonly string[]): readonly string[] {
    const text = problems.join("\n");
    const fixes: string[] = [];
    if (/auth|401|403|api key|log ?in/i.test(text)) {
      fixes.push(
        `set ANTHROPIC_API_KEY (in the shell or in model ${spec.name}'s env:) or run \`claude\` once and log in`,
      );
    }
    return fixes;
  },
};
